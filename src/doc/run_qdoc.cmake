# SPDX-License-Identifier: BSD-3-Clause
# cmake -DQDOC=... -DQDOCCONF=... -DOUTPUT_DIR=... -DQT_INSTALL_DOCS=... -DQT_INCLUDE_DIR=...
#       -DQT_VERSION=... -DQTSSE_VERSION=... -DQTSSE_INCLUDE_DIR=... -P run_qdoc.cmake
#
# Generates the HTML reference with qdoc and fails on any qdoc warning or error (qdoc 6.4 has
# no --warning-limit), then on any public member left undocumented (check_coverage.cmake):
# qdoc itself says nothing about an undocumented property or function.
cmake_minimum_required(VERSION 3.22)

foreach(var IN ITEMS QDOC QDOCCONF OUTPUT_DIR QT_INSTALL_DOCS QT_INCLUDE_DIR QT_VERSION
                     QTSSE_VERSION QTSSE_INCLUDE_DIR)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run_qdoc.cmake: -D${var}=... is required")
    endif()
endforeach()

string(REGEX MATCH "^[0-9]+\\.[0-9]+" qt_ver "${QT_VERSION}")
string(REPLACE "." "" qt_version_tag "${QT_VERSION}")
get_filename_component(doc_dir "${QDOCCONF}" DIRECTORY)

file(REMOVE_RECURSE "${OUTPUT_DIR}")
file(MAKE_DIRECTORY "${OUTPUT_DIR}")
execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env
        "QT_INSTALL_DOCS=${QT_INSTALL_DOCS}" "QT_VERSION=${QT_VERSION}" "QT_VER=${qt_ver}"
        "QT_VERSION_TAG=${qt_version_tag}" "BUILDDIR=${OUTPUT_DIR}"
        "QT_INCLUDE_DIR=${QT_INCLUDE_DIR}" "QTSSE_VERSION=${QTSSE_VERSION}"
        "QTSSE_INCLUDE_DIR=${QTSSE_INCLUDE_DIR}" "QTSSE_DOC_DIR=${doc_dir}"
        "${QDOC}" "${QDOCCONF}" --outputdir "${OUTPUT_DIR}"
    RESULT_VARIABLE result
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
file(WRITE "${OUTPUT_DIR}/qdoc.log" "${out}")

string(REGEX MATCHALL "[^\n]*\\(qdoc\\) (warning|error)[^\n]*" problems "${out}")
# Without the module header clang parses each header alone, and \fn signatures may not match.
string(REGEX MATCHALL "[^\n]*Could not find the module header[^\n]*" no_header "${out}")
list(APPEND problems ${no_header})
list(LENGTH problems count)
if(NOT result EQUAL 0 OR count GREATER 0)
    string(REPLACE ";" "\n" listed "${problems}")
    execute_process(COMMAND "${CMAKE_COMMAND}" -E echo "${listed}") # unwrapped, one a line
    message(FATAL_ERROR "qdoc: ${count} warning(s) or error(s), exit status ${result} "
        "(warnings are errors; the whole log is ${OUTPUT_DIR}/qdoc.log)")
endif()

include("${CMAKE_CURRENT_LIST_DIR}/check_coverage.cmake")
qtsse_check_doc_coverage("${OUTPUT_DIR}/qtsse.index" "${doc_dir}/../.." missing)
if(missing)
    list(LENGTH missing count)
    string(REPLACE ";" "\n" listed "${missing}")
    execute_process(COMMAND "${CMAKE_COMMAND}" -E echo "${listed}")
    message(FATAL_ERROR "docs: ${count} public member(s) without documentation")
endif()
message(STATUS "docs: ${OUTPUT_DIR}/index.html")
