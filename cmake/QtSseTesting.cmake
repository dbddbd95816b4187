# SPDX-License-Identifier: BSD-3-Clause
# qtsse_add_test(<name> LIBRARIES <lib>... [SOURCES <file>...] [TIMEOUT <seconds>])
# One QtTest executable <name> built from <name>.cpp (and SOURCES), linked to LIBRARIES and
# Qt6::Test, with the project's warnings, registered with ctest under its own name.
function(qtsse_add_test name)
    cmake_parse_arguments(arg "" "TIMEOUT" "LIBRARIES;SOURCES" ${ARGN})
    qt_add_executable(${name} ${name}.cpp ${arg_SOURCES})
    target_link_libraries(${name} PRIVATE ${arg_LIBRARIES} Qt6::Test)
    qtsse_set_warnings(${name})
    add_test(NAME ${name} COMMAND ${name})
    if(arg_TIMEOUT)
        set_tests_properties(${name} PROPERTIES TIMEOUT ${arg_TIMEOUT})
    endif()
endfunction()
