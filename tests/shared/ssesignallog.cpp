// SPDX-License-Identifier: BSD-3-Clause
#include "ssesignallog.h"

#include <QtCore/qmetaobject.h>

using namespace Qt::StringLiterals;

SignalLog::SignalLog(SseClient *client) : m_client(client)
{
    const QMetaObject &mo = SseClient::staticMetaObject;
    const QMetaMethod slot = staticMetaObject.method(staticMetaObject.indexOfSlot("record()"));
    for (int i = mo.methodOffset(); i < mo.methodCount(); ++i) {
        if (mo.method(i).methodType() == QMetaMethod::Signal)
            connect(client, mo.method(i), this, slot);
    }
}

QStringList SignalLog::only(const QStringList &names, const QStringList &wanted)
{
    QStringList out;
    for (const QString &name : names) {
        if (wanted.contains(name.section(u':', 0, 0)))
            out.append(name);
    }
    return out;
}

void SignalLog::record()
{
    QString name = QString::fromLatin1(sender()->metaObject()->method(senderSignalIndex()).name());
    if (name == "stateChanged"_L1)
        name += u':'
                + QString::fromLatin1(
                        QMetaEnum::fromType<SseClient::State>().valueToKey(m_client->state()));
    names.append(name);
}
