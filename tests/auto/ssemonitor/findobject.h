// SPDX-License-Identifier: BSD-3-Clause
#ifndef FINDOBJECT_H
#define FINDOBJECT_H

#include <QtQuick/qquickitem.h>
#include <QtQuick/qquickwindow.h>

// Items in the visual tree (popups live in the window's overlay), whatever their QObject parent.
inline QObject *findItem(QQuickItem *item, const QString &name)
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

// The object of a QML window called name: in its QObject tree or in its visual tree.
inline QObject *findObject(QQuickWindow *window, const QString &name)
{
    if (QObject *object = window->findChild<QObject *>(name))
        return object;
    return findItem(window->contentItem(), name);
}

#endif // FINDOBJECT_H
