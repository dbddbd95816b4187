// SPDX-License-Identifier: BSD-3-Clause
// Record and replay (issue 13), end to end with the real programs: ssecat --record against
// SseTestServer writes the raw bytes that arrived with their arrival times and the ends of the
// responses (RECORDING.md, version 2), stdout unchanged; sse-demo-server --replay serves that
// file so that ssecat prints the same lines again (also across a response cut mid-event and
// the reconnect after it), resumes after a Last-Event-ID, and keeps the recorded pace scaled by
// --speed.
#include "ssecattest.h"
#include "sserecording.h"

#include <QtSse/SseClient>

#include <QtCore/qtemporarydir.h>
#include <QtTest/qsignalspy.h>

class tst_SseCatRecord : public SseCatTest
{
    Q_OBJECT

private Q_SLOTS:
    void recordKeepsStdoutAndTimes();
    void recordUsageErrors_data();
    void recordUsageErrors();
    void recordWriteErrorEndsTheRun();
    void replayPrintsTheSameLines();
    void hostileStreamRoundTrip();
    void replayServesRawBytes_data();
    void replayServesRawBytes();
    void replayVersion1_data();
    void replayVersion1();
    void replayResumesAfterLastEventId_data();
    void replayResumesAfterLastEventId();
    void replayUnknownIdIsRefused();
    void replayFirstRequest_data();
    void replayFirstRequest();
    void replayEndsOnTime_data();
    void replayEndsOnTime();
    void replaySpeed_data();
    void replaySpeed();
    void replayRefusesBadFiles_data();
    void replayRefusesBadFiles();

private:
    // A stream of 20 events with ids, a comment, retry: 100 and three pauses of 300 ms, recorded
    // by ssecat into m_recording; its stdout in m_original.
    void record();
    // The hostile stream (a response cut mid-event, then the rest), recorded by ssecat into
    // m_hostileRecording; its stdout in m_hostileOut, its reasons to reconnect in
    // m_hostileReasons.
    void recordHostile();
    // A recording file of these bytes after a version-2 head; its path.
    QString writeRecording(const QString &name, const QByteArray &chunks);
    // sse-demo-server --replay m_recording with extra arguments; the stream's URL.
    QUrl startReplay(QProcess *server, const QStringList &extra, const QString &file = {});

    QTemporaryDir m_dir;
    QString m_recording;
    QByteArray m_original;
    QUrl m_url; // of the recorded stream
    QString m_hostileRecording;
    QByteArray m_hostileOut;
    QList<QByteArray> m_hostileReasons;
};

namespace {
constexpr int PauseMs = 300;

QByteArray recordedStream(Response *r)
{
    QByteArray all;
    auto send = [&](const QByteArray &bytes) {
        r->send(bytes);
        all += bytes;
    };
    send(": recorded for a test\nretry: 100\n\n");
    for (int i = 1; i <= 20; ++i) {
        QByteArray event = "id: " + QByteArray::number(i) + '\n';
        if (i % 3 == 0)
            event += "event: tick\n";
        event += "data: event " + QByteArray::number(i) + '\n';
        if (i % 4 == 0)
            event += "data: second line\n";
        send(event + '\n');
        if (i % 5 == 0 && i < 20)
            r->pause(PauseMs);
    }
    send("data: no id of its own\n\n"); // carries id 20
    return all;
}
} // namespace

void tst_SseCatRecord::record()
{
    if (!m_original.isEmpty())
        return;
    QVERIFY(m_dir.isValid());
    Server server;
    QVERIFY(server.listen());
    Response r = stream();
    recordedStream(&r);
    server.enqueue(r.close());
    m_recording = m_dir.filePath(u"capture.sserec"_s);
    SseCat cat({u"--record"_s, m_recording, u"--max-retries"_s, u"0"_s, server.url().toString()});
    VERIFY_EXIT(cat, 0);
    m_original = cat.out;
    m_url = server.url();
}

