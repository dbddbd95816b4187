# SPDX-License-Identifier: BSD-3-Clause
# cmake -DQMLLINT=... -DQTSSE_BUILD_DIR=... -DQML_DIR=<relative QML install dir>
#       -DAPP_QML=... -DWORK_DIR=... [-DCONFIG=...] -P lint_installed.cmake
#
# qmllint on an application's QML file, with the QtSse module as INSTALLED: the build is
# installed into WORK_DIR/prefix, the file is copied to WORK_DIR/app (away from the source and
# build trees), and qmllint -I <prefix>/<QML_DIR> must pass without a single line of output.
# Linting the same file without -I must fail on "import QtSse": proof that the installed
# module, and nothing else, is what qmllint checked it against.
cmake_minimum_required(VERSION 3.22)
foreach(var IN ITEMS QMLLINT QTSSE_BUILD_DIR QML_DIR APP_QML WORK_DIR)
    if(NOT ${var})
        message(FATAL_ERROR "lint_installed.cmake: -D${var}=... is required")
    endif()
endforeach()
if(NOT CONFIG)
    set(CONFIG RelWithDebInfo)
endif()

set(prefix "${WORK_DIR}/prefix")
set(app "${WORK_DIR}/app")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${app}")

execute_process(
    COMMAND "${CMAKE_COMMAND}" --install "${QTSSE_BUILD_DIR}" --prefix "${prefix}" --config "${CONFIG}"
    RESULT_VARIABLE result OUTPUT_QUIET ERROR_VARIABLE install_err)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "qmllint_installed: cmake --install failed (${result}):\n${install_err}")
endif()
set(module "${prefix}/${QML_DIR}/QtSse")
foreach(file IN ITEMS qmldir QtSseQml.qmltypes)
    if(NOT EXISTS "${module}/${file}")
        message(FATAL_ERROR "qmllint_installed: ${module}/${file} is not installed")
    endif()
endforeach()

get_filename_component(name "${APP_QML}" NAME)
file(COPY "${APP_QML}" DESTINATION "${app}")

# The environment must not point qmllint at another copy of the module.
set(lint "${CMAKE_COMMAND}" -E env --unset=QML_IMPORT_PATH --unset=QML2_IMPORT_PATH "${QMLLINT}")
execute_process(COMMAND ${lint} -I "${prefix}/${QML_DIR}" "${name}"
    WORKING_DIRECTORY "${app}"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT result EQUAL 0 OR NOT out STREQUAL "")
    message(FATAL_ERROR "qmllint with the installed module: status ${result}\n${out}")
endif()

execute_process(COMMAND ${lint} "${name}"
    WORKING_DIRECTORY "${app}"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(result EQUAL 0 OR NOT out MATCHES "QtSse")
    message(FATAL_ERROR "qmllint without the installed module did not fail on QtSse "
        "(status ${result}): it found the module elsewhere, so the check above proves "
        "nothing:\n${out}")
endif()
message(STATUS "qmllint_installed: ${name} lints cleanly against ${module}")
