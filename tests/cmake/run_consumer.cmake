# SPDX-License-Identifier: BSD-3-Clause
# cmake -DQTSSE_BUILD_DIR=... -DCONSUMER_SOURCE_DIR=... -DWORK_DIR=... [-DCONFIG=...]
#       [-DGENERATOR=...] [-DMAKE_PROGRAM=...] [-DCXX_COMPILER=...] [-DCXX_FLAGS=...]
#       -P run_consumer.cmake
#
# Installs the QtSse build into WORK_DIR/prefix, checks the installed layout, then configures,
# builds and runs the consumer project against that prefix only. CXX_FLAGS are compile and link
# flags for the consumer (the sanitizer flags when QtSse is built with QTSSE_SANITIZE).
cmake_minimum_required(VERSION 3.22)

foreach(var IN ITEMS QTSSE_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR)
    if(NOT ${var})
        message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
    endif()
endforeach()
if(NOT CONFIG)
    set(CONFIG RelWithDebInfo)
endif()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run step)
    message(STATUS "cmake_consumer: ${step}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "cmake_consumer: ${step} failed (${result})")
    endif()
endfunction()

run("install into ${prefix}"
    "${CMAKE_COMMAND}" --install "${QTSSE_BUILD_DIR}" --prefix "${prefix}" --config "${CONFIG}")

# The public headers, lowercase and CamelCase, and the export header; never a private header.
foreach(header IN ITEMS SseEvent sseevent.h SseParser sseparser.h qtsse_export.h)
    if(NOT EXISTS "${prefix}/include/QtSse/${header}")
        message(FATAL_ERROR "cmake_consumer: include/QtSse/${header} is not installed")
    endif()
endforeach()
file(GLOB_RECURSE private_headers "${prefix}/include/*_p.h")
if(private_headers)
    message(FATAL_ERROR "cmake_consumer: private headers installed: ${private_headers}")
endif()

# The pkg-config file, for builds without CMake: it points into this prefix.
file(GLOB pc_files "${prefix}/lib*/pkgconfig/QtSse.pc" "${prefix}/lib/*/pkgconfig/QtSse.pc")
if(NOT pc_files)
    message(FATAL_ERROR "cmake_consumer: lib/pkgconfig/QtSse.pc is not installed")
endif()
find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
    list(GET pc_files 0 pc_file)
    get_filename_component(pc_dir "${pc_file}" DIRECTORY)
    execute_process(COMMAND "${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${pc_dir}"
            "${PKG_CONFIG}" --cflags --libs QtSse
        RESULT_VARIABLE result OUTPUT_VARIABLE flags ERROR_VARIABLE flags)
    string(REGEX MATCH "-I([^ \n]*/include)( |\n|$)" _ "${flags}")
    set(pc_include "${CMAKE_MATCH_1}")
    if(NOT result EQUAL 0 OR NOT flags MATCHES "-lQtSse" OR NOT pc_include
       OR NOT EXISTS "${pc_include}/QtSse/SseClient")
        message(FATAL_ERROR "cmake_consumer: pkg-config --cflags --libs QtSse does not point "
            "into ${prefix}: ${flags}")
    endif()
endif()

set(configure_args
    -S "${CONSUMER_SOURCE_DIR}" -B "${consumer_build}"
    "-DCMAKE_PREFIX_PATH=${prefix}"
    "-DCMAKE_BUILD_TYPE=${CONFIG}"
    "-DQTSSE_EXPECTED_PREFIX=${prefix}"
    # Only the prefix may provide QtSse: not the user package registry, not the build tree.
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(GENERATOR)
    list(APPEND configure_args -G "${GENERATOR}")
endif()
if(MAKE_PROGRAM)
    list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER)
    list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(CXX_FLAGS)
    list(APPEND configure_args "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
        "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}")
endif()
run("configure the consumer" "${CMAKE_COMMAND}" ${configure_args})
run("build the consumer" "${CMAKE_COMMAND}" --build "${consumer_build}" --config "${CONFIG}")

foreach(app IN ITEMS app app_strict)
    set(exe "${consumer_build}/${app}")
    if(NOT EXISTS "${exe}" AND EXISTS "${consumer_build}/${CONFIG}/${app}")
        set(exe "${consumer_build}/${CONFIG}/${app}") # multi-config generators
    endif()
    run("run ${app}" "${exe}")
endforeach()