// The recording holds the stream as the client received it, byte for byte, at its arrival
// times, and the response's clean end; stdout is the same as without --record.
void tst_SseCatRecord::recordKeepsStdoutAndTimes()
{
    record();
    QList<Event> events;
    QByteArray why;
    QVERIFY2(parseEvents(m_original, &events, &why), why.constData());
    QCOMPARE(events.size(), 21);
    QCOMPARE(events.last().id, u"20"_s);

    // Without --record, the same stdout.
    Server server;
    QVERIFY(server.listen());
    Response r = stream();
    recordedStream(&r);
    server.enqueue(r.close());
    SseCat again({u"--max-retries"_s, u"0"_s, server.url().toString()});
    VERIFY_EXIT(again, 0);
    QCOMPARE(again.out, m_original);

    QString error;
    const std::optional<SseRecording> rec = SseRecording::read(m_recording, &error);
    QVERIFY2(rec, qPrintable(error));
    QCOMPARE(rec->url, m_url);
    QCOMPARE(rec->segments.size(), 1);
    QCOMPARE(rec->segments.at(0).end, SseRecording::End::Clean);
    {
        Response r = stream();
        QCOMPARE(rec->segments.at(0).stream(), recordedStream(&r));
    }
    const QList<SseRecordedItem> items = parseRecordedItems(*rec);
    QList<SseRecordedItem> recordedEvents;
    bool comment = false, retry = false;
    for (const SseRecordedItem &item : items) {
        if (item.kind == SseRecordedItem::Event)
            recordedEvents.append(item);
        comment |=
                item.kind == SseRecordedItem::Comment && item.comment == u" recorded for a test"_s;
        retry |= item.kind == SseRecordedItem::Retry && item.retryMs == 100;
    }
    QVERIFY(comment);
    QVERIFY(retry);
    QCOMPARE(recordedEvents.size(), events.size());
    for (qsizetype i = 0; i < events.size(); ++i) {
        QCOMPARE(recordedEvents.at(i).event.type(), events.at(i).type);
        QCOMPARE(recordedEvents.at(i).event.data(), events.at(i).data);
        QCOMPARE(recordedEvents.at(i).event.lastEventId(), events.at(i).id);
    }
    // Arrival times: the server paused 300 ms after events 5, 10 and 15. An arrival gap is the
    // pause plus the second event's delay less the first's: on a loaded machine a little less
    // than the pause, never near nothing.
    for (int after : {5, 10, 15}) {
        const qint64 gap = recordedEvents.at(after).timeMs - recordedEvents.at(after - 1).timeMs;
        QVERIFY2(gap >= PauseMs / 2, qPrintable(u"gap after %1: %2 ms"_s.arg(after).arg(gap)));
    }
    QVERIFY(recordedEvents.last().timeMs - recordedEvents.first().timeMs >= 2 * PauseMs);
}

void tst_SseCatRecord::recordUsageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("no file") << QStringList {u"--record"_s}
                             << QByteArray("option --record needs a value");
    QTest::newRow("empty name") << QStringList {u"--record="_s}
                                << QByteArray("--record: empty file name");
    QTest::newRow("unwritable")
            << QStringList {u"--record"_s, u"/nonexistent-dir/x.sserec"_s}
            << QByteArray("ssecat: --record: cannot write /nonexistent-dir/x.sserec: ");
}

void tst_SseCatRecord::recordUsageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, message);
    Server server;
    QVERIFY(server.listen());
    SseCat cat(QStringList {server.url().toString()} + args); // --record last: it has no value
    VERIFY_EXIT(cat, 2);
    QVERIFY2(cat.err.contains(message), cat.describe().constData());
    QCOMPARE(server.requestCount(), 0);
}

