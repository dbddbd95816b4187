# SPDX-License-Identifier: BSD-3-Clause
# cmake -DMAN=... -DMANPAGE=... -DSSECAT=... -P check_manpage.cmake
#
# The installed manual of ssecat (examples/ssecat/ssecat.1): `man -l` renders it without a
# single troff warning (all warnings on), and it documents every option `ssecat --help` lists,
# so that the two cannot drift apart.
cmake_minimum_required(VERSION 3.22)
foreach(var IN ITEMS MAN MANPAGE SSECAT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "check_manpage.cmake: -D${var}=... is required")
    endif()
endforeach()

execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env MANWIDTH=80 LC_ALL=C.UTF-8 MAN_KEEP_FORMATTING=
        "${MAN}" --warnings=w -l "${MANPAGE}"
    RESULT_VARIABLE result
    OUTPUT_VARIABLE page
    ERROR_VARIABLE warnings)
if(NOT result EQUAL 0 OR NOT warnings STREQUAL "")
    message(FATAL_ERROR "man -l ${MANPAGE}: status ${result}, warnings:\n${warnings}")
endif()
if(NOT page MATCHES "SSECAT\\(1\\)" OR NOT page MATCHES "EXIT STATUS")
    message(FATAL_ERROR "man -l ${MANPAGE} rendered no manual page:\n${page}")
endif()
# man renders a hyphen as U+2010 in some locales: compare with plain hyphens.
string(REPLACE "‐" "-" page "${page}")
string(REPLACE "−" "-" page "${page}")

execute_process(COMMAND "${SSECAT}" --help RESULT_VARIABLE result OUTPUT_VARIABLE usage
    ERROR_VARIABLE usage_err)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "ssecat --help: status ${result}\n${usage_err}")
endif()
string(REGEX MATCHALL "(^|[ \n])--[a-z][a-z-]+" options "${usage}")
list(TRANSFORM options STRIP)
list(REMOVE_DUPLICATES options)
list(LENGTH options count)
if(count LESS 20)
    message(FATAL_ERROR "ssecat --help listed only ${count} options: ${options}")
endif()
set(missing)
foreach(option IN LISTS options)
    string(FIND "${page}" "${option}" at)
    if(at EQUAL -1)
        list(APPEND missing "${option}")
    endif()
endforeach()
if(missing)
    message(FATAL_ERROR "ssecat.1 does not document ${missing} (ssecat --help lists them)")
endif()
message(STATUS "ssecat.1: renders without warnings, documents all ${count} options")
