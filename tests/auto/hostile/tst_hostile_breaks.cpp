// SPDX-License-Identifier: BSD-3-Clause
// Hostile input, breaks: an open stream that Qt gives up on mid-way (a reset connection, a cut or
// malformed body, corrupt compressed data) never ends silently. Each is an error with the reason
// in errorString ("The stream broke: ..."), disconnected() comes first, and the client resumes
// from the last event ID.
#include "hostile.h"
#include "ssetestserver.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;
using namespace Hostile;

namespace {
const QByteArray Event = "id: 1\ndata: a\n\n";

QByteArray head(const QByteArray &headers)
{
    return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n" + headers + "\r\n";
}

QByteArray chunk(const QByteArray &bytes)
{
    return QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n";
}
} // namespace

class tst_HostileBreaks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void midStreamError_data();
    void midStreamError();
};

void tst_HostileBreaks::midStreamError_data()
{
    QTest::addColumn<Response>("response");
    QTest::addColumn<QStringList>("events"); // delivered before the break
    QTest::addColumn<bool>("broken"); // false: Qt 6.4 reports a clean end (see the rows)
    const QStringList a = {u"a"_s};
    // Always after the event has been sent (a pause), so that the break is mid-stream.
    QTest::addRow("connection reset (RST), chunked")
            << Response::sse().chunked().send(Event).pause(100).reset() << a << true;
    QTest::addRow("chunked, cut before the final chunk")
            << Response::sse().chunked().send(Event).pause(100).abort() << a << true;
    QTest::addRow("Content-Length, cut short")
            << Response::raw(head("Content-Length: 1000\r\n")).send(Event).pause(100).abort() << a
            << true;
    // The client decodes gzip itself (Qt 6.4's own decoding reported this error without ever
    // finishing the reply: the client waited forever).
    GzipWriter gzip;
    QTest::addRow("corrupt gzip data")
            << Response::raw(head("Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"))
                       .send(chunk(gzip.compress(Event, false)))
                       .pause(100)
                       .send(chunk(QByteArray(64, '\xff')))
                       .holdOpen()
            << a << true;
    // What Qt 6.4 cannot tell from an end: a close-delimited body ends at any close, and a chunk
    // size that is not hexadecimal reads as the last chunk. Defined outcome: a clean end, and
    // the client resumes from the last event ID all the same.
    QTest::addRow("close-delimited, connection reset (RST)")
            << Response::sse().send(Event).pause(100).reset() << a << false;
    QTest::addRow("malformed chunk size") << Response::raw(head("Transfer-Encoding: chunked\r\n"))
                                                     .send(chunk(Event))
                                                     .pause(100)
                                                     .send("zz\r\nxx\r\n")
                                                     .holdOpen()
                                          << a << false;
}

void tst_HostileBreaks::midStreamError()
{
    QFETCH(Response, response);
    QFETCH(QStringList, events);
    QFETCH(bool, broken);

    SseClientFixture f;
    QVERIFY(f.start());
    f.answerFirstThenHold(response);

    QStringList order;
    connect(&f.client, &SseClient::disconnected, this, [&] { order.append(u"disconnected"_s); });
    connect(&f.client, &SseClient::errorOccurred, this,
            [&] { order.append(u"errorOccurred: "_s + f.client.errorString()); });
    f.client.open();
    QTRY_COMPARE_WITH_TIMEOUT(f.server.requestCount(), 2, Timeout); // resumed
    QTRY_COMPARE_WITH_TIMEOUT(f.client.state(), SseClient::Open, Timeout);
    QCOMPARE(dataOf(f.eventSpy), events);
    QCOMPARE(f.server.requests().at(1).header("Last-Event-ID"),
             events.isEmpty() ? QByteArray() : "1");
    if (!broken) {
        QCOMPARE(errorsOf(f.errorSpy), Errors());
        QCOMPARE(order, QStringList {u"disconnected"_s});
        return;
    }
    QCOMPARE(errorsOf(f.errorSpy), Errors {SseClient::ConnectionError});
    QCOMPARE(order.size(), 2);
    QCOMPARE(order.at(0), u"disconnected"_s);
    QVERIFY2(order.at(1).startsWith(u"errorOccurred: The stream broke: "_s),
             qPrintable(order.at(1)));
    qInfo("%s", qPrintable(order.at(1)));
}

QTEST_MAIN(tst_HostileBreaks)
#include "tst_hostile_breaks.moc"
