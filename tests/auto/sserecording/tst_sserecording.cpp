// SPDX-License-Identifier: BSD-3-Clause
// The recording format (examples/shared/RECORDING.md): what the writer writes (raw bytes and the
// ends of responses) reads back the same, a version-1 file still reads, the items of a recording
// are parsed per response (a cut event dropped) with their byte offsets, and every kind of bad
// file is refused with a message that says where and why.
#include "sserecording.h"

#include <QtSse/SseParser>

#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(SseRecording::Segment)

class tst_SseRecording : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void readableWhileWritten();
    void userInfoNotStored();
    void headStaysReadable_data();
    void headStaysReadable();
    void endsSplitSegments();
    void readsVersion1();
    void itemsCarryTimes();
    void itemsPerSegment_data();
    void itemsPerSegment();
    void clientsEventLimit_data();
    void clientsEventLimit();
    void emptyRecording();
    void badFiles_data();
    void badFiles();
    void unwritableFile();

private:
    QTemporaryDir m_dir;
};

namespace {
const QByteArray Head = "SSE-RECORDING 2\n{\"recorded\":\"2026-12-07T05:00:00.000Z\"}\n";
const QByteArray Head1 = "SSE-RECORDING 1\n{\"recorded\":\"2026-12-07T05:00:00.000Z\"}\n";

SseRecording::Segment segment(QList<SseRecording::Chunk> chunks,
                              SseRecording::End end = SseRecording::End::Open)
{
    SseRecording::Segment s;
    s.chunks = std::move(chunks);
    s.end = end;
    s.endMs = end == SseRecording::End::Open ? -1 : s.chunks.value(s.chunks.size() - 1).timeMs;
    return s;
}
}

void tst_SseRecording::roundTrip()
{
    const QString path = m_dir.filePath(u"round.sserec"_s);
    SseRecordingWriter writer;
    QVERIFY2(writer.open(path, QUrl(u"http://127.0.0.1:8080/stream?x=1"_s)),
             qPrintable(writer.errorString()));
    // Every byte value, a piece with line feeds, and times out of order (the writer keeps them
    // non-decreasing).
    QByteArray all;
    for (int b = 0; b < 256; ++b)
        all += char(b);
    QVERIFY(writer.appendBytes(5, all));
    QVERIFY(writer.appendBytes(20, "data: x\n\n"));
    QVERIFY(writer.appendBytes(10, "\n\n\n"));
    QVERIFY(writer.close());

    QString error;
    const std::optional<SseRecording> r = SseRecording::read(path, &error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->version, 2);
    QCOMPARE(r->url, QUrl(u"http://127.0.0.1:8080/stream?x=1"_s));
    QVERIFY(r->recorded.isValid());
    QCOMPARE(r->recorded.timeSpec(), Qt::UTC);
    QVERIFY(qAbs(r->recorded.secsTo(QDateTime::currentDateTimeUtc())) < 60);
    QCOMPARE(r->segments.size(), 1);
    const QList<SseRecording::Chunk> &chunks = r->segments.at(0).chunks;
    QCOMPARE(chunks.size(), 3);
    QCOMPARE(chunks.at(0).timeMs, 5);
    QCOMPARE(chunks.at(0).bytes, all);
    QCOMPARE(chunks.at(1).timeMs, 20);
    QCOMPARE(chunks.at(1).bytes, "data: x\n\n");
    QCOMPARE(chunks.at(2).timeMs, 20); // 10 came later than 20: never back
    QCOMPARE(chunks.at(2).bytes, "\n\n\n");
    QCOMPARE(r->segments.at(0).stream(), all + "data: x\n\n\n\n\n");
    QCOMPARE(r->segments.at(0).end, SseRecording::End::Open); // the recording stopped
    QCOMPARE(r->durationMs(), 20);
}

