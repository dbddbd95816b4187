// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSECLIENT_P_H
#define SSECLIENT_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.

#include "sseauthenticator.h"
#include "sseclient.h"
#include "sseconnectionpool_p.h"
#include "ssecontentdecoder_p.h"
#include "sseparser.h"
#include "ssepolicy_p.h"
#include "sseresumecheck_p.h"
#include "ssereachability.h"
#include "ssemetrics_p.h"

#include <QtCore/qhash.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qloggingcategory.h>
#include <QtCore/qpointer.h>
#include <QtCore/qbasictimer.h>
#include <QtCore/qelapsedtimer.h>
#include <QtNetwork/qnetworkreply.h>
#include <QtNetwork/qsslcertificate.h>

Q_DECLARE_LOGGING_CATEGORY(lcSseConnection)
Q_DECLARE_LOGGING_CATEGORY(lcSsePolicy)
Q_DECLARE_LOGGING_CATEGORY(lcSseParser)

namespace QtSsePrivate {
// The reply's read buffer: HTTP/1.1 stops reading the socket beyond it (see sendNow()).
constexpr qint64 ReadBufferBytes = 1024 * 1024;
// How long a request may stay unwritten by Qt while other streams of its HTTP/2 connection were
// written before the client takes it for queued inside Qt, beyond the server's concurrent-stream
// limit (Qt writes a request on a working connection within milliseconds).
constexpr int UnsentCheckMs = 1000;
// How often, at most, a persistent last event ID is saved while events arrive.
constexpr int SaveIntervalMs = 1000;
}

// Carries the events of one type to its listeners (one QObject per listened-to type), so a
// listener gets Qt's connection semantics: context lifetime, thread affinity, disconnect().
// A child of the client (it moves with it); dropped once its last listener is gone.
class SseEventChannel : public QObject
{
    Q_OBJECT
public:
    explicit SseEventChannel(QObject *client) : QObject(client) { }
    bool hasListeners() const
    {
        // Once: fromSignal() looks the method up in the meta-object (checked per event).
        static const QMetaMethod signal = QMetaMethod::fromSignal(&SseEventChannel::eventReceived);
        return isSignalConnected(signal);
    }
Q_SIGNALS:
    void eventReceived(const SseEvent &event);
};

class SseClientPrivate;

// Receives the client's timer events, so that the public class needs no timerEvent() override.
// A child of the client: it moves to the client's thread with it, and its timers with it. (A
// QObject costs ~0.2 KiB; three QTimers and their connections cost 1.6 KiB per client.)
class SseClientTimers final : public QObject
{
public:
    SseClientTimers(QObject *client, SseClientPrivate *d) : QObject(client), m_d(d) { }

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    SseClientPrivate *const m_d;
};

class SseClientPrivate
{
    Q_DECLARE_PUBLIC(SseClient)
public:
    explicit SseClientPrivate(SseClient *q);
    ~SseClientPrivate();

    // One attempt's life (sseattempt.cpp): request -> response -> stream -> end -> next attempt.
    // A new attempt, at the configured request; held back (holdAttempt()) unless !mayHold.
    void startRequest(bool mayHold = true);
    void sendRequest(); // one hop of it (redirects send again), once the pool gives a slot
    void sendNow();
    QString proxyDescription(); // " (through the proxy host:port, ...)", or empty
    void onMetaDataChanged();
    void onFinished();
    // How an open stream ended, for what follows (endStream()):
    // - Ended: the server ended it, the network broke it, or it went idle. As an EventSource
    //   does, reconnect after the reconnection time; with maxRetries 0 the client is Closed.
    // - FailedAttempt: the server's fault (an event too large): as if it had never opened (the
    //   backoff grows, maxRetries applies).
    // - Dropped: our doing (the application let too much arrive unread): the verdict applies.
    enum class StreamEnd { Ended, FailedAttempt, Dropped };
    // Ends the open stream, always in this order: disconnected(); then, if v carries an error,
    // errorOccurred(); then what follows (reconnectScheduled(), or closed()).
    void endStream(const QtSsePrivate::Verdict &v, StreamEnd how);
    void onTimer(int timerId);
    void onConnectTimeout();
    void onIdleTimeout();
    void dropReply();
    void onReplyDestroyed();
    // An attempt that opened no stream: its error, then what the retry state says follows.
    void applyVerdict(const QtSsePrivate::Verdict &verdict);
    // A 401 with authenticationRequired() connected: asks, once per 401 in a row. True if the
    // question took over (the retry started, or the answer is awaited).
    bool askForCredentials(const QtSsePrivate::Verdict &verdict);
    void onCredentialsAnswered(); // a deferred answer, or none in time (authTimer)
    void retryWithCredentials();
    void dropQuestion(); // a 401's open question lapses (close(), a new attempt)
    void proceed(const QtSsePrivate::RetryState::Next &next);
    void finishFor(SseClient::State state);