// A disk that fills up (/dev/full: every write fails with ENOSPC) ends the run with status 1
// and the reason, rather than a recording with a silent hole.
void tst_SseCatRecord::recordWriteErrorEndsTheRun()
{
    if (!QFile::exists(u"/dev/full"_s))
        QSKIP("no /dev/full on this system");
    Server server;
    QVERIFY(server.listen());
    Response r = stream().send("id: 1\ndata: one\n\n");
    for (int i = 2; i < 100; ++i)
        r.pause(50).send("id: " + QByteArray::number(i) + "\ndata: more\n\n");
    server.enqueue(r.close());
    SseCat cat({u"--record"_s, u"/dev/full"_s, server.url().toString()});
    VERIFY_EXIT(cat, 1);
    QVERIFY2(cat.err.startsWith("ssecat: --record: cannot write /dev/full: "),
             cat.describe().constData());
    QVERIFY(cat.errLines().size() == 1);
    QCOMPARE(server.requestCount(), 1);
}

QUrl tst_SseCatRecord::startReplay(QProcess *server, const QStringList &extra, const QString &file)
{
    server->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server->start(QStringLiteral(DEMO_SERVER_PATH),
                  QStringList {u"--quiet"_s, u"--replay"_s, file.isEmpty() ? m_recording : file}
                          + extra);
    if (!server->waitForStarted(Timeout))
        return {};
    QDeadlineTimer deadline(Timeout);
    while (!server->canReadLine() && server->state() == QProcess::Running && !deadline.hasExpired())
        QTest::qWait(5);
    return QUrl(QString::fromUtf8(server->readLine().trimmed()));
}

// Record, replay, and ssecat prints the same lines. After the last event the stream ends;
// ssecat reconnects with Last-Event-ID 20 and the replay answers 204: exit 0.
void tst_SseCatRecord::replayPrintsTheSameLines()
{
    record();
    QProcess replay;
    const QUrl url = startReplay(&replay, {u"--speed"_s, u"20"_s});
    QVERIFY2(url.isValid() && url.path() == u"/stream"_s, qPrintable(url.toString()));
    SseCat cat({url.toString()});
    VERIFY_EXIT(cat, 0);
    QCOMPARE(cat.out, m_original);
    replay.kill();
    replay.waitForFinished(5000);
}

namespace {
// A stream as some production servers write it: a BOM, CRLF and lone CR line endings, fields in
// odd orders, unknown fields, comments, a UTF-8 character split over writes, and a first
// response cut in the middle of an event; the reconnect (Last-Event-ID 2) gets the rest, which
// ends cleanly; the next reconnect a 204.
const QByteArrayList HostileFirst {
        "\xEF\xBB\xBF: hostile\r\nretry: 100\r\n\r\n",
        "id: 1\r\nfoo: bar\r\ndata: one\r\n\r\n",
        "data: t",
        "wo\rid: 2\r\r",
        "event: x\ndata: \xE2\x82",
        "\xAC\nunknown\n\n",
        "id: 2\n: comment as sent\n",
        "id: 3\ndata: cut in the mid",
};
const QByteArrayList HostileSecond {
        "data: after the cut\r\n\r\n",
        "id: 4\ndata: four\ndata:\n\n",
        ":\n",
};

Response hostileResponse(const SseTestServer::Request &request)
{
    const QByteArray lastId = request.header("Last-Event-ID");
    if (lastId == "4")
        return Response::status(204);
    const QByteArrayList &writes = lastId.isEmpty() ? HostileFirst : HostileSecond;
    Response r = stream();
    for (const QByteArray &w : writes)
        r.send(w).pause(25); // (a timer of the server's: mostly one read per write)
    return lastId.isEmpty() ? r.abort() : r.close();
}

// ssecat's reasons to reconnect ("The stream broke: …, retrying" / "the stream ended, …").
QList<QByteArray> reconnectReasons(const SseCat &cat)
{
    QList<QByteArray> lines;
    for (const QByteArray &line : cat.errLines()) {
        if (line.startsWith("ssecat: "))
            lines.append(line.left(line.indexOf(" in "))); // not the delay's jitter
    }
    return lines;
}
} // namespace

