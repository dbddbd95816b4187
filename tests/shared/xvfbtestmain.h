// SPDX-License-Identifier: BSD-3-Clause
#ifndef XVFBTESTMAIN_H
#define XVFBTESTMAIN_H

#include <QtCore/qstring.h>
#include <QtTest/qtest.h>

#include <functional>

// How runUnderXvfb() prepares the process for a GUI test.
class XvfbTestOptions
{
public:
    explicit XvfbTestOptions(const char *testName) : name(testName) { }
    XvfbTestOptions &withScreen(const QString &xvfbScreen)
    {
        screen = xvfbScreen;
        return *this;
    }
    XvfbTestOptions &withHomeKept() // see temporaryHome
    {
        temporaryHome = false;
        return *this;
    }
    XvfbTestOptions &namingApplication() // see nameApplication
    {
        nameApplication = true;
        return *this;
    }

    const char *name; // the test's, in its FAIL! lines
    QString screen = QStringLiteral("1400x900x24"); // Xvfb's -screen 0
    // HOME a temporary directory and XDG_DATA_HOME unset, so settings, history and the dialogs'
    // default folder are the test's own. False keeps both (a caller that set them, such as
    // with-keyring.sh before its keyring daemon).
    bool temporaryHome = true;
    // "QtSse" as the application's organization, and name as its name.
    bool nameApplication = false;
};

// The main() of a GUI test that sends real X input: Xvfb on a private display first (DISPLAY
// and the platform are read when the QGuiApplication is made), DISPLAY and QT_QPA_PLATFORM=xcb
// pointed at it, HOME as options say, XDG_CONFIG_HOME, XDG_CACHE_HOME, XDG_CURRENT_DESKTOP and
// WAYLAND_DISPLAY unset; then the QGuiApplication, and runTests() (which makes the test object
// and returns QTest::qExec()'s result). Fails (1, and a FAIL! line naming the test), never
// skips, when Xvfb does not start: CI installs xvfb, and a skipped GUI test looks like a
// passing one.
int runUnderXvfb(int &argc, char **argv, const XvfbTestOptions &options,
                 const std::function<int()> &runTests);

// QTEST_MAIN for such a test: options is an XvfbTestOptions expression, evaluated first.
// clang-format off
#define QTSSE_XVFB_TEST_MAIN(TestObject, options) \
int main(int argc, char *argv[]) \
{ \
    return runUnderXvfb(argc, argv, options, [&] { \
        QTEST_SET_MAIN_SOURCE_PATH \
        TestObject tc; \
        return QTest::qExec(&tc, argc, argv); \
    }); \
}
// clang-format on

#endif // XVFBTESTMAIN_H