    // The stream's bytes, to events, to the application's slots (ssestream.cpp).
    void onReadyRead();
    void resumeReading(); // what arrived while a slot ran a nested event loop
    void dropOverflowingStream(qint64 unread, qint64 limit);
    void handleEvent(const SseEvent &event);
    void notifyLastEventId();
    void saveLastEventId(); // to the application's storage, if it changed since the last save
    // Forgets the channels whose listeners are all gone (disconnected, or their context
    // destroyed); deleted later, as one of them may be emitting.
    void dropUnusedChannels();

    // Network awareness (ssenetworkwait.cpp): attempts held while the network is down or the
    // application suspended.
    enum class Hold { None, Network, Suspended };
    Hold holdReason() const;
    bool holdAttempt(); // at an attempt's start: true if held (or a slot took over)
    void watchReachability(); // follows the source in force (at open() and when it changes)
    void onReachabilityChanged();
    void setHold(Hold hold);

    // Its slot in the thread's connection pool (sseconnectionslot.cpp).
    QNetworkAccessManager *manager();
    QtSsePrivate::PoolKey poolKey() const;
    void onConnectionGranted(); // the pool gave the slot a waiting request asked for
    void onUnsentCheck();
    // To another connection: true if it took the request. refused: by the server.
    bool moveBeyondStreamLimit(bool refused);

    // The properties' NOTIFY contract (sseclientproperties.cpp).
    void setState(SseClient::State state);
    void setWaitingForConnection(bool waiting);
    // Emits errorChanged() (if something changed) and errorOccurred(); body: the new errorBody.
    void setError(SseClient::Error error, const QString &reason, const QByteArray *body = nullptr);
    // Sets the error properties, emitting errorChanged() if one changed; false if a slot of it
    // took over (SseInterrupted).
    bool setErrorState(SseClient::Error error, const QString &reason, int status,
                       const QByteArray &body);
    void setServerReconnectionTime(qint64 ms); // -1: none
    // After the retry state changed its attempt: reconnectAttemptChanged() if it differs.
    void notifyAttempt(int before);
    void setNextRetryTime(const QDateTime &time);

    SseClient *q_ptr;

    // configuration
    QUrl url;
    QByteArray method = "GET";
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    int idleTimeout = 0;
    int connectTimeout = 30000;
    QList<QSslCertificate> caCertificates;
    bool ignoreSslErrors = false;
    QPointer<QNetworkAccessManager> userManager;
    bool hasUserManager = false; // set, even if destroyed since
    SseClient::HttpProtocol httpProtocol = SseClient::AutoProtocol;
    // The reconnect policy's settings and counters (ssepolicy_p.h): the client only asks it.
    QtSsePrivate::RetryState retry;
    QString resumeQueryParameter; // empty: Last-Event-ID
    std::function<QString()> loadLastEventId; // persistent resume (setLastEventIdStorage())
    std::function<void(const QString &)> storeLastEventId;
    QString savedLastEventId; // what the storage holds, as far as we know
    bool storageLoaded = false; // open() took the stored ID (once per setLastEventIdStorage())
    QtSsePrivate::ResumeCheck resumeCheck; // duplicates and gaps (opt-in)
    QtSsePrivate::StreamMetrics metrics;
    bool networkAware = true;
    bool pauseWhenSuspended = false;
    QPointer<SseReachability> userReachability; // setReachability()
    bool hasUserReachability = false; // set, even if destroyed since
    QPointer<SseReachability> watchedReachability; // the source followed
    QList<QMetaObject::Connection> reachabilityConnections;
    Hold hold = Hold::None;