void tst_SseCatRecord::recordHostile()
{
    if (!m_hostileRecording.isEmpty())
        return;
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(u"hostile.sserec"_s);
    Server server;
    QVERIFY(server.listen());
    server.setHandler(hostileResponse); // (not a queue: Qt may re-send a cut request itself)
    SseCat original({u"--record"_s, path, server.url().toString()});
    VERIFY_EXIT(original, 0);
    m_hostileRecording = path;
    m_hostileOut = original.out;
    m_hostileReasons = reconnectReasons(original);
}

QString tst_SseCatRecord::writeRecording(const QString &name, const QByteArray &chunks)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write("SSE-RECORDING 2\n{\"recorded\":\"2026-12-07T05:00:00.000Z\"}\n" + chunks);
    return path;
}

// What a user does with a captured stream: record it with ssecat, replay it with
// sse-demo-server, and get the same output. The recording holds each response's bytes as sent,
// byte for byte, and how it ended; the replay ends the first response as it broke, so that
// ssecat reconnects and resumes as it did.
void tst_SseCatRecord::hostileStreamRoundTrip()
{
    recordHostile();
    const QString path = m_hostileRecording;
    QList<Event> events;
    QByteArray why;
    QVERIFY2(parseEvents(m_hostileOut, &events, &why), why.constData());
    QCOMPARE(events.size(), 5); // one, two, €, after the cut, four
    QCOMPARE(events.at(2).data, u"€"_s);
    QCOMPARE(events.at(2).type, u"x"_s);
    QCOMPARE(events.at(3).id, u"2"_s);

    QString error;
    const std::optional<SseRecording> rec = SseRecording::read(path, &error);
    QVERIFY2(rec, qPrintable(error));
    QCOMPARE(rec->version, 2);
    QCOMPARE(rec->maxEventSize, 16 * 1024 * 1024); // SseClient's default
    QCOMPARE(rec->segments.size(), 2); // the 204 opened no stream
    QCOMPARE(rec->segments.at(0).stream(), HostileFirst.join());
    QCOMPARE(rec->segments.at(1).stream(), HostileSecond.join());
    if (rec->segments.at(0).end == SseRecording::End::Clean)
        qInfo("Qt 6.4 ended the cut chunked body cleanly (see tst_sseclient_stream)");
    else
        QCOMPARE(rec->segments.at(0).end, SseRecording::End::Error);
    QCOMPARE(rec->segments.at(1).end, SseRecording::End::Clean);
    for (const SseRecording::Segment &segment : rec->segments) {
        for (const SseRecording::Chunk &chunk : segment.chunks)
            QVERIFY(!chunk.bytes.isEmpty());
    }
    // The arrival times: the reconnect came after the cut.
    QVERIFY(rec->segments.at(1).chunks.first().timeMs >= rec->segments.at(0).endMs);

    QProcess replay;
    const QUrl url = startReplay(&replay, {u"--speed"_s, u"5"_s}, path);
    QVERIFY(url.isValid());
    SseCat again({url.toString()});
    VERIFY_EXIT(again, 0);
    QCOMPARE(again.out, m_hostileOut);
    // The replay broke the first response as the recording says, and ended the second: the
    // same reasons to reconnect.
    QCOMPARE(reconnectReasons(again), m_hostileReasons);
    QVERIFY2(reconnectReasons(again).size() == 2, again.describe().constData());
    replay.kill();
    replay.waitForFinished(5000);
}

