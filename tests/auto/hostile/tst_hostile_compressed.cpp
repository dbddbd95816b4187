// SPDX-License-Identifier: BSD-3-Clause
// Hostile input, compressed: Qt asks for gzip by itself and decompresses as the stream arrives.
// A long gzip event stream must last as long as the server sends (Qt's own decompression
// safety check would cut it after ~10 MiB), and a gzip bomb (a tiny body that inflates to an
// endless line) must end with EventTooLargeError and bounded memory.
#include "hostile.h"
#include "ssetestserver.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtTest/qtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Hostile;
using Response = SseTestServer::Response;
using Request = SseTestServer::Request;
using Errors = QList<SseClient::Error>;

namespace {
// Compressed pieces of plain text until plain(n) returns nothing: then the gzip trailer.
Response::Producer gzipProducer(std::function<QByteArray(qint64 piece)> plain)
{
    auto gzip = std::make_shared<GzipWriter>();
    auto piece = std::make_shared<qint64>(0);
    auto done = std::make_shared<bool>(false);
    return [=](qint64) {
        QByteArray out;
        while (out.isEmpty() && !*done) {
            const QByteArray text = plain((*piece)++);
            *done = text.isEmpty();
            out = gzip->compress(text, *done);
        }
        return out;
    };
}

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
    void longGzipStream();
    void gzipBomb();
};

void tst_HostileCompressed::longGzipStream()
{
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
        ++events;
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
        QVERIFY2(growth < 64 * MiB, qPrintable(QString::number(growth)));
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
        QVERIFY2(growth < 64 * MiB, qPrintable(QString::number(growth)));
}

QTEST_MAIN(tst_HostileCompressed)
#include "tst_hostile_compressed.moc"
