// SPDX-License-Identifier: BSD-3-Clause
// What the SseEventModel tests share.
#ifndef MODELTEST_H
#define MODELTEST_H

#include <QtCore/qabstractitemmodel.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qobject.h>

// Every structural notification the model sends (while this object lives).
struct Notifications : QObject
{
    explicit Notifications(QAbstractItemModel *model)
    {
        connect(model, &QAbstractItemModel::rowsInserted, this, [this] { ++inserts; });
        connect(model, &QAbstractItemModel::rowsRemoved, this, [this] { ++removes; });
        connect(model, &QAbstractItemModel::modelReset, this, [this] { ++resets; });
        connect(model, &QAbstractItemModel::layoutChanged, this, [this] { ++others; });
        connect(model, &QAbstractItemModel::rowsMoved, this, [this] { ++others; });
        connect(model, &QAbstractItemModel::dataChanged, this, [this] { ++others; });
    }
    int total() const { return inserts + removes + resets + others; }
    int inserts = 0, removes = 0, resets = 0, others = 0;
};

// The end of an event loop turn: the model's queued flush runs now.
inline void endTurn(QObject *model)
{
    QCoreApplication::sendPostedEvents(model, QEvent::MetaCall);
}

#endif // MODELTEST_H
