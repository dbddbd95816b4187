# SPDX-License-Identifier: BSD-3-Clause
# QTSSE_SANITIZE: every target (library, tests, examples) built and linked with AddressSanitizer
# and UndefinedBehaviorSanitizer, undefined behaviour fatal (scripts/test-sanitizers.sh).
# QTSSE_FUZZ: the same with clang, plus the libFuzzer coverage instrumentation; the fuzz targets
# add -fsanitize=fuzzer (libFuzzer's main) at link time themselves (fuzz/CMakeLists.txt).
# Included from the top-level CMakeLists.txt before any target is defined.
set(qtsse_sanitizers address,undefined)
if(QTSSE_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "QTSSE_FUZZ needs clang (libFuzzer): configure with "
            "CC=clang CXX=clang++ in a new build directory (${CMAKE_CXX_COMPILER_ID} found)")
    endif()
    add_compile_options(-fsanitize=fuzzer-no-link,${qtsse_sanitizers})
elseif(QTSSE_SANITIZE)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        message(FATAL_ERROR "QTSSE_SANITIZE needs GCC or clang")
    endif()
    add_compile_options(-fsanitize=${qtsse_sanitizers})
endif()
if(QTSSE_FUZZ OR QTSSE_SANITIZE)
    add_compile_options(-fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=${qtsse_sanitizers})
    # For what is built outside this project against it (the cmake_consumer test): an
    # executable that loads the sanitized library must itself be linked with the runtimes.
    set(QTSSE_SANITIZER_FLAGS "-fsanitize=${qtsse_sanitizers}")
endif()