void tst_SseCatRecord::replayServesRawBytes_data()
{
    QTest::addColumn<QString>("lastEventId");
    QTest::addColumn<QByteArray>("body"); // of the first response
    QTest::addColumn<bool>("cut"); // it ends as the recorded one broke

    const QByteArray first = HostileFirst.join();
    const QByteArray afterOne = "id: 1\r\nfoo: bar\r\ndata: one\r\n\r\n";
    QTest::newRow("from the start") << QString() << first << true;
    // After event 1 (its CRLF blank line whole), the retry: first; the rest of the response.
    QTest::newRow("mid-response") << u"1"_s
                                  << "retry: 100\n\n"
                    + first.sliced(first.indexOf(afterOne) + afterOne.size())
                                  << true;
    // The response broke with 2 as the client's last event ID: the reconnect's response.
    QTest::newRow("after the cut") << u"2"_s << "retry: 100\n\n" + HostileSecond.join() << false;
}

// What the replay sends, seen through the client's raw bytes: the recorded bytes, verbatim.
void tst_SseCatRecord::replayServesRawBytes()
{
    QFETCH(QString, lastEventId);
    QFETCH(QByteArray, body);
    QFETCH(bool, cut);
    recordHostile();
    QProcess replay;
    const QUrl url = startReplay(&replay, {u"--speed"_s, u"10"_s}, m_hostileRecording);
    QVERIFY(url.isValid());
    SseClient client(url);
    client.setLastEventId(lastEventId);
    client.setMaxRetries(0);
    QByteArray raw;
    QStringList ends;
    QObject::connect(&client, &SseClient::rawDataReceived, &client,
                     [&](const QByteArray &data) { raw += data; });
    QObject::connect(&client, &SseClient::disconnected, &client, [&] { ends.append(u"end"_s); });
    QObject::connect(&client, &SseClient::errorOccurred, &client, [&] { ends.append(u"error"_s); });
    QSignalSpy closed(&client, &SseClient::closed);
    client.open();
    QVERIFY(closed.wait(Timeout));
    QCOMPARE(raw, body);
    if (cut && ends == QStringList {u"end"_s})
        qInfo("Qt 6.4 ended the cut chunked body cleanly (see tst_sseclient_stream)");
    else
        QCOMPARE(ends, (cut ? QStringList {u"end"_s, u"error"_s} : QStringList {u"end"_s}));
    replay.kill();
    replay.waitForFinished(5000);
}

void tst_SseCatRecord::replayVersion1_data()
{
    QTest::addColumn<QString>("lastEventId");
    QTest::addColumn<QByteArray>("out");
    const QByteArray a = R"({"type":"message","data":"a","id":"1"})"
                         "\n";
    const QByteArray b = R"({"type":"tick","data":"b\nc","id":"1"})"
                         "\n";
    const QByteArray d = R"({"type":"message","data":"d","id":"2"})"
                         "\n";
    QTest::newRow("from the start") << QString() << a + b + d;
    QTest::newRow("after an ID that events without one carry") << u"1"_s << d;
}

