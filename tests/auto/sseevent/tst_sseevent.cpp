// SPDX-License-Identifier: BSD-3-Clause
#include <QtSse/SseEvent>

#include <QtCore/qdebug.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qvariant.h>
#include <QtTest/qtest.h>

class tst_SseEvent : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void construction();
    void equality();
    void copyAndSwap();
    void json_data();
    void json();
    void jsonDocument_data();
    void jsonDocument();
    void gadgetProperties();
    void variant();
    void debug();
};

void tst_SseEvent::defaults()
{
    const SseEvent event;
    QCOMPARE(event.type(), QStringLiteral("message"));
    QVERIFY(event.data().isEmpty());
    QVERIFY(event.lastEventId().isEmpty());
    QVERIFY(!event.isJson()); // empty data is not JSON
    QVERIFY(event.json().isUndefined());
}

void tst_SseEvent::construction()
{
    const SseEvent twoArgs(QStringLiteral("add"), QStringLiteral("73857293"));
    QCOMPARE(twoArgs.type(), QStringLiteral("add"));
    QCOMPARE(twoArgs.data(), QStringLiteral("73857293"));
    QVERIFY(twoArgs.lastEventId().isEmpty());

    const SseEvent threeArgs(QStringLiteral("remove"), QStringLiteral("a\nb"), QStringLiteral("7"));
    QCOMPARE(threeArgs.type(), QStringLiteral("remove"));
    QCOMPARE(threeArgs.data(), QStringLiteral("a\nb"));
    QCOMPARE(threeArgs.lastEventId(), QStringLiteral("7"));
}

void tst_SseEvent::equality()
{
    const SseEvent a(QStringLiteral("t"), QStringLiteral("d"), QStringLiteral("1"));
    const SseEvent same(QStringLiteral("t"), QStringLiteral("d"), QStringLiteral("1"));
    QVERIFY(a == same);
    QVERIFY(!(a != same));
    QVERIFY(a != SseEvent(QStringLiteral("u"), QStringLiteral("d"), QStringLiteral("1")));
    QVERIFY(a != SseEvent(QStringLiteral("t"), QStringLiteral("e"), QStringLiteral("1")));
    QVERIFY(a != SseEvent(QStringLiteral("t"), QStringLiteral("d"), QStringLiteral("2")));
    QVERIFY(a != SseEvent());

    // A default event equals an explicit "message" with no data and no id; a null and an empty
    // string compare equal, as QString does.
    QVERIFY(SseEvent() == SseEvent(QStringLiteral("message"), QString()));
    QVERIFY(SseEvent()
            == SseEvent(QStringLiteral("message"), QLatin1String(""), QLatin1String("")));
    QVERIFY(SseEvent() != SseEvent(QStringLiteral("Message"), QString()));
}

void tst_SseEvent::copyAndSwap()
{
    SseEvent a(QStringLiteral("a"), QStringLiteral("1"), QStringLiteral("x"));
    SseEvent b(QStringLiteral("b"), QStringLiteral("2"));
    const SseEvent aCopy = a;
    const SseEvent bCopy = b;
    a.swap(b);
    QCOMPARE(a, bCopy);
    QCOMPARE(b, aCopy);
    std::swap(a, b);
    QCOMPARE(a, aCopy);

    SseEvent moved = std::move(a);
    QCOMPARE(moved, aCopy);
    SseEvent assigned;
    assigned = moved;
    QCOMPARE(assigned, aCopy);
}

void tst_SseEvent::json_data()
{
    QTest::addColumn<QString>("data");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QJsonValue>("expected");

    auto valid = [](const char *name, const char *data, const QJsonValue &expected) {
        QTest::newRow(name) << QString::fromUtf8(data) << true << expected;
    };
    auto invalid = [](const char *name, const char *data) {
        QTest::newRow(name) << QString::fromUtf8(data) << false
                            << QJsonValue(QJsonValue::Undefined);
    };

    valid("object", "{\"a\": 1, \"b\": [true, null]}",
          QJsonObject {{QStringLiteral("a"), 1},
                       {QStringLiteral("b"), QJsonArray {true, QJsonValue()}}});
    valid("empty object", "{}", QJsonObject());
    valid("array", "[1, \"two\", 3.5]", QJsonArray {1, QStringLiteral("two"), 3.5});
    valid("empty array", "[]", QJsonArray());
    valid("integer", "42", 42);
    valid("negative exponent", "-1.5e3", -1500.0);
    valid("string", "\"text\"", QStringLiteral("text"));
    valid("string with escapes", "\"a\\n\\u00e9\"", QStringLiteral("a\n\u00e9"));
    valid("non-ASCII string", "\"\xC3\xA9\"", QStringLiteral("\u00e9"));
    valid("true", "true", true);
    valid("false", "false", false);
    valid("null", "null", QJsonValue(QJsonValue::Null));
    valid("surrounding whitespace", " \n 42 \n ", 42);
    valid("multi-line object", "{\n\"a\":\n1\n}", QJsonObject {{QStringLiteral("a"), 1}});

    invalid("empty", "");
    invalid("whitespace only", "  ");
    invalid("[DONE]", "[DONE]");
    invalid("two values with a comma", "1,2");
    invalid("two values with a space", "1 2");
    invalid("two objects", "{} {}");
    invalid("closing bracket escape", "1],[2");
    invalid("closing bracket and more", "1]");
    invalid("unterminated object", "{\"a\": 1");
    invalid("trailing garbage", "{\"a\": 1}}");
    invalid("bare word", "hello");
    invalid("single quotes", "'x'");
    invalid("trailing comma", "[1,]");
    invalid("NaN", "NaN");
    invalid("unquoted key", "{a: 1}");
}