// A recording stopped by a crash keeps what was written: each chunk is flushed.
void tst_SseRecording::readableWhileWritten()
{
    const QString path = m_dir.filePath(u"live.sserec"_s);
    SseRecordingWriter writer;
    QVERIFY(writer.open(path, QUrl()));
    QVERIFY(writer.appendBytes("id: 1\r\nevent: tick\r\ndata: 1\r\n\r\n"));
    QVERIFY(writer.appendEnd(SseRecording::End::Error));
    QString error;
    const std::optional<SseRecording> r = SseRecording::read(path, &error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->segments.size(), 1);
    QCOMPARE(r->segments.at(0).chunks.size(), 1);
    QCOMPARE(r->segments.at(0).stream(), "id: 1\r\nevent: tick\r\ndata: 1\r\n\r\n");
    QCOMPARE(r->segments.at(0).end, SseRecording::End::Error);
    QVERIFY(r->url.isEmpty());
}

void tst_SseRecording::userInfoNotStored()
{
    const QString path = m_dir.filePath(u"secret.sserec"_s);
    SseRecordingWriter writer;
    QVERIFY(writer.open(path, QUrl(u"http://alice:s3cret@127.0.0.1:1/stream"_s)));
    QVERIFY(writer.close());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY2(!bytes.contains("s3cret") && !bytes.contains("alice"), bytes.constData());
    QVERIFY(bytes.contains("http://127.0.0.1:1/stream"));
}

void tst_SseRecording::headStaysReadable_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("stored"); // what the head holds

    const QString longQuery = u"http://127.0.0.1:1/stream?token="_s + QString(70000, u'q');
    const QString longPath = u"http://127.0.0.1:1/"_s + QString(70000, u'p');
    QTest::newRow("short") << u"http://127.0.0.1:1/stream?x=1#f"_s
                           << u"http://127.0.0.1:1/stream?x=1#f"_s;
    QTest::newRow("long query") << longQuery << u"http://127.0.0.1:1/stream"_s;
    QTest::newRow("long fragment")
            << u"http://127.0.0.1:1/s#"_s + QString(70000, u'f') << u"http://127.0.0.1:1/s"_s;
    QTest::newRow("long path") << longPath << QString();
    // Just under and just over the limit, with the head's other keys.
    const qsizetype overhead = QByteArray(R"({"maxEventSize":4096,"recorded":")"
                                          "2026-12-07T05:00:00.000Z"
                                          R"(","url":"http://127.0.0.1:1/"})")
                                       .size();
    const QString fits =
            u"http://127.0.0.1:1/"_s + QString(SseRecording::MaxHeadBytes - 1 - overhead, u'a');
    QTest::newRow("just fits") << fits << fits;
    QTest::newRow("one byte over") << fits + u'a' << QString();
}

// The reader refuses a head of MaxHeadBytes or more: the writer never writes one, whatever the
// URL (a long one loses its query and fragment, or is left out).
void tst_SseRecording::headStaysReadable()
{
    QFETCH(QString, url);
    QFETCH(QString, stored);
    const QString path = m_dir.filePath(u"long.sserec"_s);
    SseRecordingWriter writer;
    QVERIFY(writer.open(path, QUrl(url)));
    QVERIFY(writer.setMaxEventSize(4096));
    QVERIFY(writer.appendBytes(1, "data: x\n\n"));
    QVERIFY(!writer.setMaxEventSize(1)); // the head is written
    QVERIFY(writer.close());
    QString error;
    const std::optional<SseRecording> r = SseRecording::read(path, &error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->url, QUrl(stored));
    QCOMPARE(r->maxEventSize, 4096);
    QCOMPARE(r->segments.size(), 1);
}

