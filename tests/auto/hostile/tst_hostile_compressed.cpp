// SPDX-License-Identifier: BSD-3-Clause
// Hostile input, compressed: the client asks for gzip and deflate and decodes them itself, in
// bounded pieces (Qt's own decoding cut long streams at ~10 MiB and, for a slow reader, held up
// to the whole decompressed stream: 103 MiB of 128). A long gzip event stream must last as long
// as the server sends with flat memory, also while slots are slow; a gzip bomb (a tiny body
// that inflates to an endless line) must end with EventTooLargeError and bounded memory; every
// coding a server may use is read, and one the client did not ask for fails clearly.
#include "hostile.h"
#include "ssetestserver.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtTest/qtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Hostile;

namespace {
constexpr qint64 EventSize = 1000;
constexpr qint64 LongStreamEvents = 128 * MiB / EventSize; // > 128 MiB decompressed
constexpr qint64 EventsPerPiece = 256;

// The events of piece n: "id: K\ndata: K xxx...\n\n", EventSize bytes each.
QByteArray eventsOfPiece(qint64 piece)
{
    QByteArray text;
    for (qint64 i = piece * EventsPerPiece;
         i < qMin((piece + 1) * EventsPerPiece, LongStreamEvents); ++i) {
        const QByteArray head = "id: " + QByteArray::number(i) + "\ndata: " + QByteArray::number(i);
        text += head + ' ' + QByteArray(EventSize - head.size() - 3, 'x') + "\n\n";
    }
    return text;
}
} // namespace

class tst_HostileCompressed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void longGzipStream_data();
    void longGzipStream();
    void gzipBomb();
    void encodings_data();
    void encodings();
};

void tst_HostileCompressed::longGzipStream_data()
{
    QTest::addColumn<int>("blockMs"); // a slot blocks this long every 2,000 events
    QTest::newRow("fast reader") << 0;
    QTest::newRow("slow reader") << 20;
}

void tst_HostileCompressed::longGzipStream()
{
    QFETCH(int, blockMs);
    ServerThread server([](const Request &request) {
        if (!request.header("Accept-Encoding").contains("gzip"))
            return Response::status(406, "gzip expected");
        return Response::sse()
                .header("Content-Encoding", "gzip")
                .chunked()
                .generate(-1, gzipProducer(eventsOfPiece))
                .holdOpen();
    });
    QVERIFY(server.isListening());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    qint64 events = 0;
    bool inOrder = true;
    connect(&client, &SseClient::eventReceived, this, [&](const SseEvent &event) {
        inOrder = inOrder && event.lastEventId() == QString::number(events);
        if (++events % 2000 == 0 && blockMs > 0)
            QThread::msleep(blockMs); // busy, not a sync point: the server keeps sending
    });
    PeakMemory memory;
    connect(&client, &SseClient::countersChanged, &memory, &PeakMemory::sample);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(events, LongStreamEvents, 2 * Timeout);
    const qint64 growth = memory.growth();
    QVERIFY(inOrder);
    QCOMPARE(errorsOf(errorSpy), Errors());
    QCOMPARE(client.state(), SseClient::Open); // the same stream: nothing was cut
    QVERIFY(client.byteCount() >= LongStreamEvents * EventSize);
    qInfo("%.1f MiB decompressed on one stream; peak memory growth %.1f MiB (%s)",
          double(client.byteCount()) / MiB, double(growth) / MiB,
          memory.exact() ? "VmHWM" : "sampled");
    if (PeakMemory::meaningful())
        QVERIFY2(growth < 32 * MiB, qPrintable(QString::number(growth)));
}

void tst_HostileCompressed::gzipBomb()
{
    // One endless line, ~1000:1 compressed: a few KiB on the wire per MiB in memory.
    ServerThread server([](const Request &) {
        const QByteArray run(MiB, 'x');
        return Response::sse()
                .header("Content-Encoding", "gzip")
                .chunked()
                .generate(-1, gzipProducer([run](qint64 piece) {
                    return piece == 0 ? "data: " + run : run;
                }))
                .holdOpen();
    });
    QVERIFY(server.isListening());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setMaxEventSize(MiB);
    client.setMaxRetries(0);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    QSignalSpy eventSpy(&client, &SseClient::eventReceived);
    PeakMemory memory;
    connect(&client, &SseClient::countersChanged, &memory, &PeakMemory::sample);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), SseClient::Failed, Timeout);
    const qint64 growth = memory.growth();
    QCOMPARE(errorsOf(errorSpy),
             Errors({SseClient::EventTooLargeError, SseClient::RetriesExhaustedError}));
    QCOMPARE(eventSpy.size(), 0);
    qInfo("bomb: %.1f MiB decompressed before the client stopped; peak memory growth %.1f MiB "
          "(%s)",
          double(client.byteCount()) / MiB, double(growth) / MiB,
          memory.exact() ? "VmHWM" : "sampled");
    if (PeakMemory::meaningful())
        QVERIFY2(growth < 32 * MiB, qPrintable(QString::number(growth)));
}

void tst_HostileCompressed::encodings_data()
{
    QTest::addColumn<QByteArray>("coding");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("readable");
    const QByteArray text = "id: 1\ndata: a\n\nid: 2\ndata: b\n\n";
    const QByteArray zlib = qCompress(text).mid(4); // qCompress: a 4-byte length, then zlib
    GzipWriter first;
    GzipWriter second;
    QTest::newRow("gzip") << "gzip"_ba << GzipWriter().compress(text, true) << true;
    QTest::newRow("x-gzip") << "x-gzip"_ba << GzipWriter().compress(text, true) << true;
    QTest::newRow("two gzip members")
            << "gzip"_ba
            << first.compress(text.first(15), true) + second.compress(text.sliced(15), true)
            << true;
    QTest::newRow("deflate (zlib)") << "deflate"_ba << zlib << true;
    // Without the zlib header and trailer, as some servers send "deflate".
    QTest::newRow("deflate (raw)") << "deflate"_ba << zlib.mid(2).chopped(4) << true;
    QTest::newRow("identity") << "identity"_ba << text << true;
    QTest::newRow("br, not asked for") << "br"_ba << text << false;
}

void tst_HostileCompressed::encodings()
{
    QFETCH(QByteArray, coding);
    QFETCH(QByteArray, body);
    QFETCH(bool, readable);

    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(Response::sse().header("Content-Encoding", coding).send(body).holdOpen());
    f.client.open();
    if (readable) {
        QTRY_COMPARE_WITH_TIMEOUT(f.eventSpy.size(), 2, Timeout);
        QCOMPARE(dataOf(f.eventSpy), QStringList({u"a"_s, u"b"_s}));
        QCOMPARE(f.server.requests().first().header("Accept-Encoding"), "gzip, deflate");
        return;
    }
    QTRY_COMPARE_WITH_TIMEOUT(f.client.state(), SseClient::Failed, Timeout);
    QCOMPARE(f.client.error(), SseClient::ConnectionError);
    QCOMPARE(f.client.errorString(),
             u"Unsupported Content-Encoding \"br\" (the client asked for gzip, deflate)"_s);
    QCOMPARE(f.eventSpy.size(), 0);
}

QTEST_MAIN(tst_HostileCompressed)
#include "tst_hostile_compressed.moc"
