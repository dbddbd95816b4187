// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSESIGNALLOG_H
#define SSESIGNALLOG_H

#include <QtSse/SseClient>

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qstringlist.h>

// Records every SseClient signal by name, in emission order ("stateChanged:Open" carries the
// new state), so that tests can assert sequences and "no signal after close()".
class SignalLog : public QObject
{
    Q_OBJECT
public:
    explicit SignalLog(SseClient *client);

    QStringList names;
    // The names (of this log, or of names) whose signal is one of wanted, in order.
    QStringList only(const QStringList &wanted) const { return only(names, wanted); }
    static QStringList only(const QStringList &names, const QStringList &wanted);

public Q_SLOTS:
    void record();

private:
    QPointer<SseClient> m_client;
};

#endif // SSESIGNALLOG_H
