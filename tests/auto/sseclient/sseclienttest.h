// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSECLIENTTEST_H
#define SSECLIENTTEST_H

// What the SseClient tests share. They run SseClient against the in-process SseTestServer: the
// connection policy, one line at a time. Delays are asserted on the values the client schedules
// (reconnectScheduled), never on the wall clock; waits are QSignalSpy::wait / QTRY_* with
// generous timeouts.
#include "ssetestserver.h"

#include <QtSse/SseClient>
#include <QtSse/SseEvent>

#include <QtCore/qmetaobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qstringlist.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <utility>

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;
using Request = SseTestServer::Request;
using Headers = QList<std::pair<QByteArray, QByteArray>>;
using StateList = QList<SseClient::State>;

constexpr int Timeout = 10000; // generous: the suite must pass on a loaded machine
// How long "nothing more happens" is watched; longer than any retry delay the tests schedule.
constexpr int Quiet = 200;

#define TRY_COMPARE(expr, expected) QTRY_COMPARE_WITH_TIMEOUT(expr, expected, Timeout)
#define TRY_VERIFY(expr) QTRY_VERIFY_WITH_TIMEOUT(expr, Timeout)

// Records every SseClient signal by name, in emission order ("stateChanged:Open" carries the
// new state), so that tests can assert sequences and "no signal after close()".
class SignalLog : public QObject
{
    Q_OBJECT
public:
    explicit SignalLog(SseClient *client) : m_client(client)
    {
        const QMetaObject &mo = SseClient::staticMetaObject;
        const QMetaMethod slot = staticMetaObject.method(staticMetaObject.indexOfSlot("record()"));
        for (int i = mo.methodOffset(); i < mo.methodCount(); ++i) {
            if (mo.method(i).methodType() == QMetaMethod::Signal)
                connect(client, mo.method(i), this, slot);
        }
    }
    QStringList names;
    QStringList only(const QStringList &wanted) const { return only(names, wanted); }
    static QStringList only(const QStringList &names, const QStringList &wanted)
    {
        QStringList out;
        for (const QString &name : names) {
            if (wanted.contains(name.section(u':', 0, 0)))
                out.append(name);
        }
        return out;
    }

public Q_SLOTS:
    void record()
    {
        QString name =
                QString::fromLatin1(sender()->metaObject()->method(senderSignalIndex()).name());
        if (name == "stateChanged"_L1)
            name += u':'
                    + QString::fromLatin1(
                            QMetaEnum::fromType<SseClient::State>().valueToKey(m_client->state()));
        names.append(name);
    }

private:
    QPointer<SseClient> m_client;
};

// The arguments of a spy's emissions.
QList<SseEvent> eventsOf(const QSignalSpy &spy);
QStringList dataOf(const QSignalSpy &spy);
QList<int> argsOf(const QSignalSpy &spy, int index);
StateList statesOf(const QSignalSpy &spy);
QList<SseClient::Error> errorsOf(const QSignalSpy &spy);
int headerCount(const Request &request, QByteArrayView name);

// The Last-Event-ID headers the server saw, in order (requests without one left out).
QList<QByteArray> lastEventIds(const SseTestServer &server);

// The common test setup: short, exact delays.
void configure(SseClient &client, const QUrl &url);

// A stream that ends cleanly (chunked, with the final chunk). Not close-delimited: after a
// close-delimited response, Qt 6.4.2's QNetworkAccessManager re-sends a GET by itself about one
// time in four (a "ghost" request on a new connection, nobody reads its reply), which would
// take a queued response meant for the client's own reconnect.
Response endingStream(const QByteArray &body);

#endif // SSECLIENTTEST_H
