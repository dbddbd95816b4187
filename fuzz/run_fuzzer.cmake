# SPDX-License-Identifier: BSD-3-Clause
# cmake -DSOURCE_DIR=... -DBUILD_DIR=... [-DCXX_COMPILER=clang++] [-DGENERATOR=...]
#       [-DMAKE_PROGRAM=...] [-DQt6_DIR=...] [-DPREFIX_PATH=a|b] [-DSECONDS=60]
#       [-DKEEP_CORPUS=ON] [-DFUZZER_ARGS=<;-list>] -P run_fuzzer.cmake
#
# Configures the fuzz build (QTSSE_FUZZ=ON: the library and fuzz_parser only) in BUILD_DIR if
# it is not configured yet, builds fuzz_parser (a second run only rebuilds what changed), and
# runs it for SECONDS from the seed corpus fuzz/corpus/parser, which it only reads: the inputs
# it finds go to BUILD_DIR/corpus/parser (emptied first unless KEEP_CORPUS), a crashing input to
# BUILD_DIR/artifacts/. Fails when the fuzzer does (a crash, a leak, a sanitizer report).
# Used by the fuzz_smoke test and by scripts/fuzz.sh.
cmake_minimum_required(VERSION 3.22)

foreach(var IN ITEMS SOURCE_DIR BUILD_DIR)
    if(NOT ${var})
        message(FATAL_ERROR "run_fuzzer.cmake: -D${var}=... is required")
    endif()
endforeach()
if(NOT CXX_COMPILER)
    set(CXX_COMPILER clang++)
endif()
if(NOT SECONDS)
    set(SECONDS 60)
endif()

function(run step)
    message(STATUS "fuzz: ${step}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "fuzz: ${step} failed (${result})")
    endif()
endfunction()

if(NOT EXISTS "${BUILD_DIR}/CMakeCache.txt")
    set(configure_args
        -S "${SOURCE_DIR}" -B "${BUILD_DIR}"
        "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
        -DCMAKE_BUILD_TYPE=RelWithDebInfo
        -DQTSSE_FUZZ=ON
        -DBUILD_TESTING=OFF
        -DQTSSE_BUILD_EXAMPLES=OFF
        -DQTSSE_BUILD_BENCHMARKS=OFF
        --log-level=WARNING)
    if(GENERATOR)
        list(APPEND configure_args -G "${GENERATOR}")
    endif()
    if(MAKE_PROGRAM)
        list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
    endif()
    if(Qt6_DIR)
        list(APPEND configure_args "-DQt6_DIR=${Qt6_DIR}")
    endif()
    if(PREFIX_PATH)
        # The list, its items joined by "|": given as the environment's (":"-separated) list,
        # which keeps it in one piece on the way to the command line.
        string(REPLACE "|" ":" prefix_path "${PREFIX_PATH}")
        set(ENV{CMAKE_PREFIX_PATH} "${prefix_path}")
    endif()
    run("configure ${BUILD_DIR}" "${CMAKE_COMMAND}" ${configure_args})
endif()
cmake_host_system_information(RESULT jobs QUERY NUMBER_OF_LOGICAL_CORES)
run("build fuzz_parser" "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target fuzz_parser
    --parallel ${jobs})

set(seeds "${SOURCE_DIR}/fuzz/corpus/parser")
set(corpus "${BUILD_DIR}/corpus/parser")
set(artifacts "${BUILD_DIR}/artifacts")
if(NOT KEEP_CORPUS)
    file(REMOVE_RECURSE "${corpus}")
endif()
file(MAKE_DIRECTORY "${corpus}" "${artifacts}")
file(GLOB seed_files "${seeds}/*")
file(GLOB corpus_before "${corpus}/*")
list(LENGTH seed_files seed_count)
list(LENGTH corpus_before before_count)

set(fuzzer "${BUILD_DIR}/fuzz/fuzz_parser")
message(STATUS "fuzz: fuzz_parser for ${SECONDS} s from ${seed_count} seeds"
    " and ${before_count} inputs in ${corpus}")
# The first corpus directory is where new inputs are written; the seeds are only read.
string(TIMESTAMP start "%s")
execute_process(
    COMMAND "${fuzzer}"
        "-max_total_time=${SECONDS}"
        -max_len=20000
        -timeout=30
        # Under ASan the resident memory grows by about 0.65 MB per 1000 inputs (its
        # quarantine and allocator caches; a build without sanitizers stays flat): 4 GB lasts
        # about 5 hours at 700 inputs/s, where libFuzzer's default of 2 GB would stop a run
        # after about one as "out of memory".
        -rss_limit_mb=4096
        -print_final_stats=1
        "-dict=${SOURCE_DIR}/fuzz/sse.dict"
        "-artifact_prefix=${artifacts}/"
        ${FUZZER_ARGS}
        "${corpus}" "${seeds}"
    RESULT_VARIABLE result
    ERROR_VARIABLE log ECHO_ERROR_VARIABLE)
string(TIMESTAMP stop "%s")
math(EXPR elapsed "${stop} - ${start}")
file(GLOB corpus_after "${corpus}/*")
list(LENGTH corpus_after after_count)
string(REGEX MATCH "stat::number_of_executed_units: *([0-9]+)" _ "${log}")
set(runs "${CMAKE_MATCH_1}")
string(REGEX MATCH "stat::peak_rss_mb: *([0-9]+)" _ "${log}")
set(rss "${CMAKE_MATCH_1}")
message(STATUS "fuzz: ${runs} inputs run in ${elapsed} s, peak RSS ${rss} MB; corpus "
    "${before_count} -> ${after_count} inputs (${corpus}), besides the ${seed_count} seeds")
if(NOT result EQUAL 0)
    message(FATAL_ERROR "fuzz: fuzz_parser failed (${result}): see above and ${artifacts}/")
endif()