// Ends cut the chunks into segments, one per response; an end without bytes before it is a
// response that sent none.
void tst_SseRecording::endsSplitSegments()
{
    const QByteArray file = Head
            + "3 9\ndata: a\n\n\n4 end error\n9 end clean\n12 4\ndata\n15 2\n: \n"
            + "20 end clean\n25 3\n\r\n\r\n26 end closed\n30 1\n\n\n";
    QString error;
    const std::optional<SseRecording> r = SseRecording::parse(file, &error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->maxEventSize, 0); // the head does not say
    QCOMPARE(r->segments.size(), 5);
    QCOMPARE(r->segments.at(0).stream(), "data: a\n\n");
    QCOMPARE(r->segments.at(0).end, SseRecording::End::Error);
    QCOMPARE(r->segments.at(0).endMs, 4);
    QVERIFY(r->segments.at(1).chunks.isEmpty());
    QCOMPARE(r->segments.at(1).end, SseRecording::End::Clean);
    QCOMPARE(r->segments.at(1).endMs, 9);
    QCOMPARE(r->segments.at(2).stream(), "data: ");
    QCOMPARE(r->segments.at(2).chunks.size(), 2);
    QCOMPARE(r->segments.at(2).end, SseRecording::End::Clean);
    QCOMPARE(r->segments.at(3).stream(), "\r\n\r");
    QCOMPARE(r->segments.at(3).end, SseRecording::End::Closed); // the client closed it
    QCOMPARE(r->segments.at(3).endMs, 26);
    QCOMPARE(r->segments.at(4).stream(), "\n");
    QCOMPARE(r->segments.at(4).end, SseRecording::End::Open);
    QCOMPARE(r->durationMs(), 30);
    QCOMPARE(r->chunkCount(), 5);

    // The writer writes the three ends.
    const QString path = m_dir.filePath(u"ends.sserec"_s);
    SseRecordingWriter writer;
    QVERIFY(writer.open(path, QUrl()));
    QVERIFY(writer.appendEnd(1, SseRecording::End::Clean));
    QVERIFY(writer.appendEnd(2, SseRecording::End::Error));
    QVERIFY(writer.appendEnd(3, SseRecording::End::Closed));
    QVERIFY(!writer.appendEnd(4, SseRecording::End::Open));
    QVERIFY(writer.close());
    const std::optional<SseRecording> w = SseRecording::read(path, &error);
    QVERIFY2(w, qPrintable(error));
    QCOMPARE(w->segments.size(), 3);
    QCOMPARE(w->segments.at(0).end, SseRecording::End::Clean);
    QCOMPARE(w->segments.at(1).end, SseRecording::End::Error);
    QCOMPARE(w->segments.at(2).end, SseRecording::End::Closed);
}

// Version 1 (canonical chunks, no ends) reads as one open segment.
void tst_SseRecording::readsVersion1()
{
    QString error;
    const std::optional<SseRecording> r = SseRecording::parse(
            QByteArray(Head1 + "0 15\nid: 1\ndata: a\n\n\n5 9\ndata: b\n\n\n"), &error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->version, 1);
    QCOMPARE(r->segments.size(), 1);
    QCOMPARE(r->segments.at(0).end, SseRecording::End::Open);
    const QList<SseRecordedItem> items = parseRecordedItems(*r);
    QCOMPARE(items.size(), 2);
    QCOMPARE(items.at(1).event.data(), u"b"_s);
    QCOMPARE(items.at(1).event.lastEventId(), u"1"_s);
    QCOMPARE(items.at(1).timeMs, 5);
}

void tst_SseRecording::itemsCarryTimes()
{
    SseRecording r;
    r.recorded = QDateTime::currentDateTimeUtc();
    // An event split over two chunks is completed by the second; a comment and retry: between.
    r.segments = {segment({{0, ": hi\nretry: 1500\n"},
                           {10, "id: 1\nda"},
                           {25, "ta: x\n\n"},
                           {40, "data: y\n\n"}})};
    const QList<SseRecordedItem> items = parseRecordedItems(r);
    QCOMPARE(items.size(), 4);
    QCOMPARE(items.at(0).kind, SseRecordedItem::Comment);
    QCOMPARE(items.at(0).comment, u" hi"_s);
    QCOMPARE(items.at(1).kind, SseRecordedItem::Retry);
    QCOMPARE(items.at(1).retryMs, 1500);
    QCOMPARE(items.at(2).kind, SseRecordedItem::Event);
    QCOMPARE(items.at(2).timeMs, 25);
    QCOMPARE(items.at(2).event.data(), u"x"_s);
    QCOMPARE(items.at(2).bytes, 1);
    QCOMPARE(items.at(3).timeMs, 40);
    QCOMPARE(items.at(3).event.lastEventId(), u"1"_s); // persists
}

