// SPDX-License-Identifier: BSD-3-Clause
#ifndef DEMO_DEMOSTREAM_H
#define DEMO_DEMOSTREAM_H

#include <QtCore/qbytearray.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qobject.h>
#include <QtCore/qtimer.h>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

struct StreamOptions
{
    qint64 lastEventId = 0; // resume after this id (0: from the start)
    int retryMs = 2000; // sent as "retry:"
    int dropAfterSec = 0; // close the connection after this long; 0: never
    qint64 limit = 0; // close cleanly after this many events; 0: no limit
    int rate = 0; // events per second in flood mode; 0: the paced timeline (about 17/s)
};

// One client's main stream (see DemoSequence for what it carries). Owned by its socket, so it
// and its timers go away when the client does.
class DemoStream : public QObject
{
    Q_OBJECT
public:
    DemoStream(QTcpSocket *socket, const StreamOptions &options);

    void start(); // writes the response head and the first events

private:
    void pacedStep();
    void floodBatch();
    void finish(const QByteArray &comment);
    bool backedUp() const; // the client does not keep up: hold back until it does
    void write(const QByteArray &bytes);

    QTcpSocket *m_socket;
    StreamOptions m_options;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_nextId = 1;
    qint64 m_step = 0; // paced mode: the step the next timer tick sends
    qint64 m_sent = 0; // events sent on this connection
    qint64 m_floodAccounted = 0; // flood mode: events sent or forgiven (fallen behind)
    qint64 m_lastHeartbeatMs = 0;
    bool m_finished = false;
};

#endif // DEMO_DEMOSTREAM_H
