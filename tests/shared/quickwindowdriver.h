// SPDX-License-Identifier: BSD-3-Clause
#ifndef QUICKWINDOWDRIVER_H
#define QUICKWINDOWDRIVER_H

#include <QtCore/qpoint.h>
#include <QtCore/qstring.h>

class QObject;
class QQuickItem;
class QQuickWindow;

// The object of a QML window called name: in its QObject tree or in its visual tree (popups live
// in the window's overlay, whatever their QObject parent). nullptr when there is none.
QObject *findObject(QQuickWindow *window, const QString &name);

// A QML window driven as a user drives it, for the GUI tests that send real X input (XInput, on
// the display of runUnderXvfb()): its objects looked up by objectName, clicks at their centres
// computed with mapToGlobal(), text typed into fields, screenshots. A test class derives from it
// after QObject and sets m_window once its window is shown.
class QuickWindowDriver
{
public:
    // Screenshots go to screenshotPrefix + name + ".png".
    explicit QuickWindowDriver(const QString &screenshotPrefix)
        : m_screenshotPrefix(screenshotPrefix)
    {
    }

    // The object called name; a test failure (and a placeholder object) when there is none.
    QObject *find(const QString &name) const;
    QQuickItem *item(const QString &name) const;
    QString text(const QString &name) const; // its text property
    static QPoint centre(const QQuickItem *item); // in global (X screen) coordinates
    bool clickItem(const QString &name); // false when it is missing or hidden
    // Clicks the field's left part (40 px in: a combo box's right end opens its list), selects
    // all its text, types text over it, then Return.
    bool retype(const QString &name, const QString &text);
    // The delegate of the list view called listName at this fraction of its height, whole in
    // view (a pooled delegate, hidden, is passed over); nullptr when there is none.
    QQuickItem *visibleRow(const QString &listName, qreal fraction) const;
    void screenshot(const QString &name);
    // Waits until m_window is exposed, clicks the item called name (with no window manager, the
    // window takes the keyboard when it is clicked, as a user would), and waits until the
    // window is active; false when one of these fails within timeoutMs each.
    bool activateByClick(const QString &name, int timeoutMs);

protected:
    QQuickWindow *m_window = nullptr;

private:
    QString m_screenshotPrefix;
};

#endif // QUICKWINDOWDRIVER_H
