// SPDX-License-Identifier: BSD-3-Clause
// Hostile input, bytes: binary garbage (NULs, random line endings, invalid UTF-8) as the body of
// an event stream, garbage instead of an HTTP response, and invalid UTF-8 in every field, split
// at every byte. Each has an exact outcome: what the standard makes of the bytes, and a stream
// that keeps working afterwards (or a defined error).
#include "hostile.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;
using namespace Hostile;

Q_DECLARE_METATYPE(SseEvent)

// Random bytes from a fixed seed; alphabet empty: all 256 values.
static QByteArray garbage(quint32 seed, qsizetype size, const QByteArray &alphabet)
{
    QRandomGenerator random(seed);
    QByteArray out(size, Qt::Uninitialized);
    for (char &c : out)
        c = alphabet.isEmpty() ? char(random.bounded(256))
                               : alphabet.at(random.bounded(int(alphabet.size())));
    return out;
}

// The stream's lines (CR, LF or CRLF end a line), as the standard splits them. Returns the number
// of comment lines, and false in *fieldSeen if a line names a field that is not ignored.
static int commentLines(const QByteArray &stream, bool *fieldSeen)
{
    int comments = 0;
    *fieldSeen = false;
    qsizetype i = 0;
    while (i < stream.size()) {
        qsizetype end = i;
        while (end < stream.size() && stream[end] != '\n' && stream[end] != '\r')
            ++end;
        if (end == stream.size())
            break; // unfinished: never processed
        const QByteArray line = stream.mid(i, end - i);
        if (line.startsWith(':'))
            ++comments;
        const QByteArray name = line.left(line.indexOf(':') < 0 ? line.size() : line.indexOf(':'));
        if (name == "data" || name == "id" || name == "event" || name == "retry")
            *fieldSeen = true;
        i = end
                + (stream[end] == '\r' && end + 1 < stream.size() && stream[end + 1] == '\n' ? 2
                                                                                             : 1);
    }
    return comments;
}

class tst_HostileBytes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void binaryGarbage_data();
    void binaryGarbage();
    void garbageInsteadOfHttp();
    void invalidUtf8_data();
    void invalidUtf8();
};

void tst_HostileBytes::binaryGarbage_data()
{
    QTest::addColumn<QByteArray>("bytes");

    QTest::newRow("uniform bytes, 4 MiB") << garbage(1, 4 * MiB, {});
    QTest::newRow("uniform bytes, 64 KiB") << garbage(2, 64 * 1024, {});
    // Short lines, NULs, comments, empty lines (nothing to dispatch), broken UTF-8; no letter
    // of a field name, so no field is ever set.
    QTest::newRow("line soup, 4 MiB") << garbage(3, 4 * MiB, "\0\n\r\r\n:: a0Z\xc3\xe2\x82\xff"_ba);
}

// Garbage between two valid events: it yields no event (only its comment lines), the stream
// stays open, and the event after it arrives intact.
void tst_HostileBytes::binaryGarbage()
{
    QFETCH(QByteArray, bytes);

    // The leading comment keeps a BOM out of reach; the blank lines end whatever the garbage
    // left unfinished (its last line ends at the first of them).
    const QByteArray stream =
            ": garbage follows\ndata: before\n\n" + bytes + "\n\n\ndata: after\n\n";
    bool fieldSeen = true;
    const int comments = 1 + commentLines(bytes + "\n", &fieldSeen);
    QVERIFY2(!fieldSeen, "the seed makes a field line: pick another");
    QVERIFY(comments > 1 || bytes.size() < MiB);

    SseClientFixture f;
    QVERIFY(f.start());
    f.server.enqueue(
            Response::sse()
                    .chunked()
                    .generate(stream.size(),
                              [&stream](qint64 offset) { return stream.mid(offset, 4093); })
                    .holdOpen());
    int commentCount = 0;
    connect(&f.client, &SseClient::commentReceived, this, [&commentCount] { ++commentCount; });
    f.client.open();
    QTRY_COMPARE_WITH_TIMEOUT(f.eventSpy.size(), 2, Timeout);
    QVERIFY(!f.eventSpy.wait(Quiet));

    const auto events = QList<QVariant> {f.eventSpy.at(0).at(0), f.eventSpy.at(1).at(0)};
    QCOMPARE(dataOf(f.eventSpy), QStringList({u"before"_s, u"after"_s}));
    QCOMPARE(events.at(1).value<SseEvent>().type(), u"message"_s);
    QCOMPARE(f.client.lastEventId(), QString());
    QCOMPARE(commentCount, comments);
    QCOMPARE(f.errorSpy.size(), 0);
    QCOMPARE(f.client.state(), SseClient::Open);
    QCOMPARE(f.client.byteCount(), stream.size());
    QCOMPARE(f.server.requestCount(), 1);
    f.client.close();
    QCOMPARE(f.client.state(), SseClient::Closed);
}