void tst_SseRecording::itemsPerSegment_data()
{
    QTest::addColumn<QList<SseRecording::Segment>>("segments");
    QTest::addColumn<QStringList>("data"); // of the events, in order
    QTest::addColumn<QStringList>("ids"); // their last event IDs
    QTest::addColumn<QList<qsizetype>>("segmentOf");
    QTest::addColumn<QList<qsizetype>>("endOffsets"); // after each event's blank line

    using S = QList<SseRecording::Segment>;
    using O = QList<qsizetype>;
    const auto Error = SseRecording::End::Error;
    const auto Clean = SseRecording::End::Clean;
    QTest::newRow("LF") << S {segment({{0, "id: 1\ndata: a\n\n"}, {1, "data: b\n\n"}})}
                        << QStringList {u"a"_s, u"b"_s} << QStringList {u"1"_s, u"1"_s} << O {0, 0}
                        << O {15, 24};
    QTest::newRow("CRLF split between chunks")
            << S {segment({{0, "data: a\r\n\r"}, {1, "\ndata: b\r\n\r\n"}})}
            << QStringList {u"a"_s, u"b"_s} << QStringList {QString(), QString()} << O {0, 0}
            << O {11, 22};
    QTest::newRow("lone CR, BOM") << S {segment({{0, "\xEF\xBB\xBFid: x\rdata: a\r\r"}})}
                                  << QStringList {u"a"_s} << QStringList {u"x"_s} << O {0}
                                  << O {18};
    // The cut event of the first response is dropped, as a client drops it; the ID goes on.
    QTest::newRow("cut, then the next response")
            << S {segment({{0, "id: 1\ndata: a\n\nid: 2\ndata: cut"}}, Error),
                  segment({{9, "data: b\n\n"}}, Clean)}
            << QStringList {u"a"_s, u"b"_s} << QStringList {u"1"_s, u"1"_s} << O {0, 1}
            << O {15, 9};
    QTest::newRow("an empty response between")
            << S {segment({{0, "id: 1\ndata: a\n\n"}}, Clean), segment({}, Clean),
                  segment({{9, "data: b\n\n"}})}
            << QStringList {u"a"_s, u"b"_s} << QStringList {u"1"_s, u"1"_s} << O {0, 2}
            << O {15, 9};
}

// Each segment parsed as a response: where each event ends, in its segment's bytes.
void tst_SseRecording::itemsPerSegment()
{
    QFETCH(QList<SseRecording::Segment>, segments);
    QFETCH(QStringList, data);
    QFETCH(QStringList, ids);
    QFETCH(QList<qsizetype>, segmentOf);
    QFETCH(QList<qsizetype>, endOffsets);
    SseRecording r;
    r.segments = segments;
    QStringList gotData, gotIds;
    QList<qsizetype> gotSegments, gotOffsets;
    for (const SseRecordedItem &item : parseRecordedItems(r)) {
        if (item.kind != SseRecordedItem::Event)
            continue;
        gotData.append(item.event.data());
        gotIds.append(item.event.lastEventId());
        gotSegments.append(item.segment);
        gotOffsets.append(item.endOffset);
    }
    QCOMPARE(gotData, data);
    QCOMPARE(gotIds, ids);
    QCOMPARE(gotSegments, segmentOf);
    QCOMPARE(gotOffsets, endOffsets);
}

