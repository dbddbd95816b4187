# SPDX-License-Identifier: BSD-3-Clause
# Debian packages from the install components, with CPack (cpack -G DEB in a build configured
# with -DCMAKE_INSTALL_PREFIX=/usr, as scripts/test-packages.sh does), named as Debian names
# its Qt packages:
#   libqtsse<SOVERSION>  runtime  libQtSse.so.<SOVERSION>
#   libqtsse-dev         dev      headers, libQtSse.so, the CMake package, QtSse.pc
#   qml6-module-qtsse    qml      the QML module QtSse (plugin, qmldir, qmltypes, libQtSseQml)
#   qtsse-tools          tools    ssecat (and its manual), ssemonitor, sse-demo-server,
#                                 quick-ticker, sseparse
# dpkg-shlibdeps computes each package's dependencies on system libraries; the dependencies on
# each other, and on the QML modules the programs import at run time (which no linker sees),
# are written here.
set(CPACK_PACKAGE_NAME qtsse)
set(CPACK_PACKAGE_VENDOR QtSse)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "QtSse developers <qtsse@localhost>")
set(CPACK_GENERATOR DEB)
set(CPACK_COMPONENTS_ALL runtime dev qml tools)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Stripped, as Debian ships libraries and programs (RelWithDebInfo keeps the symbols in the
# build tree).
set(CPACK_STRIP_FILES ON)
# The packages' own libraries (libQtSse for the others, libQtSseQml for the QML plugin): found
# in the staging directories, their dependency is the explicit one below.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    "${CMAKE_BINARY_DIR}/src" "${CMAKE_BINARY_DIR}/qml")

set(qtsse_deb_version "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
set(qtsse_runtime_package "libqtsse${QTSSE_SOVERSION}")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "${qtsse_runtime_package}")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# A shlibs file: packages built against libqtsse<N> depend on it (>= this version).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "Server-Sent Events for Qt 6 - library\nSseClient, SseParser and SseEvent: a spec-exact text/event-stream parser and\na client on QNetworkAccessManager that reconnects and resumes.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libqtsse-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "${qtsse_runtime_package} (= ${qtsse_deb_version}), qt6-base-dev (>= 6.4)")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "Server-Sent Events for Qt 6 - development files\nHeaders, the CMake package (find_package(QtSse)) and the pkg-config file (QtSse).")

set(CPACK_DEBIAN_QML_PACKAGE_NAME qml6-module-qtsse)
set(CPACK_DEBIAN_QML_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_QML_PACKAGE_DEPENDS "${qtsse_runtime_package} (= ${qtsse_deb_version})")
set(CPACK_COMPONENT_QML_DESCRIPTION
    "Server-Sent Events for Qt 6 - QML module\nimport QtSse: SseSource, SseEventHandler, SseEventModel and the sseEvent type.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME qtsse-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION net)
# ssemonitor and quick-ticker import these QML modules at run time. QtQml itself (which
# QtQuick imports) imports QtQml.Models, but Debian 12's QML module packages depend on none of
# them: without qml6-module-qtqml-models no QML program starts (found by test-packages.sh).
set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS
    "${qtsse_runtime_package} (= ${qtsse_deb_version}), qml6-module-qtsse (= ${qtsse_deb_version}), qml6-module-qtqml, qml6-module-qtqml-models, qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-dialogs, qml6-module-qtquick-layouts, qml6-module-qtquick-templates, qml6-module-qtquick-window, qml6-module-qtqml-workerscript, qml6-module-qt-labs-folderlistmodel")
set(CPACK_COMPONENT_TOOLS_DESCRIPTION
    "Server-Sent Events for Qt 6 - tools\nssecat (a stream's events as JSON lines), ssemonitor (a GUI to watch a stream),\nsse-demo-server (streams to try a client against), quick-ticker and sseparse.")

include(CPack)