void tst_SseEvent::json()
{
    QFETCH(QString, data);
    QFETCH(bool, valid);
    QFETCH(QJsonValue, expected);

    const SseEvent event(QStringLiteral("message"), data);
    QJsonParseError error;
    error.error = QJsonParseError::UnterminatedObject; // must be overwritten
    error.offset = -1;
    const QJsonValue value = event.json(&error);
    QCOMPARE(event.isJson(), valid);
    if (valid) {
        QCOMPARE(value, expected);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(event.jsonErrorString().isEmpty());
    } else {
        QVERIFY(value.isUndefined());
        QVERIFY(error.error != QJsonParseError::NoError);
        QVERIFY(error.offset >= 0);
        // The offset is in the data, not in the "[data]" that json() parses internally.
        QVERIFY(error.offset <= data.toUtf8().size());
        QVERIFY(!event.jsonErrorString().isEmpty());
    }
    // The error argument is optional.
    QCOMPARE(event.json(), value);
}

void tst_SseEvent::jsonDocument_data()
{
    QTest::addColumn<QString>("data");
    QTest::addColumn<bool>("object");
    QTest::addColumn<bool>("array");

    QTest::newRow("object") << QStringLiteral("{\"a\": 1}") << true << false;
    QTest::newRow("array") << QStringLiteral("[1, 2]") << false << true;
    QTest::newRow("number") << QStringLiteral("42") << false << false;
    QTest::newRow("string") << QStringLiteral("\"x\"") << false << false;
    QTest::newRow("[DONE]") << QStringLiteral("[DONE]") << false << false;
    QTest::newRow("empty") << QString() << false << false;
}

void tst_SseEvent::jsonDocument()
{
    QFETCH(QString, data);
    QFETCH(bool, object);
    QFETCH(bool, array);

    const SseEvent event(QStringLiteral("message"), data);
    QJsonParseError error;
    const QJsonDocument document = event.jsonDocument(&error);
    QCOMPARE(document.isObject(), object);
    QCOMPARE(document.isArray(), array);
    if (object || array) {
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(document, QJsonDocument::fromJson(data.toUtf8()));
    } else {
        QVERIFY(document.isNull());
        QVERIFY(error.error != QJsonParseError::NoError);
    }
    QCOMPARE(event.jsonDocument(), document);
}

void tst_SseEvent::gadgetProperties()
{
    const SseEvent event(QStringLiteral("update"), QStringLiteral("{\"n\": 5}"),
                         QStringLiteral("17"));
    const QMetaObject &mo = SseEvent::staticMetaObject;
    QCOMPARE(mo.className(), "SseEvent");

    auto read = [&](const char *name) {
        const int index = mo.indexOfProperty(name);
        if (index < 0)
            return QVariant();
        const QMetaProperty property = mo.property(index);
        return property.readOnGadget(&event);
    };
    for (const char *name : {"type", "data", "lastEventId", "json", "isJson", "jsonError"}) {
        const int index = mo.indexOfProperty(name);
        QVERIFY2(index >= 0, name);
        const QMetaProperty property = mo.property(index);
        QVERIFY2(property.isReadable(), name);
        QVERIFY2(!property.isWritable(), name);
        QVERIFY2(property.isConstant(), name);
    }
    QCOMPARE(read("type").toString(), QStringLiteral("update"));
    QCOMPARE(read("data").toString(), QStringLiteral("{\"n\": 5}"));
    QCOMPARE(read("lastEventId").toString(), QStringLiteral("17"));
    QCOMPARE(read("isJson").toBool(), true);
    QCOMPARE(read("jsonError").toString(), QString());
    const QVariant json = read("json");
    QCOMPARE(json.metaType(), QMetaType::fromType<QJsonValue>());
    QCOMPARE(json.value<QJsonValue>(), QJsonValue(QJsonObject {{QStringLiteral("n"), 5}}));

    const SseEvent notJson(QStringLiteral("message"), QStringLiteral("[DONE]"));
    const QMetaProperty isJson = mo.property(mo.indexOfProperty("isJson"));
    QCOMPARE(isJson.readOnGadget(&notJson).toBool(), false);
    const QMetaProperty jsonError = mo.property(mo.indexOfProperty("jsonError"));
    QVERIFY(!jsonError.readOnGadget(&notJson).toString().isEmpty());
}

void tst_SseEvent::variant()
{
    const SseEvent event(QStringLiteral("t"), QStringLiteral("d"), QStringLiteral("i"));
    const QVariant variant = QVariant::fromValue(event);
    QCOMPARE(variant.metaType(), QMetaType::fromType<SseEvent>());
    QCOMPARE(variant.value<SseEvent>(), event);
}

void tst_SseEvent::debug()
{
    QString text;
    QDebug(&text) << SseEvent(QStringLiteral("t"), QStringLiteral("d"), QStringLiteral("i"));
    QVERIFY2(text.startsWith(QLatin1String("SseEvent(")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("\"t\"")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("\"d\"")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("id=\"i\"")), qPrintable(text));
}

QTEST_MAIN(tst_SseEvent)
#include "tst_sseevent.moc"