void tst_SseRecording::clientsEventLimit_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QStringList>("data"); // of the events parsed

    const QByteArray big(40, 'x');
    QTest::newRow("limit in the head")
            << QByteArray(R"({"recorded":"2026-12-07T05:00:00.000Z","maxEventSize":32})")
            << QStringList {u"a"_s, u"c"_s};
    QTest::newRow("no limit in the head")
            << QByteArray(R"({"recorded":"2026-12-07T05:00:00.000Z"})")
            << QStringList {u"a"_s, QString::fromLatin1(big), u"b"_s, u"c"_s};
    QTest::newRow("a limit that holds it")
            << QByteArray(R"({"recorded":"2026-12-07T05:00:00.000Z","maxEventSize":64})")
            << QStringList {u"a"_s, QString::fromLatin1(big), u"b"_s, u"c"_s};
}

// An event over the recording client's maxEventSize ended its response with an error
// (EventTooLarge): the client never had it, nor what followed in that response. The parse
// shows what the client showed.
void tst_SseRecording::clientsEventLimit()
{
    QFETCH(QByteArray, head);
    QFETCH(QStringList, data);
    const QByteArray segment1 = "data: a\n\ndata: " + QByteArray(40, 'x') + "\n\ndata: b\n\n";
    const QByteArray file = "SSE-RECORDING 2\n" + head + "\n0 "
            + QByteArray::number(segment1.size()) + "\n" + segment1 + "\n1 end error\n2 9\n"
            + "data: c\n\n\n";
    QString error;
    const std::optional<SseRecording> r = SseRecording::parse(file, &error);
    QVERIFY2(r, qPrintable(error));
    QStringList got;
    for (const SseRecordedItem &item : parseRecordedItems(*r)) {
        if (item.kind == SseRecordedItem::Event)
            got.append(item.event.data());
    }
    QCOMPARE(got, data);
}

void tst_SseRecording::emptyRecording()
{
    QString error;
    const std::optional<SseRecording> r = SseRecording::parse(Head, &error);
    QVERIFY2(r, qPrintable(error));
    QVERIFY(r->segments.isEmpty());
    QCOMPARE(r->durationMs(), 0);
    QVERIFY(parseRecordedItems(*r).isEmpty());
}

