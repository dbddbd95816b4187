// SPDX-License-Identifier: BSD-3-Clause
// llm-chat (examples/llm-chat) driven as a user drives it: on a private Xvfb display, with real
// X input from xdotool (clicks at positions computed with mapToGlobal(), typed text, Return),
// against sse-demo-server (a process). Nothing is invoked or set inside the window: the test
// only reads properties to see what happened.
//   commandLineWithoutDisplay  --help and usage errors need no display
//   replyGrowsThenStop         a prompt typed and sent with Enter, the reply growing token by
//                              token (screenshot mid-stream), Stop keeps what arrived
//   replyWithToolCallAndUsage  a whole reply, the token usage shown
//   errorInWords               a mid-stream provider error said in words
//   providerPicked             another provider picked in the combo box, its stream read
// Screenshots: ${CMAKE_BINARY_DIR}/llm-chat-*.png.
#include "chatapp.h"
#include "quickwindowdriver.h"
#include "xvfbdisplay.h"
#include "xvfbtestmain.h"

#include <QtCore/qjsonarray.h>
#include <QtCore/qprocess.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuick/qquickitem.h>
#include <QtQuick/qquickwindow.h>
#include <QtTest/qtest.h>

#include <memory>

#include <sys/prctl.h>

#include <csignal>

Q_IMPORT_QML_PLUGIN(LlmChatPlugin)

using namespace Qt::StringLiterals;

static constexpr int Timeout = 20000; // generous: the suite must pass on a loaded machine

// SseLlmSource.State
enum { Idle = 0, Streaming, Finished, Failed, Aborted };

class tst_LlmChatInput : public QObject, private QuickWindowDriver
{
    Q_OBJECT

public:
    tst_LlmChatInput() : QuickWindowDriver(QStringLiteral(SCREENSHOT_DIR "/llm-chat-")) { }

private Q_SLOTS:
    void initTestCase();
    void commandLineWithoutDisplay_data();
    void commandLineWithoutDisplay();
    void replyGrowsThenStop();
    void replyWithToolCallAndUsage();
    void errorInWords();
    void providerPicked();
    void cleanupTestCase();

private:
    int state() const { return find(u"llm"_s)->property("state").toInt(); }
    QString reply() const { return find(u"llm"_s)->property("text").toString(); }
    bool sendPrompt(const QString &prompt); // typed into the prompt field, then Enter

    QProcess m_server;
    QUrl m_baseUrl;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
};

bool tst_LlmChatInput::sendPrompt(const QString &prompt)
{
    return clickItem(u"promptField"_s) && XInput::type(prompt) && XInput::key(u"Return"_s);
}

void tst_LlmChatInput::initTestCase()
{
    QVERIFY2(XInput::run({u"version"_s}), "xdotool is needed (Debian package xdotool)");
    m_server.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    QString error;
    m_baseUrl = startDemoServer(&m_server, QStringLiteral(DEMO_SERVER_PATH), &error);
    QVERIFY2(m_baseUrl.isValid() && !m_baseUrl.isEmpty(), qPrintable(error));

    ChatOptions options;
    options.provider = 2; // Anthropic Messages
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_window = loadChat(*m_engine, options, m_baseUrl);
    QVERIFY(m_window);
    QVERIFY(activateByClick(u"promptField"_s, Timeout));
}

void tst_LlmChatInput::commandLineWithoutDisplay_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("environmentKey");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("says");
    QTest::newRow("help") << QStringList {u"--help"_s} << QByteArray() << 0
                          << QByteArray("--api-key-env");
    QTest::newRow("unknown provider")
            << QStringList {u"--provider"_s, u"acme"_s} << QByteArray() << 2 << QByteArray("acme");
    QTest::newRow("empty key variable")
            << QStringList {u"--api-key-env"_s, u"LLM_CHAT_TEST_NO_SUCH_KEY"_s} << QByteArray() << 2
            << QByteArray("LLM_CHAT_TEST_NO_SUCH_KEY holds no key");
    QTest::newRow("url and demo") << QStringList {u"--demo"_s, u"--url"_s, u"http://x/"_s}
                                  << QByteArray() << 2 << QByteArray("exclude");
    QTest::newRow("bad url") << QStringList {u"--url"_s, u"ftp://x/"_s} << QByteArray() << 2
                             << QByteArray("http or https");
}

void tst_LlmChatInput::commandLineWithoutDisplay()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, says);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"DISPLAY"_s);
    env.remove(u"WAYLAND_DISPLAY"_s);
    env.insert(u"QT_QPA_PLATFORM"_s, u"xcb"_s); // a GUI application would abort without display
    QProcess chat;
    chat.setProcessEnvironment(env);
    chat.start(QStringLiteral(LLMCHAT_PATH), arguments);
    QVERIFY(chat.waitForFinished(Timeout));
    QCOMPARE(chat.exitStatus(), QProcess::NormalExit);
    QCOMPARE(chat.exitCode(), exitCode);
    const QByteArray output =
            exitCode == 0 ? chat.readAllStandardOutput() : chat.readAllStandardError();
    QVERIFY2(output.contains(says), output.constData());
}

