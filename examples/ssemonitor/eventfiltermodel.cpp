// SPDX-License-Identifier: BSD-3-Clause
#include "eventfiltermodel.h"

#include <QtCore/qdatetime.h>

#include <algorithm>

using namespace Qt::StringLiterals;

EventFilterModel::EventFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(this, signal, this, &EventFilterModel::checkCount);
    }
    connect(this, &QAbstractItemModel::rowsInserted, this, &EventFilterModel::rowsAppended);
    connect(this, &QAbstractItemModel::modelReset, this, &EventFilterModel::rowsAppended);
    connect(this, &QAbstractItemModel::modelReset, this, &EventFilterModel::checkCount);
    connect(this, &QAbstractItemModel::layoutChanged, this, &EventFilterModel::checkCount);
}

void EventFilterModel::setSource(QObject *source)
{
    auto *model = qobject_cast<QAbstractItemModel *>(source);
    if (model == sourceModel())
        return;
    if (sourceModel())
        disconnect(sourceModel(), nullptr, this, nullptr);
    setSourceModel(model);
    updateRoles();
    if (model) {
        connect(model, &QAbstractItemModel::rowsInserted, this,
                [this](const QModelIndex &, int first, int last) { collectTypes(first, last); });
        connect(model, &QAbstractItemModel::modelReset, this,
                [this] { collectTypes(0, sourceModel()->rowCount() - 1); });
        collectTypes(0, model->rowCount() - 1);
    }
    checkCount();
    Q_EMIT sourceChanged();
}

void EventFilterModel::setType(const QString &type)
{
    if (type == m_type)
        return;
    m_type = type;
    invalidateRowsFilter();
    Q_EMIT typeChanged();
}

void EventFilterModel::setSearchText(const QString &text)
{
    if (text == m_searchText)
        return;
    m_searchText = text;
    invalidateRowsFilter();
    Q_EMIT searchTextChanged();
}

QStringList EventFilterModel::types() const
{
    QStringList list(m_types.cbegin(), m_types.cend());
    std::sort(list.begin(), list.end());
    return list;
}

void EventFilterModel::updateRoles()
{
    m_typeRole = m_dataRole = m_idRole = m_timeRole = -1;
    if (!sourceModel())
        return;
    const QHash<int, QByteArray> names = sourceModel()->roleNames();
    for (auto it = names.cbegin(); it != names.cend(); ++it) {
        if (it.value() == "type")
            m_typeRole = it.key();
        else if (it.value() == "data")
            m_dataRole = it.key();
        else if (it.value() == "id")
            m_idRole = it.key();
        else if (it.value() == "receiveTime")
            m_timeRole = it.key();
    }
}

void EventFilterModel::collectTypes(int first, int last)
{
    if (!sourceModel() || m_typeRole < 0)
        return;
    bool added = false;
    for (int row = first; row <= last; ++row) {
        const QString type = sourceModel()->index(row, 0).data(m_typeRole).toString();
        if (!m_types.contains(type)) {
            m_types.insert(type);
            added = true;
        }
    }
    if (added)
        Q_EMIT typesChanged();
}

void EventFilterModel::checkCount()
{
    const int now = rowCount();
    if (now != m_lastCount) {
        m_lastCount = now;
        Q_EMIT countChanged();
    }
}

bool EventFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_type.isEmpty() && m_searchText.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_type.isEmpty() && index.data(m_typeRole).toString() != m_type)
        return false;
    if (m_searchText.isEmpty())
        return true;
    for (int role : {m_dataRole, m_typeRole, m_idRole}) {
        if (index.data(role).toString().contains(m_searchText, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

QVariant EventFilterModel::data(const QModelIndex &index, int role) const
{
    if (role == PreviewRole) {
        QString text = QSortFilterProxyModel::data(index, m_dataRole).toString();
        const bool cut = text.size() > PreviewLength;
        text.truncate(PreviewLength);
        text.replace(u"\r\n"_s, u" \u23ce "_s);
        text.replace(u'\n', u" \u23ce "_s);
        text.replace(u'\r', u" \u23ce "_s);
        text.replace(u'\t', u' ');
        return cut ? text + u'\u2026' : text;
    }
    if (role == TimeTextRole) {
        const QDateTime time = QSortFilterProxyModel::data(index, m_timeRole).toDateTime();
        return time.toString(u"hh:mm:ss.zzz"_s);
    }
    return QSortFilterProxyModel::data(index, role);
}

QHash<int, QByteArray> EventFilterModel::roleNames() const
{
    QHash<int, QByteArray> names = QSortFilterProxyModel::roleNames();
    names.insert(PreviewRole, "preview");
    names.insert(TimeTextRole, "timeText");
    return names;
}

QVariantMap EventFilterModel::get(int row) const
{
    QVariantMap map;
    if (row < 0 || row >= rowCount())
        return map;
    const QModelIndex idx = index(row, 0);
    const QHash<int, QByteArray> names = roleNames();
    for (auto it = names.cbegin(); it != names.cend(); ++it) {
        if (it.key() >= Qt::UserRole)
            map.insert(QString::fromUtf8(it.value()), data(idx, it.key()));
    }
    return map;
}

int EventFilterModel::sourceRow(int row) const
{
    return mapToSource(index(row, 0)).row();
}

int EventFilterModel::rowOf(const QVariantMap &event, int hint) const
{
    if (event.isEmpty())
        return -1;
    const QDateTime time = event.value(QStringLiteral("receiveTime")).toDateTime();
    const QString id = event.value(QStringLiteral("id")).toString();
    const QString type = event.value(QStringLiteral("type")).toString();
    const QString data = event.value(QStringLiteral("data")).toString();
    const auto matches = [&](int row) {
        const QModelIndex idx = index(row, 0);
        return idx.data(m_timeRole).toDateTime() == time && idx.data(m_idRole).toString() == id
                && idx.data(m_typeRole).toString() == type
                && idx.data(m_dataRole).toString() == data;
    };
    if (hint >= 0 && hint < rowCount() && matches(hint))
        return hint;
    for (int row = rowCount() - 1; row >= 0; --row) {
        if (matches(row))
            return row;
    }
    return -1;
}

int EventFilterModel::lastRowOfType(const QString &type) const
{
    for (int row = rowCount() - 1; row >= 0; --row) {
        if (index(row, 0).data(m_typeRole).toString() == type)
            return row;
    }
    return -1;
}