// Random bytes instead of a status line: QNAM reports a protocol failure, which the client
// retries as a connection error; maxRetries then ends it.
void tst_HostileBytes::garbageInsteadOfHttp()
{
    SseClientFixture f;
    QVERIFY(f.start());
    f.server.setHandler([](const Request &) {
        return Response::raw("\x16\x03\x01\x00\xff" + garbage(4, 4096, {})).close();
    });
    f.client.setMaxRetries(2);
    f.client.open();
    QVERIFY(f.closedSpy.wait(Timeout));

    QCOMPARE(errorsOf(f.errorSpy),
             Errors({SseClient::ConnectionError, SseClient::ConnectionError,
                     SseClient::ConnectionError, SseClient::RetriesExhaustedError}));
    QCOMPARE(argsOf(f.scheduledSpy, 1), QList<int>({50, 100}));
    QCOMPARE(f.openedSpy.size(), 0);
    QCOMPARE(f.client.state(), SseClient::Failed);
    QCOMPARE(f.client.httpStatus(), 0);
    QVERIFY2(f.client.errorString().startsWith(u"Gave up after 3 attempt(s) in a row: "_s),
             qPrintable(f.client.errorString()));
    // Qt 6.4 itself sends a request up to 4 times when the answer is not HTTP ("Connection
    // closed"), before the client sees the error.
    QVERIFY2(f.server.requestCount() >= 3 && f.server.requestCount() <= 12,
             QByteArray::number(f.server.requestCount()));
}

void tst_HostileBytes::invalidUtf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("text"); // what the bytes decode to
    QTest::addColumn<int>("writeSize"); // bytes per write (each its own chunk)

    const QString r(QChar(0xFFFD));
    const struct
    {
        const char *name;
        QByteArray bytes;
        QString text;
    } cases[] = {
            {"lone continuation", "a\x80z", u"a"_s + r + u"z"_s},
            {"truncated 3-byte", "\xE2\x82z", r + u"z"_s},
            {"truncated 4-byte at line end", "\xF0\x9F\x98", r},
            {"overlong C0 AF", "\xC0\xAF", r + r},
            {"overlong E0 80 AF", "\xE0\x80\xAF", r.repeated(3)},
            {"surrogate ED A0 80", "\xED\xA0\x80", r.repeated(3)},
            {"above U+10FFFF", "\xF4\x90\x80\x80", r.repeated(4)},
            {"5-byte form", "\xF8\x88\x80\x80\x80", r.repeated(5)},
            {"FF FE", "\xFF\xFE", r + r},
            {"valid, mixed", "h\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80",
             u"h\u00e9\u20ac"_s + QString::fromUcs4(U"\U0001F600")},
            {"BOM inside a value", "x\xEF\xBB\xBF", u"x\ufeff"_s},
    };
    for (const auto &c : cases) {
        QTest::addRow("%s, whole", c.name) << c.bytes << c.text << 0;
        QTest::addRow("%s, 1 byte per write", c.name) << c.bytes << c.text << 1;
    }
    // A long data line is decoded as it arrives: invalid sequences across write boundaries.
    const QByteArray unit = "\xC3\xA9\xE2\x82z\x80\xF0\x9F\x98\x80";
    const QString decoded = u"\u00e9"_s + r + u"z"_s + r + QString::fromUcs4(U"\U0001F600");
    QTest::newRow("long line, 7-byte writes") << unit.repeated(1000) << decoded.repeated(1000) << 7;
    QTest::newRow("long line, 4093-byte writes")
            << unit.repeated(1000) << decoded.repeated(1000) << 4093;
}

// The bytes in a comment, the event type, the ID and the data: each decoded with one U+FFFD per
// maximal invalid subpart (the Encoding standard), however the bytes are split.
void tst_HostileBytes::invalidUtf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, text);
    QFETCH(int, writeSize);

    const QByteArray stream = ": " + bytes + "\nevent: " + bytes + "\nid: " + bytes
            + "\ndata: " + bytes + "\n\ndata: ok\n\n";
    SseClientFixture f;
    QVERIFY(f.start());
    Response response = Response::sse().chunked();
    if (writeSize > 0)
        response.sendSlowly(stream, writeSize, 0);
    else
        response.send(stream);
    f.server.enqueue(response.holdOpen());

    QSignalSpy commentSpy(&f.client, &SseClient::commentReceived);
    f.client.open();
    QTRY_COMPARE_WITH_TIMEOUT(f.eventSpy.size(), 2, Timeout);

    const SseEvent first = f.eventSpy.at(0).at(0).value<SseEvent>();
    QCOMPARE(first.data(), text);
    QCOMPARE(first.type(), text);
    QCOMPARE(first.lastEventId(), text);
    const SseEvent second = f.eventSpy.at(1).at(0).value<SseEvent>();
    QCOMPARE(second.data(), u"ok"_s);
    QCOMPARE(second.type(), u"message"_s);
    QCOMPARE(second.lastEventId(), text);
    QCOMPARE(f.client.lastEventId(), text);
    QCOMPARE(commentSpy.size(), 1);
    QCOMPARE(commentSpy.at(0).at(0).toString(), u" "_s + text);
    QCOMPARE(f.errorSpy.size(), 0);
    QCOMPARE(f.client.state(), SseClient::Open);
    f.client.close();
}

QTEST_MAIN(tst_HostileBytes)
#include "tst_hostile_bytes.moc"