void tst_SseRecording::badFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected"); // a part of the message

    QTest::newRow("empty file") << QByteArray() << u"not a QtSse recording"_s;
    QTest::newRow("garbage") << QByteArray("\x89PNG\r\n\x1a\nxxxx", 12)
                             << u"not a QtSse recording"_s;
    QTest::newRow("an .sse file") << QByteArray("data: x\n\n") << u"not a QtSse recording"_s;
    QTest::newRow("magic without a line end")
            << QByteArray("SSE-RECORDING 1") << u"not a QtSse recording"_s;
    QTest::newRow("bad version") << QByteArray("SSE-RECORDING one\n{}\n") << u"bad version"_s;
    QTest::newRow("wrong version")
            << QByteArray("SSE-RECORDING 3\n{\"recorded\":\"2026-12-07T05:00:00Z\"}\n")
            << u"version 3 is not supported (this program reads versions 1 to 2)"_s;
    QTest::newRow("version 0") << QByteArray(
            "SSE-RECORDING 0\n{\"recorded\":\"2026-12-07T05:00:00Z\"}\n")
                               << u"version 0 is not supported"_s;
    QTest::newRow("no head") << QByteArray("SSE-RECORDING 1\n") << u"truncated: the head"_s;
    QTest::newRow("head not JSON") << QByteArray("SSE-RECORDING 1\n{oops\n") << u"bad head"_s;
    QTest::newRow("head an array") << QByteArray("SSE-RECORDING 1\n[]\n") << u"not a JSON object"_s;
    QTest::newRow("head without time") << QByteArray("SSE-RECORDING 1\n{}\n") << u"\"recorded\""_s;
    QTest::newRow("chunk head garbage")
            << Head + "hello world\nxx\n"
            << u"chunk 1 (at byte 56): expected \"<milliseconds> <length>\""_s;
    QTest::newRow("negative time") << Head + "-1 2\nxx\n" << u"expected"_s;
    QTest::newRow("zero length") << Head + "0 0\n\n" << u"length 0 is outside"_s;
    QTest::newRow("huge length") << Head + "0 999999999\n" << u"length 999999999 is outside"_s;
    QTest::newRow("time goes back") << Head + "10 1\na\n5 1\nb\n"
                                    << u"chunk 2 (at byte 63): time 5 ms goes back"_s;
    QTest::newRow("truncated bytes")
            << Head + "0 10\nabc"
            << u"truncated: chunk 1 (at byte 56) announces 10 bytes, 3 follow"_s;
    QTest::newRow("truncated closing LF")
            << Head + "0 3\nabc" << u"truncated: chunk 1 (at byte 56) misses the line feed"_s;
    QTest::newRow("truncated head line") << Head + "0 3\nabc\n12" << u"truncated: chunk 2"_s;
    QTest::newRow("wrong length") << Head + "0 2\nabc\n" << u"no line feed after its 2 bytes"_s;
    // Version 1 has no ends; version 2 says what it expected.
    QTest::newRow("v1: an end")
            << Head1 + "0 1\na\n5 end clean\n"
            << u"chunk 2 (at byte 62): expected \"<milliseconds> <length>\", got \"5 end clean\""_s;
    QTest::newRow("v1: chunk head garbage")
            << Head1 + "hello world\nxx\n"
            << u"chunk 1 (at byte 56): expected \"<milliseconds> <length>\", got"_s;
    QTest::newRow("v2: chunk head garbage")
            << Head + "hello world\n"
            << u"chunk 1 (at byte 56): expected \"<milliseconds> <length>\" or \"<milliseconds> "
               u"end clean|error|closed\", got \"hello world\""_s;
    QTest::newRow("v2: unknown end")
            << Head + "0 1\na\n5 end maybe\n"
            << u"chunk 2 (at byte 62): unknown end \"maybe\" (expected clean, error or closed)"_s;
    QTest::newRow("v2: end without a kind") << Head
                    + "5 end\n" << u"chunk 1 (at byte 56): expected \"<milliseconds> <length>\""_s;
    QTest::newRow("v2: end without a time") << Head + "end clean\n"
                                            << u"chunk 1 (at byte 56): expected"_s;
    QTest::newRow("v2: end goes back")
            << Head + "10 1\na\n5 end error\n"
            << u"chunk 2 (at byte 63): time 5 ms goes back (the previous chunk is at 10 ms)"_s;
    QTest::newRow("v2: chunk after an end goes back") << Head
                    + "10 end clean\n7 1\na\n" << u"chunk 2 (at byte 69): time 7 ms goes back"_s;
    QTest::newRow("v2: truncated end") << Head + "0 1\na\n5 end cl"
                                       << u"truncated: chunk 2 (at byte 62) has no complete head"_s;
    QTest::newRow("v2: end with a CR") << Head + "5 end clean\r\n" << u"unknown end"_s;
}

void tst_SseRecording::badFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(u"bad.sserec"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
    file.close();
    QString error;
    const std::optional<SseRecording> r = SseRecording::read(path, &error);
    QVERIFY(!r);
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void tst_SseRecording::unwritableFile()
{
    SseRecordingWriter writer;
    QVERIFY(!writer.open(m_dir.filePath(u"no/such/dir/x.sserec"_s), QUrl()));
    QVERIFY2(writer.errorString().startsWith(u"cannot write "_s), qPrintable(writer.errorString()));
    QVERIFY(!writer.appendBytes("data: x\n\n"));
    QVERIFY(!writer.appendEnd(SseRecording::End::Clean));
    QString error;
    QVERIFY(!SseRecording::read(m_dir.filePath(u"missing.sserec"_s), &error));
    QVERIFY2(error.startsWith(u"cannot read "_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_SseRecording)
#include "tst_sserecording.moc"
