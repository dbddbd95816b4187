// SPDX-License-Identifier: BSD-3-Clause
// SseClientPrivate: how an event reaches the application. The reply's bytes are read in bounded
// pieces, decoded, fed to the parser; each event goes to eventReceived() and to the listeners
// of its type (a channel per type); the last event ID follows. SseSource (qml/) connects here
// like any application.
#include "sseclient_p.h"

#include <QtCore/qmetaobject.h>

using QtSsePrivate::ReadBufferBytes;
using QtSsePrivate::Verdict;

namespace {
constexpr qsizetype ErrorBodyLimit = 4096; // the start of an error response kept for the user
}

void SseClientPrivate::onReadyRead()
{
    Q_Q(SseClient);
    QNetworkReply *const current = reply;
    const SseInterrupted interrupted(this);
    if (!headersSeen)
        onMetaDataChanged();
    if (interrupted || !reply || reply != current)
        return; // dropped, redirected, or a slot took over (or deleted us)
    if (!streamOpen) {
        if (!headersSeen)
            return;
        decoder.decode(reply->read(reply->bytesAvailable()), [this](QByteArrayView piece) {
            responseBody += piece.first(qMin(piece.size(), ErrorBodyLimit - responseBody.size()));
            return responseBody.size() < ErrorBodyLimit;
        });
        if (responseBody.size() >= ErrorBodyLimit) {
            const Verdict v = pendingVerdict;
            dropReply();
            applyVerdict(v);
        }
        return;
    }
    // HTTP/1.1 stops at the reply's read buffer (TCP backpressure); Qt 6.4's HTTP/2 keeps
    // buffering whatever the server sends while a slot runs a nested event loop, or simply
    // blocks. Our own cap: what the parser may hold, plus a read buffer's worth.
    const qint64 limit = 2 * parser.maxEventSize() + ReadBufferBytes;
    const bool overflowing = reply->bytesAvailable() > limit;
    if (alivePtr) {
        // A slot runs a nested event loop (a modal dialog) while we feed the parser: feeding
        // it again from here would re-enter it. The data waits; the outer feed resumes it.
        readDeferred = true;
        if (idleTimeout > 0)
            arm(idleTimer, idleTimeout); // the stream is alive
        if (overflowing)
            dropOverflowingStream(reply->bytesAvailable(), limit);
        return;
    }
    // Not readAll(): it leaves a 16 KiB buffer reserved in every reply (measured: 4.4 KiB RSS
    // per stream at 10,000 streams). At most the cap at a time: what piled up in Qt while a
    // slot blocked (HTTP/2), or a backlog replayed at once, is not copied in one piece; the
    // rest follows from the event loop (resumeReading()).
    const QByteArray chunk = reply->read(qMin(reply->bytesAvailable(), limit));
    if (chunk.isEmpty())
        return;
    if (idleTimeout > 0)
        arm(idleTimer, idleTimeout);
    static const QMetaMethod idSignal = QMetaMethod::fromSignal(&SseClient::lastEventIdChanged);
    notifyIdPerEvent = q->isSignalConnected(idSignal);
    // Looked up once, asked once per read (never per event): nothing to pay without a recorder.
    static const QMetaMethod rawSignal = QMetaMethod::fromSignal(&SseClient::rawDataReceived);
    const bool emitRaw = q->isSignalConnected(rawSignal);
    bool alive = true;
    alivePtr = &alive;
    bool ok = true;
    bool decoded = true;
    // The bytes to the recorder, then to the parser; false if a slot of rawDataReceived()
    // deleted the client or ended the stream (the bytes then go nowhere, like the events).
    const auto emitRawData = [&](const QByteArray &bytes) {
        Q_EMIT q->rawDataReceived(bytes);
        return alive && reply == current && streamOpen;
    };
    if (decoder.isIdentity()) {
        byteCount += chunk.size();
        metrics.bytesReceived(chunk);
        if (!emitRaw || emitRawData(chunk))
            ok = parser.feed(chunk);
    } else {
        decoded = decoder.decode(chunk, [&](QByteArrayView piece) {
            byteCount += piece.size();
            metrics.bytesReceived(piece);
            if (emitRaw && !emitRawData(piece.toByteArray()))
                return false;
            ok = parser.feed(piece);
            // Stop at a parser error, or once a slot deleted us or dropped the stream.
            return ok && alive && reply == current && streamOpen;
        });
    }
    if (!alive)
        return; // the client was destroyed from a slot
    alivePtr = nullptr;
    metrics.flushEvents(); // this read's events, into the rates (one clock read per read)
    if (std::exchange(readDeferred, false) || (reply == current && reply->bytesAvailable() > 0))
        QMetaObject::invokeMethod(
                q, [this] { resumeReading(); }, Qt::QueuedConnection);
    if (interrupted || reply != current)
        return; // close(), open() or reconnectNow() from a slot: no signal about the old stream
    if (idleTimeout > 0 && streamOpen)
        arm(idleTimer, idleTimeout); // idle since now: slow slots do not count as silence
    notifyLastEventId();
    if (interrupted)
        return;
    Q_EMIT q->countersChanged();
    if (interrupted)
        return;
    if (!decoded && streamOpen) {
        Verdict v;
        v.action = Verdict::Retry;
        v.error = SseClient::ConnectionError;
        v.reason = QStringLiteral("The stream broke: %1").arg(decoder.errorString());
        qCWarning(lcSseConnection) << v.reason;
        endStream(v, StreamEnd::Ended);
        return;
    }
    if (!ok && streamOpen) {
        // A hostile or broken server: drop the stream; it counts as a failed attempt, so the
        // backoff grows and maxRetries applies instead of a tight loop of opened streams.
        Verdict v;
        v.action = Verdict::Retry;
        v.error = SseClient::EventTooLargeError;
        v.reason = parser.errorString();
        qCWarning(lcSseParser) << v.reason;
        endStream(v, StreamEnd::FailedAttempt);
    }
}