    // the current attempt
    QtSsePrivate::RedirectState request; // where it goes, how, with what (after redirects)
    int attemptIndex = 0; // the next attempt's number since open() (SseRequest::attempt())
    QList<std::pair<QByteArray, QByteArray>> attemptHeaders; // as aboutToStartAttempt() left them
    QString attemptLastEventId; // sent with every hop of the attempt (unless empty)
    // A child, made at the first 401 asked about; guarded, as the application may delete it.
    QPointer<SseAuthenticator> authenticator;
    QtSsePrivate::Verdict authVerdict; // the 401 that waits for its answer
    bool authRetried = false; // the retry after a 401 went out; reset by another outcome
    bool awaitingCredentials = false; // a deferred answer to a 401 is awaited (authTimer)
    // Its slot in the connection pool: taken when a request is sent, given back when the client
    // stops (Reconnecting, Closed, Failed) or is destroyed. Redirects keep it if they can.
    QtSsePrivate::PoolLease lease {q_ptr, [this] { onConnectionGranted(); }};
    bool waitingForConnection = false;
    // Guarded: the reply goes with its manager, which may go first (the application's, or the
    // pool of a thread that ended); onReplyDestroyed() then ends the attempt.
    QPointer<QNetworkReply> reply;
    SseParser parser;
    QtSsePrivate::ContentDecoder decoder; // the response's Content-Encoding
    bool headersSeen = false;
    bool streamOpen = false;
    QtSsePrivate::Verdict pendingVerdict; // a non-200 answer, applied once its body is read
    QByteArray responseBody; // the start of that answer's body, errorBody() once applied
    // QBasicTimers, their events handled by onTimer() (single-shot, like QTimers).
    SseClientTimers *timerTarget = nullptr;
    QBasicTimer retryTimer;
    QBasicTimer connectTimer;
    QBasicTimer idleTimer;
    QBasicTimer unsentTimer; // UnsentCheckMs
    QBasicTimer authTimer; // a deferred answer to a 401 waits at most connectTimeout
    QBasicTimer saveTimer; // SaveIntervalMs: the next save of the last event ID
    void arm(QBasicTimer &timer, int ms) { timer.start(ms, Qt::PreciseTimer, timerTarget); }
    bool notifyIdPerEvent = false; // lastEventIdChanged is connected (checked per read)

    // state
    SseClient::State state = SseClient::Closed;
    SseClient::Error error = SseClient::NoError;
    QString errorString;
    int httpStatus = 0;
    QByteArray errorBody;
    QList<std::pair<QByteArray, QByteArray>> responseHeaders; // the latest response's
    bool *alivePtr = nullptr; // set while feeding the parser; cleared by our destructor
    bool replyErrored = false; // the reply reported an error (its finished() may not follow)
    bool readDeferred = false; // readyRead/finished came in a slot's nested loop during a feed
    // Bumped by close() and by every new attempt. Code that emits a signal in the middle of a
    // transition compares it afterwards: a slot that called close(), open() or reconnectNow()
    // took over, and the transition must not go on (SseInterrupted).
    quint64 epoch = 0;
    QString notifiedLastEventId;
    QDateTime nextRetryTime;
    QDateTime openedTime;
    QElapsedTimer openedClock; // how long the open stream has lived (ShortStreamMs)
    qint64 eventCount = 0;
    qint64 byteCount = 0;
    qint64 duplicateCount = 0;
    qint64 gapCount = 0;
    QHash<QString, SseEventChannel *> channels;
    // The channel of the last event's type (nullptr: none listens), valid while
    // cachedChannelType holds that type's very buffer: the parser hands consecutive events of
    // one type the same string, so the common case costs a pointer compare, not a hash and a
    // lookup per event.
    QString cachedChannelType;
    SseEventChannel *cachedChannel = nullptr;
    void channelsChanged()
    {
        cachedChannelType = QString();
        cachedChannel = nullptr;
    }
};

// Taken before a transition emits a signal; true afterwards if a slot deleted the client or
// took over with close(), open() or reconnectNow(): the transition must then stop.
class SseInterrupted
{
public:
    explicit SseInterrupted(SseClientPrivate *d) : m_guard(d->q_ptr), m_d(d), m_epoch(d->epoch) { }
    explicit operator bool() const { return !m_guard || m_d->epoch != m_epoch; }

private:
    QPointer<SseClient> m_guard;
    SseClientPrivate *m_d;
    quint64 m_epoch;
};

#endif // SSECLIENT_P_H
