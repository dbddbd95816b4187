// SPDX-License-Identifier: BSD-3-Clause
#include "quickwindowdriver.h"

#include "xvfbdisplay.h"

#include <QtGui/qimage.h>
#include <QtQuick/qquickitem.h>
#include <QtQuick/qquickwindow.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;

static QObject *findItem(QQuickItem *item, const QString &name)
{
    if (item->objectName() == name)
        return item;
    if (QObject *child = item->findChild<QObject *>(name))
        return child;
    const QList<QQuickItem *> children = item->childItems();
    for (QQuickItem *child : children) {
        if (QObject *found = findItem(child, name))
            return found;
    }
    return nullptr;
}

QObject *findObject(QQuickWindow *window, const QString &name)
{
    if (QObject *object = window->findChild<QObject *>(name))
        return object;
    return findItem(window->contentItem(), name);
}

QObject *QuickWindowDriver::find(const QString &name) const
{
    QObject *object = m_window ? findObject(m_window, name) : nullptr;
    if (!object) {
        static QObject missing;
        QTest::qFail(qPrintable(u"no object named "_s + name), __FILE__, __LINE__);
        return &missing;
    }
    return object;
}

QQuickItem *QuickWindowDriver::item(const QString &name) const
{
    return qobject_cast<QQuickItem *>(find(name));
}

QString QuickWindowDriver::text(const QString &name) const
{
    return find(name)->property("text").toString();
}

QPoint QuickWindowDriver::centre(const QQuickItem *item)
{
    return item->mapToGlobal(QPointF(item->width() / 2, item->height() / 2)).toPoint();
}

bool QuickWindowDriver::clickItem(const QString &name)
{
    QQuickItem *target = item(name);
    return target && target->isVisible() && XInput::click(centre(target));
}

bool QuickWindowDriver::activateByClick(const QString &name, int timeoutMs)
{
    return QTest::qWaitForWindowExposed(m_window, timeoutMs) && clickItem(name)
            && QTest::qWaitForWindowActive(m_window, timeoutMs);
}

bool QuickWindowDriver::retype(const QString &name, const QString &text)
{
    QQuickItem *field = item(name);
    if (!field)
        return false;
    const QPoint at = field->mapToGlobal(QPointF(40, field->height() / 2)).toPoint();
    return XInput::click(at) && XInput::key(u"ctrl+a"_s) && XInput::type(text)
            && XInput::key(u"Return"_s);
}

QQuickItem *QuickWindowDriver::visibleRow(const QString &listName, qreal fraction) const
{
    auto *list = item(listName);
    const qreal y = list->height() * fraction;
    const auto *content = list->property("contentItem").value<QQuickItem *>();
    const QList<QQuickItem *> rows = content->childItems();
    for (QQuickItem *row : rows) {
        if (!row->isVisible() || !row->property("index").isValid())
            continue; // a pooled delegate, or not a row
        const QPointF top = row->mapToItem(list, QPointF(0, 0));
        if (top.y() <= y && y < top.y() + row->height() && top.y() >= 0
            && top.y() + row->height() <= list->height())
            return row;
    }
    return nullptr;
}

void QuickWindowDriver::screenshot(const QString &name)
{
    const QString path = m_screenshotPrefix + name + u".png"_s;
    const QImage image = m_window->grabWindow();
    if (!image.isNull() && image.save(path))
        qInfo("screenshot: %s", qPrintable(path));
}
