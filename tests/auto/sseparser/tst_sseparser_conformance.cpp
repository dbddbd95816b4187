// SPDX-License-Identifier: BSD-3-Clause
// SseParser conformance: every row of parse_data() (parserows.cpp) is run whole, split in two at
// every byte, byte by byte, in random chunks and through parseAll(): the result must not depend
// on the chunking.
#include "sseparsertest.h"

#include <QtTest/qtest.h>

using namespace ParserTest;

class tst_SseParserConformance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data() { addParseRows(); }
    void parse();
    void parseSplit_data() { parse_data(); }
    void parseSplit();
    void parseBytewise_data() { parse_data(); }
    void parseBytewise();
    void parseRandomChunks_data() { parse_data(); }
    void parseRandomChunks();
    void parseAll_data() { parse_data(); }
    void parseAll();
};

void tst_SseParserConformance::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);

    const Result result = run(whole(input));
    QCOMPARE(result.output, expected);
    QCOMPARE(result.lastEventId, lastEventId);
    QVERIFY(result.ok);
    QCOMPARE(result.error, SseParser::Error::NoError);
}

void tst_SseParserConformance::parseSplit()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);

    const Result reference = run(whole(input));
    for (qsizetype at = 0; at <= input.size(); ++at) {
        const Result result = run(splitAt(input, at));
        if (result != reference) {
            qWarning("input split at byte %lld", qint64(at));
            QCOMPARE(result.output, expected);
            QCOMPARE(result.lastEventId, lastEventId);
            QCOMPARE(result.ok, reference.ok);
            QCOMPARE(result.error, reference.error);
        }
    }
}

void tst_SseParserConformance::parseBytewise()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);

    const Result result = run(bytewise(input));
    QCOMPARE(result.output, expected);
    QCOMPARE(result.lastEventId, lastEventId);
    QVERIFY(result.ok);
}

void tst_SseParserConformance::parseRandomChunks()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);

    QRandomGenerator random(20240601); // fixed: the test is deterministic
    for (int round = 0; round < 20; ++round) {
        const Result result = run(randomChunks(input, random));
        if (result.output != expected || result.lastEventId != lastEventId || !result.ok) {
            qWarning("random chunking, round %d", round);
            QCOMPARE(result.output, expected);
            QCOMPARE(result.lastEventId, lastEventId);
            QVERIFY(result.ok);
        }
    }
}

void tst_SseParserConformance::parseAll()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);

    QStringList expectedEvents;
    for (const QString &entry : std::as_const(expected)) {
        if (!entry.startsWith(QLatin1String("comment|"))
            && !entry.startsWith(QLatin1String("retry|")))
            expectedEvents.append(entry);
    }

    QString id = QStringLiteral("unset");
    const QList<SseEvent> events = SseParser::parseAll(input, &id);
    QStringList output;
    for (const SseEvent &event : events)
        output.append(eventText(event));
    QCOMPARE(output, expectedEvents);
    QCOMPARE(id, lastEventId);

    // The out-parameter is optional.
    QCOMPARE(SseParser::parseAll(input).size(), events.size());
}

QTEST_MAIN(tst_SseParserConformance)
#include "tst_sseparser_conformance.moc"
