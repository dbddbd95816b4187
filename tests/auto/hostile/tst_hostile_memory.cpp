// SPDX-License-Identifier: BSD-3-Clause
// Hostile input, memory: the README's bound per stream (Hostile::streamMemoryBound()), measured
// on the worst stream a server can send within the limits (events whose ID, type and data are
// each just under maxEventSize, back to back, as fast as loopback goes) on every transfer coding
// the in-process server speaks, while the slots do nothing, block, or run a nested event loop.
// HTTP/2 is measured against nginx (tst_connectionpool_http2::unreadDataIsBounded).
#include "hostile.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtCore/qeventloop.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;
using namespace Hostile;

namespace {
constexpr qsizetype Cap = 256 * 1024; // maxEventSize
constexpr qint64 Events = 96; // 72 MiB: all of it held would be far beyond the bound

// Event n: an id:, an event: and a data: line, each just under Cap (a line counts its field name
// and LF; the ID starts with n so that every event has its own).
QByteArray maximalEvent(qint64 n)
{
    const auto line = [n](const QByteArray &field) -> QByteArray {
        const QByteArray head = field + ": " + QByteArray::number(n) + ' ';
        return head + QByteArray(Cap - 1 - head.size() - 1, 'a' + char(n % 26)) + '\n';
    };
    return QByteArray(line("id") + line("event") + line("data") + '\n');
}

enum class Coding { CloseDelimited, Chunked, Gzip };
} // namespace

class tst_HostileMemory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void boundHolds_data();
    void boundHolds();

private:
    // Streams count maximal events; growth: the peak of resident memory above the start.
    void stream(Coding coding, Slot slot, qint64 count, qint64 *growth);
};

void tst_HostileMemory::initTestCase()
{
    // What the process sets up once (the server's and Qt's network threads and their malloc
    // arenas, zlib, Qt's plugins) is not a stream's: up before the first measurement.
    qint64 growth = 0;
    for (Coding coding : {Coding::CloseDelimited, Coding::Gzip}) {
        stream(coding, Slot::Idle, 8, &growth);
        if (QTest::currentTestFailed())
            return;
    }
}

void tst_HostileMemory::boundHolds_data()
{
    QTest::addColumn<Coding>("coding");
    QTest::addColumn<Slot>("slot"); // what the slot does on every 8th event, for 300 ms
    const std::pair<Coding, const char *> codings[] = {{Coding::CloseDelimited, "close-delimited"},
                                                       {Coding::Chunked, "chunked"},
                                                       {Coding::Gzip, "gzip"}};
    const std::pair<Slot, const char *> slots[] = {{Slot::Idle, "idle slot"},
                                                   {Slot::Blocks, "blocking slot"},
                                                   {Slot::NestedLoop, "nested loop"}};
    for (const auto &[coding, codingName] : codings) {
        for (const auto &[slot, slotName] : slots)
            QTest::addRow("%s, %s", codingName, slotName) << coding << slot;
    }
}

void tst_HostileMemory::boundHolds()
{
    QFETCH(Coding, coding);
    QFETCH(Slot, slot);
    qint64 growth = 0;
    // Under a sanitizer memory says nothing (PeakMemory::meaningful()): a quarter of the stream
    // exercises the same paths for it, in a quarter of the (several times longer) time.
    const qint64 count = PeakMemory::meaningful() ? Events : Events / 4;
    stream(coding, slot, count, &growth);
    if (QTest::currentTestFailed())
        return;
    const qint64 bound = streamMemoryBound(Cap);
    qInfo("%lld events of %.2f MiB: peak memory growth %.1f MiB; the bound %.1f MiB + %.0f MiB",
          count, double(maximalEvent(0).size()) / MiB, double(growth) / MiB, double(bound) / MiB,
          double(ProcessSlack) / MiB);
    if (PeakMemory::meaningful())
        QVERIFY2(growth <= bound + ProcessSlack, qPrintable(u"%1 MiB"_s.arg(double(growth) / MiB)));
}

void tst_HostileMemory::stream(Coding coding, Slot slot, qint64 count, qint64 *growth)
{
    ServerThread server([coding, count](const Request &) {
        Response response = Response::sse();
        const auto events = [count](qint64 piece) {
            return piece < count ? maximalEvent(piece) : QByteArray();
        };
        switch (coding) {
        case Coding::CloseDelimited:
            break;
        case Coding::Chunked:
            response.chunked();
            break;
        case Coding::Gzip:
            return response.header("Content-Encoding", "gzip")
                    .chunked()
                    .generate(-1, gzipProducer(events))
                    .holdOpen();
        }
        qint64 total = 0;
        for (qint64 n = 0; n < count; ++n)
            total += maximalEvent(n).size();
        auto piece = std::make_shared<qint64>(0);
        return response.generate(total, [events, piece](qint64) { return events((*piece)++); })
                .holdOpen();
    });
    QVERIFY(server.isListening());

    SseClient client;
    configure(client, server.url(u"/events"_s));
    client.setMaxEventSize(Cap);
    client.setMaxRetries(0);
    QSignalSpy errorSpy(&client, &SseClient::errorOccurred);
    qint64 events = 0;
    bool intact = true;
    connect(&client, &SseClient::eventReceived, this, [&](const SseEvent &event) {
        const QString n = QString::number(events);
        intact = intact && event.lastEventId().startsWith(n + u' ')
                && event.type().startsWith(n + u' ') && event.data().startsWith(n + u' ')
                && event.data().size() == Cap - 2 - int(sizeof("data: ") - 1);
        if (++events % 8 != 1)
            return;
        occupy(slot, 300); // while the server keeps sending
    });
    PeakMemory memory;
    connect(&client, &SseClient::countersChanged, &memory, &PeakMemory::sample);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(events, count, Timeout);
    *growth = memory.growth();
    QVERIFY(intact);
    QCOMPARE(errorsOf(errorSpy), Errors());
    QCOMPARE(client.state(), SseClient::Open);
}

QTEST_MAIN(tst_HostileMemory)
#include "tst_hostile_memory.moc"