void tst_LlmChatInput::replyGrowsThenStop()
{
    // "/slow": the demo server sends a word every 300 ms.
    QVERIFY(sendPrompt(u"Tell me about Qt /slow"_s));
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Streaming), Timeout);
    QVERIFY(item(u"stopButton"_s)->isEnabled());
    QVERIFY(text(u"promptField"_s).isEmpty());
    // The reply grows, word by word, on screen.
    QStringList seen;
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QString shown = text(u"replyText"_s);
                if (seen.isEmpty() || seen.constLast() != shown)
                    seen.append(shown);
                return seen.size() >= 4;
            }(),
            Timeout);
    for (qsizetype i = 1; i < seen.size(); ++i)
        QVERIFY2(seen.at(i).size() > seen.at(i - 1).size(), qPrintable(seen.join(u" | "_s)));
    screenshot(u"streaming"_s);
    QVERIFY(clickItem(u"stopButton"_s));
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Aborted), Timeout);
    QVERIFY2(reply().startsWith(u"Hi! This "_s), qPrintable(reply()));
    QVERIFY2(!reply().contains(u"\"Tell me about Qt\""_s), "stopped mid-stream");
    QCOMPARE(text(u"statusLabel"_s), u"Stopped; the reply so far is kept."_s);
    QVERIFY(!item(u"stopButton"_s)->isEnabled());
    // Kept in the conversation: the prompt and the partial reply.
    QCOMPARE(find(u"conversation"_s)->property("count").toInt(), 2);
}

void tst_LlmChatInput::replyWithToolCallAndUsage()
{
    QVERIFY(sendPrompt(u"Weather in Paris? /tool"_s));
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Finished), Timeout);
    QCOMPARE(reply(),
             u"Hi! This is sse-demo-server, streaming offline. You said: "
             "\"Weather in Paris?\""_s);
    QVERIFY2(text(u"usageLabel"_s).startsWith(u"Tokens: "_s), qPrintable(text(u"usageLabel"_s)));
    QVERIFY2(text(u"usageLabel"_s).contains(u"total"_s), qPrintable(text(u"usageLabel"_s)));
    QCOMPARE(text(u"statusLabel"_s), u"Done (tool_use)."_s);
    const QVariantList calls = find(u"llm"_s)->property("toolCalls").toList();
    QCOMPARE(calls.size(), 1);
    QCOMPARE(calls.first().toMap().value(u"name"_s).toString(), u"get_weather"_s);
    QCOMPARE(text(u"toolCallsLabel"_s),
             u"Tool calls: get_weather{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"_s);
    QCOMPARE(find(u"conversation"_s)->property("count").toInt(), 4);
    screenshot(u"finished"_s);
}

void tst_LlmChatInput::errorInWords()
{
    QVERIFY(sendPrompt(u"Break please /error"_s));
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Failed), Timeout);
    QCOMPARE(text(u"statusLabel"_s),
             u"The provider stopped the reply with an error: Overloaded (overloaded_error)"_s);
    screenshot(u"error"_s);
}

void tst_LlmChatInput::providerPicked()
{
    QQuickItem *box = item(u"providerBox"_s);
    QCOMPARE(box->property("currentIndex").toInt(), 2);
    // Opened by a click; the entry clicked in its list.
    QVERIFY(XInput::click(centre(box)));
    auto *popup = box->property("popup").value<QObject *>();
    QVERIFY(popup);
    QTRY_VERIFY_WITH_TIMEOUT(popup->property("opened").toBool(), Timeout);
    QQuickItem *list = popup->property("contentItem").value<QQuickItem *>();
    QVERIFY(list);
    QQuickItem *entry = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QList<QQuickItem *> pending {list};
                while (!pending.isEmpty() && !entry) {
                    QQuickItem *i = pending.takeLast();
                    if (i->isVisible() && i->property("text").toString() == u"Google Gemini"_s)
                        entry = i;
                    pending.append(i->childItems());
                }
                return entry != nullptr;
            }(),
            Timeout);
    QVERIFY(XInput::click(centre(entry)));
    QTRY_COMPARE_WITH_TIMEOUT(box->property("currentIndex").toInt(), 3, Timeout);
    QCOMPARE(text(u"modelField"_s), u"gemini-2.5-flash"_s);
    QVERIFY(sendPrompt(u"Hello Gemini"_s));
    QTRY_COMPARE_WITH_TIMEOUT(state(), int(Finished), Timeout);
    QCOMPARE(find(u"llm"_s)->property("detectedDialect").toInt(), 4); // GeminiGenerateContent
    QVERIFY2(reply().endsWith(u"\"Hello Gemini\""_s), qPrintable(reply()));
    QCOMPARE(text(u"statusLabel"_s), u"Done (STOP)."_s);
}

void tst_LlmChatInput::cleanupTestCase()
{
    m_engine.reset();
    m_server.terminate();
    m_server.waitForFinished(5000);
}

QTSSE_XVFB_TEST_MAIN(tst_LlmChatInput,
                     XvfbTestOptions("tst_llmchat_input").withScreen(u"1200x800x24"_s))

#include "tst_llmchat_input.moc"