void SseClientPrivate::dropOverflowingStream(qint64 unread, qint64 limit)
{
    Verdict v;
    v.action = Verdict::Retry;
    v.error = SseClient::BufferOverflowError;
    v.reason = QStringLiteral("%1 bytes arrived unread while a slot kept the event loop busy "
                              "(limit %2): the stream is dropped and resumes from the last "
                              "event ID")
                       .arg(unread)
                       .arg(limit);
    qCWarning(lcSseConnection) << v.reason;
    endStream(v, StreamEnd::Dropped); // not a failed attempt of the server's
}

void SseClientPrivate::resumeReading()
{
    if (!reply || alivePtr)
        return;
    QNetworkReply *const current = reply;
    const SseInterrupted interrupted(this);
    if (reply->bytesAvailable() > 0)
        onReadyRead();
    if (!interrupted && reply == current && (reply->isFinished() || replyErrored))
        onFinished(); // its finished() (or error) came while we could not handle it
}

void SseClientPrivate::handleEvent(const SseEvent &event)
{
    Q_Q(SseClient);
    bool *const alive = alivePtr; // lives on onReadyRead()'s stack, outlives us if we die
    if (resumeCheck.isActive()) {
        const QtSsePrivate::ResumeCheck::Result r = resumeCheck.check(event, parser.eventHasId());
        if (r.duplicate) {
            ++duplicateCount; // (countersChanged() follows the read, as for eventCount)
            Q_EMIT q->duplicateDropped(event);
            return;
        }
        if (r.gap) {
            ++gapCount;
            qCInfo(lcSseConnection) << "gap: expected" << r.expected << "received" << r.received;
            Q_EMIT q->gapDetected(r.expected, r.received);
            if (!*alive || !streamOpen)
                return; // deleted, or the stream dropped from the slot
        }
    }
    ++eventCount;
    metrics.eventDelivered();
    // Per event only for those who listen (checked per read in onReadyRead()): comparing and
    // emitting for every event cost ~14% of a small-event stream. onReadyRead() catches up.
    if (notifyIdPerEvent)
        notifyLastEventId();
    if (!*alive || !streamOpen)
        return; // deleted, or the stream dropped (close(), reconnectNow()) from the slot
    Q_EMIT q->eventReceived(event);
    if (!*alive || channels.isEmpty() || !streamOpen)
        return;
    const QString &type = event.type();
    if (type.constData() != cachedChannelType.constData() || type.size() != cachedChannelType.size()
        || cachedChannelType.isNull()) {
        cachedChannelType = type;
        cachedChannel = channels.value(type);
    }
    SseEventChannel *const channel = cachedChannel;
    if (!channel)
        return;
    if (!channel->hasListeners()) {
        channels.remove(type); // its last listener went (a destroyed context, a disconnect())
        channel->deleteLater();
        channelsChanged();
        return;
    }
    Q_EMIT channel->eventReceived(event);
}

void SseClientPrivate::notifyLastEventId()
{
    const QString id = parser.lastEventId();
    if (id.isSharedWith(notifiedLastEventId) || id == notifiedLastEventId)
        return;
    notifiedLastEventId = id;
    if (storeLastEventId && !saveTimer.isActive())
        arm(saveTimer, QtSsePrivate::SaveIntervalMs); // batched: never a write per event
    Q_EMIT q_func()->lastEventIdChanged(id);
}

void SseClientPrivate::saveLastEventId()
{
    saveTimer.stop();
    const QString id = parser.lastEventId();
    if (!storeLastEventId || id == savedLastEventId)
        return;
    savedLastEventId = id;
    storeLastEventId(id);
}

void SseClientPrivate::dropUnusedChannels()
{
    for (auto it = channels.begin(); it != channels.end();) {
        if (it.value()->hasListeners()) {
            ++it;
        } else {
            it.value()->deleteLater();
            it = channels.erase(it);
            channelsChanged();
        }
    }
}
