// SPDX-License-Identifier: BSD-3-Clause
// SseRecorder (examples/shared/sserecorder.h) against a real SseClient and SseTestServer: each
// response is a segment of its own, also one the client closed (close() emits no
// disconnected(): the recorder writes a `closed` end), the client's maxEventSize goes in the
// head, and a write error whose slot stops the recorder is survived.
#include "sserecorder.h"
#include "sserecording.h"
#include "ssetestserver.h"

#include <QtSse/SseClient>

#include <QtCore/qtemporarydir.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;

class tst_SseRecorder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void closeThenOpen_data();
    void closeThenOpen();
    void writeErrorStopsFromSlot_data();
    void writeErrorStopsFromSlot();

private:
    QTemporaryDir m_dir;
};

namespace {
constexpr int Timeout = 10000;

// A source by signal names, for what an SseClient does not do in that order.
class Source : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void rawDataReceived(const QByteArray &data);
    void disconnected();
    void errorOccurred(int error);
    void stateChanged(int state);
    void opened();
    void closed();
};
} // namespace

void tst_SseRecorder::closeThenOpen_data()
{
    QTest::addColumn<QByteArray>("first"); // the first response's bytes, then held open
    QTest::addColumn<bool>("reopen"); // open() right after close()
    QTest::addColumn<QStringList>("data"); // of the events the recording holds

    // The cut event of the closed response is not joined to the next response's bytes.
    QTest::newRow("cut event, then open")
            << QByteArray("id: 1\ndata: a\n\ndata: cut") << true << QStringList {u"a"_s, u"b"_s};
    QTest::newRow("no byte, then open") << QByteArray() << true << QStringList {u"b"_s};
    QTest::newRow("closed for good")
            << QByteArray("id: 1\ndata: a\n\ndata: cut") << false << QStringList {u"a"_s};
}

// The monitor's Disconnect then Connect, or a connect to another URL (close(), then open()):
// two responses, two segments, the first ended as closed.
void tst_SseRecorder::closeThenOpen()
{
    QFETCH(QByteArray, first);
    QFETCH(bool, reopen);
    QFETCH(QStringList, data);
    QVERIFY(m_dir.isValid());
    SseTestServer server;
    QVERIFY(server.listen());
    Response r1 = Response::sse();
    if (!first.isEmpty())
        r1.send(first);
    server.enqueue(r1.holdOpen());
    server.enqueue(Response::sse().send("data: b\n\n").close());

    const QString path = m_dir.filePath(u"closed.sserec"_s);
    SseRecordingWriter writer;
    QVERIFY2(writer.open(path, server.url()), qPrintable(writer.errorString()));
    SseClient client(server.url());
    client.setMaxRetries(0);
    client.setMaxEventSize(4096);
    SseRecorder recorder;
    recorder.start(&client, &writer);
    QByteArray raw;
    connect(&client, &SseClient::rawDataReceived, this,
            [&](const QByteArray &bytes) { raw += bytes; });
    QSignalSpy opened(&client, &SseClient::opened);
    QSignalSpy disconnected(&client, &SseClient::disconnected);
    QSignalSpy closed(&client, &SseClient::closed);
    client.open();
    QVERIFY(opened.wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(raw, first, Timeout);
    client.close();
    QCOMPARE(closed.size(), 1);
    QCOMPARE(disconnected.size(), 0); // what the recorder cannot wait for
    if (reopen) {
        client.open();
        QVERIFY(closed.wait(Timeout)); // the second response ended; no retry
        QCOMPARE(opened.size(), 2);
    }
    QVERIFY(recorder.stop());
    QVERIFY(writer.close());

    QString error;
    const std::optional<SseRecording> rec = SseRecording::read(path, &error);
    QVERIFY2(rec, qPrintable(error));
    QCOMPARE(rec->maxEventSize, 4096);
    QCOMPARE(rec->segments.size(), reopen ? 2 : 1);
    QCOMPARE(rec->segments.at(0).stream(), first);
    QCOMPARE(rec->segments.at(0).end, SseRecording::End::Closed);
    QVERIFY(rec->segments.at(0).endMs >= 0);
    if (reopen) {
        QCOMPARE(rec->segments.at(1).stream(), "data: b\n\n");
        QCOMPARE(rec->segments.at(1).end, SseRecording::End::Clean);
    }
    QStringList got;
    for (const SseRecordedItem &item : parseRecordedItems(*rec)) {
        if (item.kind == SseRecordedItem::Event)
            got.append(item.event.data());
    }
    QCOMPARE(got, data);
}

// settle() writes a pending end; when that write fails, a slot of writeFailed() may stop the
// recorder (the monitor does): what came with the signal is then not written, and nothing
// crashes.
void tst_SseRecorder::writeErrorStopsFromSlot_data()
{
    QTest::addColumn<bool>("bytes"); // what comes after the pending end: bytes, or an end
    QTest::newRow("bytes") << true;
    QTest::newRow("another end") << false;
}

void tst_SseRecorder::writeErrorStopsFromSlot()
{
    QFETCH(bool, bytes);
    if (!QFile::exists(u"/dev/full"_s))
        QSKIP("no /dev/full on this system");
    SseRecordingWriter writer;
    QVERIFY(writer.open(u"/dev/full"_s, QUrl()));
    Source source;
    SseRecorder recorder;
    recorder.start(&source, &writer);
    int failures = 0;
    connect(&recorder, &SseRecorder::writeFailed, this, [&] {
        ++failures;
        recorder.stop();
    });
    Q_EMIT source.disconnected(); // pending: nothing written yet
    if (bytes)
        Q_EMIT source.rawDataReceived("data: x\n\n");
    else
        Q_EMIT source.disconnected();
    QCOMPARE(failures, 1);
    QVERIFY(!writer.errorString().isEmpty());
}

QTEST_GUILESS_MAIN(tst_SseRecorder)
#include "tst_sserecorder.moc"