// A version-1 recording (canonical chunks, one stream) still replays, and resumes.
void tst_SseCatRecord::replayVersion1()
{
    QFETCH(QString, lastEventId);
    QFETCH(QByteArray, out);
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(u"v1.sserec"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("SSE-RECORDING 1\n{\"recorded\":\"2026-12-07T05:00:00.000Z\"}\n"
               "0 14\nretry: 100\n:x\n\n"
               "5 15\nid: 1\ndata: a\n\n\n"
               "9 29\nevent: tick\ndata: b\ndata: c\n\n\n"
               "12 15\nid: 2\ndata: d\n\n\n");
    file.close();
    QProcess replay;
    const QUrl url = startReplay(&replay, {}, path);
    QVERIFY(url.isValid());
    QStringList args {url.toString()};
    if (!lastEventId.isEmpty())
        args = QStringList {u"--last-event-id"_s, lastEventId} + args;
    SseCat cat(args);
    VERIFY_EXIT(cat, 0);
    QCOMPARE(cat.out, out);
    replay.kill();
    replay.waitForFinished(5000);
}

void tst_SseCatRecord::replayResumesAfterLastEventId_data()
{
    QTest::addColumn<QString>("lastEventId");
    QTest::addColumn<int>("firstLine"); // of the original output
    QTest::newRow("mid-recording") << u"7"_s << 7;
    QTest::newRow("before a pause") << u"15"_s << 15;
    QTest::newRow("the first") << u"1"_s << 1;
}

void tst_SseCatRecord::replayResumesAfterLastEventId()
{
    QFETCH(QString, lastEventId);
    QFETCH(int, firstLine);
    record();
    QProcess replay;
    const QUrl url = startReplay(&replay, {u"--speed"_s, u"20"_s});
    QVERIFY(url.isValid());
    SseCat cat({u"--last-event-id"_s, lastEventId, url.toString()});
    VERIFY_EXIT(cat, 0);
    const QList<QByteArray> lines = m_original.split('\n');
    QCOMPARE(cat.out, lines.mid(firstLine).join('\n'));
    replay.kill();
    replay.waitForFinished(5000);
}

void tst_SseCatRecord::replayUnknownIdIsRefused()
{
    record();
    QProcess replay;
    const QUrl url = startReplay(&replay, {});
    QVERIFY(url.isValid());
    SseCat cat({u"--last-event-id"_s, u"nope"_s, url.toString()});
    VERIFY_EXIT(cat, 1);
    QVERIFY2(cat.err.contains("HTTP 400") && cat.err.contains("is not in the recording"),
             cat.describe().constData());
    QVERIFY(cat.out.isEmpty());
    replay.kill();
    replay.waitForFinished(5000);
}

void tst_SseCatRecord::replayFirstRequest_data()
{
    QTest::addColumn<QByteArray>("chunks"); // of the recording, after its head
    QTest::addColumn<QString>("lastEventId");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    // Without an ID: the first response that holds an event, after the retry: sent before.
    QTest::newRow("first response without an event")
            << QByteArray("0 4\n: x\n\n1 end error\n2 15\nid: 1\ndata: a\n\n\n3 end clean\n")
            << QString() << 200 << QByteArray("id: 1\ndata: a\n\n");
    QTest::newRow("first response broke before its event")
            << QByteArray("0 20\nretry: 100\n\nid: 1\nda\n1 end error\n"
                          "2 15\nid: 1\ndata: a\n\n\n3 end clean\n")
            << QString() << 200 << QByteArray("retry: 100\n\nid: 1\ndata: a\n\n");
    QTest::newRow("first response holds one") << QByteArray("0 9\ndata: a\n\n\n1 end clean\n")
                                              << QString() << 200 << QByteArray("data: a\n\n");
    QTest::newRow("comments only") << QByteArray("0 4\n: x\n\n1 end clean\n2 4\n: y\n\n")
                                   << QString() << 204 << QByteArray();
    QTest::newRow("an empty response")
            << QByteArray("5 end clean\n") << QString() << 204 << QByteArray();
    QTest::newRow("empty recording") << QByteArray() << QString() << 204 << QByteArray();
    // The retry: line of a resumed stream goes after a byte order mark that starts it, whether
    // the mark came in one read or was split over two.
    const QByteArray first = "0 27\nretry: 100\n\nid: 1\ndata: a\n\n\n1 end error\n";
    QTest::newRow("BOM split over chunks")
            << first + "2 2\n\xEF\xBB\n3 16\n\xBFid: 2\ndata: b\n\n\n4 end clean\n"
            << u"1"_s << 200 << QByteArray("\xEF\xBB\xBFretry: 100\n\nid: 2\ndata: b\n\n");
    QTest::newRow("BOM in one chunk")
            << first + "2 18\n\xEF\xBB\xBFid: 2\ndata: b\n\n\n4 end clean\n"
            << u"1"_s << 200 << QByteArray("\xEF\xBB\xBFretry: 100\n\nid: 2\ndata: b\n\n");
    QTest::newRow("no BOM") << first + "2 15\nid: 2\ndata: b\n\n\n4 end clean\n"
                            << u"1"_s << 200 << QByteArray("retry: 100\n\nid: 2\ndata: b\n\n");
}

// Where a request starts. Without an ID, the first response with an event: one before it that
// holds none would be served again and again, as the client reconnects from it without an ID
// too; 204 for a recording without an event.
void tst_SseCatRecord::replayFirstRequest()
{
    QFETCH(QByteArray, chunks);
    QFETCH(QString, lastEventId);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QVERIFY(m_dir.isValid());
    const QString path = writeRecording(u"first.sserec"_s, chunks);
    QVERIFY(!path.isEmpty());
    QProcess replay;
    const QUrl url = startReplay(&replay, {u"--speed"_s, u"10"_s}, path);
    QVERIFY(url.isValid());
    SseClient client(url);
    client.setLastEventId(lastEventId);
    client.setMaxRetries(0);
    QByteArray raw;
    QObject::connect(&client, &SseClient::rawDataReceived, &client,
                     [&](const QByteArray &data) { raw += data; });
    QSignalSpy closed(&client, &SseClient::closed);
    client.open();
    QVERIFY(closed.wait(Timeout));
    QCOMPARE(client.httpStatus(), status);
    QCOMPARE(raw, body);
    replay.kill();
    replay.waitForFinished(5000);
}

void tst_SseCatRecord::replayEndsOnTime_data()
{
    QTest::addColumn<QByteArray>("chunks"); // of the recording, after its head
    QTest::addColumn<QString>("lastEventId");
    QTest::addColumn<QString>("speed");
    QTest::addColumn<int>("gapMs"); // from the last event to the end, as replayed

    QTest::newRow("error, 800 ms after") << QByteArray("0 15\nid: 1\ndata: a\n\n\n800 end error\n")
                                         << QString() << u"1"_s << 800;
    QTest::newRow("clean, at twice the speed")
            << QByteArray("0 15\nid: 1\ndata: a\n\n\n800 end clean\n") << QString() << u"2"_s
            << 400;
    QTest::newRow("closed") << QByteArray("0 15\nid: 1\ndata: a\n\n\n800 end closed\n") << QString()
                            << u"1"_s << 800;
    // Resumed after event 1 (at 100 ms): timed from it, the end 700 ms after event 2.
    QTest::newRow("resumed") << QByteArray(
            "100 15\nid: 1\ndata: a\n\n\n200 15\nid: 2\ndata: b\n\n\n"
            "900 end error\n")
                             << u"1"_s << u"1"_s << 700;
}

// A response ends at its recorded end's time (divided by the speed), not right after its last
// bytes: a stream that broke 45 s after its last event breaks 45 s after it again. The lower
// bound leaves a loaded machine half of the gap; no tight upper bound.
void tst_SseCatRecord::replayEndsOnTime()
{
    QFETCH(QByteArray, chunks);
    QFETCH(QString, lastEventId);
    QFETCH(QString, speed);
    QFETCH(int, gapMs);
    QVERIFY(m_dir.isValid());
    const QString path = writeRecording(u"end.sserec"_s, chunks);
    QVERIFY(!path.isEmpty());
    QProcess replay;
    const QUrl url = startReplay(&replay, {u"--speed"_s, speed}, path);
    QVERIFY(url.isValid());
    SseClient client(url);
    client.setLastEventId(lastEventId);
    client.setMaxRetries(0);
    QElapsedTimer sinceEvent;
    qint64 gap = -1;
    QObject::connect(&client, &SseClient::eventReceived, &client,
                     [&](const SseEvent &) { sinceEvent.start(); });
    QObject::connect(&client, &SseClient::disconnected, &client, [&] {
        if (sinceEvent.isValid())
            gap = sinceEvent.elapsed();
    });
    QSignalSpy closed(&client, &SseClient::closed);
    client.open();
    QVERIFY(closed.wait(Timeout));
    QVERIFY2(gap >= gapMs / 2 && gap < gapMs + 10000,
             qPrintable(u"the response ended %1 ms after the last event, expected %2 ms"_s.arg(gap)
                                .arg(gapMs)));
    replay.kill();
    replay.waitForFinished(5000);
}

void tst_SseCatRecord::replaySpeed_data()
{
    QTest::addColumn<QString>("speed");
    QTest::addColumn<double>("factor");
    QTest::newRow("half speed") << u"0.5"_s << 0.5;
    QTest::newRow("recorded pace") << u"1"_s << 1.0;
    QTest::newRow("four times") << u"4"_s << 4.0;
}

// The span from the first to the last event, as a client sees it, is the recorded span divided
// by the speed. The replay keeps its schedule from the start, so a first event delayed by a
// loaded machine shortens the span by that delay: the lower bound allows a quarter of it; the
// upper bound leaves a loaded machine a second.
void tst_SseCatRecord::replaySpeed()
{
    QFETCH(QString, speed);
    QFETCH(double, factor);
    record();
    QString error;
    const std::optional<SseRecording> rec = SseRecording::read(m_recording, &error);
    QVERIFY2(rec, qPrintable(error));
    QList<qint64> recordedTimes;
    for (const SseRecordedItem &item : parseRecordedItems(*rec)) {
        if (item.kind == SseRecordedItem::Event)
            recordedTimes.append(item.timeMs);
    }
    const double recordedSpan = double(recordedTimes.last() - recordedTimes.first());

    QProcess replay;
    const QUrl url = startReplay(&replay, {u"--speed"_s, speed});
    QVERIFY(url.isValid());
    SseClient client(url);
    client.setMaxRetries(0);
    QElapsedTimer clock;
    QList<qint64> times;
    QObject::connect(&client, &SseClient::eventReceived, &client,
                     [&](const SseEvent &) { times.append(clock.elapsed()); });
    clock.start();
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(times.size(), recordedTimes.size(), 3 * Timeout);
    const double span = double(times.last() - times.first());
    const double expected = recordedSpan / factor;
    QVERIFY2(
            span >= expected * 0.75 && span < expected + 1000,
            qPrintable(u"span %1 ms, expected %2 ms (recorded %3 ms)"_s.arg(span).arg(expected).arg(
                    recordedSpan)));
    client.close();
    replay.kill();
    replay.waitForFinished(5000);
}

void tst_SseCatRecord::replayRefusesBadFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("garbage") << QByteArray("hello\n") << QByteArray("not a QtSse recording");
    QTest::newRow("truncated") << QByteArray(
            "SSE-RECORDING 1\n{\"recorded\":\"2026-12-07T05:00:00Z\"}\n0 10\nabc")
                               << QByteArray("truncated: chunk 1");
    QTest::newRow("wrong version")
            << QByteArray("SSE-RECORDING 7\n{}\n") << QByteArray("version 7 is not supported");
}

void tst_SseCatRecord::replayRefusesBadFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, message);
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(u"bad.sserec"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
    file.close();
    QProcess replay;
    replay.start(QStringLiteral(DEMO_SERVER_PATH), {u"--replay"_s, path});
    QTRY_COMPARE_WITH_TIMEOUT(replay.state(), QProcess::NotRunning, Timeout);
    QCOMPARE(replay.exitCode(), 2);
    const QByteArray err = replay.readAllStandardError();
    QVERIFY2(err.startsWith("sse-demo-server: --replay: ") && err.contains(message),
             err.constData());
    QVERIFY(replay.readAllStandardOutput().isEmpty()); // no URL: nothing is served
}

QTEST_GUILESS_MAIN(tst_SseCatRecord)
#include "tst_ssecat_record.moc"
