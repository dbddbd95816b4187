// SPDX-License-Identifier: BSD-3-Clause
#include "sseparsertest.h"

namespace ParserTest {

QStringList texts(std::initializer_list<const char *> items)
{
    QStringList list;
    list.reserve(qsizetype(items.size()));
    for (const char *item : items)
        list.append(QString::fromUtf8(item));
    return list;
}

QString eventText(const SseEvent &event)
{
    return QString(event.type() + u'|' + event.data() + u'|' + event.lastEventId());
}

void Recorder::attach(SseParser &parser)
{
    parser.setEventHandler([this](const SseEvent &event) { output.append(eventText(event)); });
    parser.setCommentHandler([this](const QString &comment) {
        output.append(QString(QLatin1String("comment|") + comment));
    });
    parser.setRetryHandler([this](qint64 ms) {
        output.append(QString(QLatin1String("retry|") + QString::number(ms)));
    });
}

Result run(const QList<QByteArrayView> &chunks, qsizetype maxEventSize, qsizetype maxBuffered,
           bool *boundViolated)
{
    Result result;
    Recorder recorder;
    SseParser parser;
    parser.setMaxEventSize(maxEventSize);
    recorder.attach(parser);
    for (QByteArrayView chunk : chunks) {
        if (!parser.feed(chunk))
            result.ok = false;
        if (maxBuffered >= 0 && parser.bufferedBytes() > maxBuffered && boundViolated)
            *boundViolated = true;
    }
    parser.finish();
    result.output = std::move(recorder.output);
    result.lastEventId = parser.lastEventId();
    result.error = parser.error();
    return result;
}

QList<QByteArrayView> whole(QByteArrayView input)
{
    return {input};
}

QList<QByteArrayView> splitAt(QByteArrayView input, qsizetype at)
{
    return {input.first(at), input.sliced(at)};
}

QList<QByteArrayView> bytewise(QByteArrayView input)
{
    QList<QByteArrayView> chunks;
    chunks.reserve(input.size());
    for (qsizetype i = 0; i < input.size(); ++i)
        chunks.append(input.sliced(i, 1));
    return chunks;
}

QList<QByteArrayView> randomChunks(QByteArrayView input, QRandomGenerator &random)
{
    QList<QByteArrayView> chunks;
    qsizetype pos = 0;
    while (pos < input.size()) {
        // Empty chunks too: they must change nothing.
        const qsizetype len = qMin(input.size() - pos, qsizetype(random.bounded(0, 9)));
        chunks.append(input.sliced(pos, len));
        pos += len;
    }
    return chunks;
}

QByteArray pattern(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[i % 36];
    return bytes;
}

} // namespace ParserTest
