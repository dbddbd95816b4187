// SPDX-License-Identifier: BSD-3-Clause
#ifndef EVENTFILTERMODEL_H
#define EVENTFILTERMODEL_H

#include <QtCore/qset.h>
#include <QtCore/qsortfilterproxymodel.h>
#include <QtCore/qstringlist.h>
#include <QtQml/qqmlregistration.h>

// The monitor's view of an SseEventModel: filters by event type and free text (in the data,
// type or id) without touching the captured rows, and adds the one-line roles the table shows.
// Filtering is dynamic: QSortFilterProxyModel maps the source's batched rowsInserted and
// rowsRemoved incrementally, so only new rows are tested; a new filter re-tests the (bounded)
// capture once.
class EventFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QObject *source READ source WRITE setSource NOTIFY sourceChanged)
    Q_PROPERTY(QString type READ type WRITE setType NOTIFY typeChanged)
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY searchTextChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(QStringList types READ types NOTIFY typesChanged)
    // "All types" then the types: the entries of a type filter combo box.
    Q_PROPERTY(QStringList typeChoices READ typeChoices NOTIFY typesChanged)

public:
    enum Role {
        PreviewRole = Qt::UserRole + 100, // the data on one line, at most PreviewLength chars
        TimeTextRole, // the receive time as hh:mm:ss.zzz
    };
    Q_ENUM(Role)
    static constexpr int PreviewLength = 240;

    explicit EventFilterModel(QObject *parent = nullptr);

    QObject *source() const { return sourceModel(); }
    void setSource(QObject *source); // an SseEventModel (any model with type/data/id roles)
    QString type() const { return m_type; }
    void setType(const QString &type); // empty: every type
    QString searchText() const { return m_searchText; }
    void setSearchText(const QString &text);
    int count() const { return rowCount(); }
    QStringList types() const; // the types seen so far, sorted
    QStringList typeChoices() const { return QStringList(tr("All types")) + types(); }

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The roles of a row by name ({} if none): a snapshot for the detail pane.
    Q_INVOKABLE QVariantMap get(int row) const;
    Q_INVOKABLE int sourceRow(int row) const;
    Q_INVOKABLE int lastRowOfType(const QString &type) const; // -1 if none
    // The row that shows event (a get() snapshot: the same receive time, type, id and data),
    // trying hint first; -1 when the filter hides it or it is no longer captured. The table's
    // highlight follows the selected event with it when rows come, go or are filtered.
    Q_INVOKABLE int rowOf(const QVariantMap &event, int hint = -1) const;

Q_SIGNALS:
    void sourceChanged();
    void typeChanged();
    void searchTextChanged();
    void countChanged();
    void typesChanged();
    void rowsAppended(); // rows were inserted (at the end, for an SseEventModel)

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void updateRoles();
    void collectTypes(int first, int last);
    void checkCount();

    QString m_type;
    QString m_searchText;
    QSet<QString> m_types;
    int m_typeRole = -1;
    int m_dataRole = -1;
    int m_idRole = -1;
    int m_timeRole = -1;
    int m_lastCount = 0;
};

#endif // EVENTFILTERMODEL_H
