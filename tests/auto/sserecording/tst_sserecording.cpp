// SPDX-License-Identifier: BSD-3-Clause
// The recording format (examples/shared/RECORDING.md): what the writer writes reads back the same,
// the canonical form of an event parses back to that event, and every kind of bad file is
// refused with a message that says where and why.
#include "sserecording.h"

#include <QtSse/SseParser>

#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;

class tst_SseRecording : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void readableWhileWritten();
    void userInfoNotStored();
    void eventsRoundTrip_data();
    void eventsRoundTrip();
    void itemsCarryTimes();
    void emptyRecording();
    void badFiles_data();
    void badFiles();
    void unwritableFile();

private:
    QTemporaryDir m_dir;
};

namespace {
const QByteArray Head = "SSE-RECORDING 1\n{\"recorded\":\"2026-12-07T05:00:00.000Z\"}\n";
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
    QCOMPARE(r->url, QUrl(u"http://127.0.0.1:8080/stream?x=1"_s));
    QVERIFY(r->recorded.isValid());
    QCOMPARE(r->recorded.timeSpec(), Qt::UTC);
    QVERIFY(qAbs(r->recorded.secsTo(QDateTime::currentDateTimeUtc())) < 60);
    QCOMPARE(r->chunks.size(), 3);
    QCOMPARE(r->chunks.at(0).timeMs, 5);
    QCOMPARE(r->chunks.at(0).bytes, all);
    QCOMPARE(r->chunks.at(1).timeMs, 20);
    QCOMPARE(r->chunks.at(1).bytes, "data: x\n\n");
    QCOMPARE(r->chunks.at(2).timeMs, 20); // 10 came later than 20: never back
    QCOMPARE(r->chunks.at(2).bytes, "\n\n\n");
    QCOMPARE(r->stream(), all + "data: x\n\n\n\n\n");
    QCOMPARE(r->durationMs(), 20);
}

// A recording stopped by a crash keeps what was written: each chunk is flushed.
void tst_SseRecording::readableWhileWritten()
{
    const QString path = m_dir.filePath(u"live.sserec"_s);
    SseRecordingWriter writer;
    QVERIFY(writer.open(path, QUrl()));
    QVERIFY(writer.appendEvent(SseEvent(u"tick"_s, u"1"_s, u"1"_s)));
    QString error;
    const std::optional<SseRecording> r = SseRecording::read(path, &error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->chunks.size(), 1);
    QCOMPARE(r->chunks.at(0).bytes, "id: 1\nevent: tick\ndata: 1\n\n");
    QVERIFY(r->url.isEmpty());
    QCOMPARE(writer.eventCount(), 1);
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

void tst_SseRecording::eventsRoundTrip_data()
{
    QTest::addColumn<QList<SseEvent>>("events");
    QTest::newRow("plain") << QList<SseEvent> {SseEvent(u"message"_s, u"hello"_s)};
    QTest::newRow("typed with id") << QList<SseEvent> {SseEvent(u"tick"_s, u"1"_s, u"7"_s)};
    QTest::newRow("id persists") << QList<SseEvent> {SseEvent(u"message"_s, u"a"_s, u"1"_s),
                                                     SseEvent(u"message"_s, u"b"_s, u"1"_s)};
    QTest::newRow("id reset") << QList<SseEvent> {SseEvent(u"message"_s, u"a"_s, u"1"_s),
                                                  SseEvent(u"message"_s, u"b"_s, QString())};
    QTest::newRow("multi-line data")
            << QList<SseEvent> {SseEvent(u"log"_s, u"line 1\nline 2\n\nline 4"_s, u"x"_s)};
    QTest::newRow("empty data") << QList<SseEvent> {SseEvent(u"message"_s, QString())};
    QTest::newRow("data that is one line feed")
            << QList<SseEvent> {SseEvent(u"message"_s, u"\n"_s)};
    QTest::newRow("leading spaces kept")
            << QList<SseEvent> {SseEvent(u"message"_s, u"  two"_s, u" id with space"_s)};
    QTest::newRow("colons and unicode")
            << QList<SseEvent> {SseEvent(u"ü"_s, u"data: {\"a\":\"€😀\"}"_s, u"ü:1"_s)};
}

// The canonical form of an event, parsed, is that event, and the last event ID goes on as it
// does in a client.
void tst_SseRecording::eventsRoundTrip()
{
    QFETCH(QList<SseEvent>, events);
    QString lastId;
    QByteArray stream;
    for (const SseEvent &e : std::as_const(events))
        stream += SseRecordingWriter::encodeEvent(e, &lastId);
    const QList<SseEvent> parsed = SseParser::parseAll(stream);
    QCOMPARE(parsed.size(), events.size());
    for (qsizetype i = 0; i < events.size(); ++i) {
        QCOMPARE(parsed.at(i).type(), events.at(i).type());
        QCOMPARE(parsed.at(i).data(), events.at(i).data());
        QCOMPARE(parsed.at(i).lastEventId(), events.at(i).lastEventId());
    }
}

void tst_SseRecording::itemsCarryTimes()
{
    SseRecording r;
    r.recorded = QDateTime::currentDateTimeUtc();
    // An event split over two chunks is completed by the second; a comment and retry: between.
    r.chunks = {
            {0, ": hi\nretry: 1500\n"}, {10, "id: 1\nda"}, {25, "ta: x\n\n"}, {40, "data: y\n\n"}};
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

void tst_SseRecording::emptyRecording()
{
    QString error;
    const std::optional<SseRecording> r = SseRecording::parse(Head, &error);
    QVERIFY2(r, qPrintable(error));
    QVERIFY(r->chunks.isEmpty());
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
            << QByteArray("SSE-RECORDING 2\n{\"recorded\":\"2026-12-07T05:00:00Z\"}\n")
            << u"version 2 is not supported (this program reads version 1)"_s;
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
    QVERIFY(!writer.appendEvent(SseEvent(u"message"_s, u"x"_s)));
    QString error;
    QVERIFY(!SseRecording::read(m_dir.filePath(u"missing.sserec"_s), &error));
    QVERIFY2(error.startsWith(u"cannot read "_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_SseRecording)
#include "tst_sserecording.moc"
