// SPDX-License-Identifier: BSD-3-Clause
#include "ssecattest.h"

#include <QtCore/qfileinfo.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>

Response stream()
{
    return Response::sse().chunked();
}

// The keys of a flat JSON object line, in order of appearance.
static QList<QByteArray> keysInOrder(const QByteArray &line)
{
    QList<QByteArray> keys;
    bool inString = false;
    bool escaped = false;
    qsizetype start = 0;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const char c = line.at(i);
        if (!inString) {
            if (c == '"') {
                inString = true;
                start = i + 1;
            }
        } else if (escaped) {
            escaped = false;
        } else if (c == '\\') {
            escaped = true;
        } else if (c == '"') {
            inString = false;
            if (i + 1 < line.size() && line.at(i + 1) == ':')
                keys.append(line.mid(start, i - start));
        }
    }
    return keys;
}

bool parseEvents(const QByteArray &out, QList<Event> *events, QByteArray *why)
{
    events->clear();
    if (out.isEmpty())
        return true;
    if (!out.endsWith('\n')) {
        *why = "stdout does not end with a complete line: " + out.right(200);
        return false;
    }
    const QList<QByteArray> lines = out.first(out.size() - 1).split('\n');
    for (const QByteArray &line : lines) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            *why = "not a JSON object (" + error.errorString().toUtf8() + "): " + line;
            return false;
        }
        const QJsonObject o = doc.object();
        const QList<QByteArray> keys = keysInOrder(line);
        if (o.size() != 3 || keys != QList<QByteArray> {"type", "data", "id"}) {
            *why = "expected exactly the keys type, data, id in that order: " + line;
            return false;
        }
        for (const QJsonValue &v : o) {
            if (!v.isString()) {
                *why = "a value is not a string: " + line;
                return false;
            }
        }
        events->append({o.value("type"_L1).toString(), o.value("data"_L1).toString(),
                        o.value("id"_L1).toString()});
    }
    return true;
}

QStringList datas(const QList<Event> &events)
{
    QStringList list;
    for (const Event &e : events)
        list.append(e.data);
    return list;
}

QStringList ids(const QList<Event> &events)
{
    QStringList list;
    for (const Event &e : events)
        list.append(e.id);
    return list;
}

const QRegularExpression &statsLine()
{
    static const QRegularExpression re(
            u"^events=(\\d+) bytes=(\\d+) seconds=(\\d+(?:\\.\\d+)?)$"_s);
    return re;
}

void SseCatTest::initTestCase()
{
    const QFileInfo binary(QStringLiteral(SSECAT_PATH));
    QVERIFY2(binary.isExecutable(), SSECAT_PATH);
}
