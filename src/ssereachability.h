// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSEREACHABILITY_H
#define SSEREACHABILITY_H

#include <QtSse/qtsse_export.h>

#include <QtCore/qobject.h>

#include <memory>

class SseReachabilityPrivate;

// What an SseClient needs to know before it spends an attempt: whether the network is up, and
// whether the application is suspended. SseReachability::system() follows the system
// (QNetworkInformation, QGuiApplication's application state); an application, or a test, may
// give a client a source of its own (SseClient::setReachability()) and drive it with the
// setters. Read from any thread; set and connect to in the object's thread.
class QTSSE_EXPORT SseReachability : public QObject
{
    Q_OBJECT
    Q_PROPERTY(Network network READ network WRITE setNetwork NOTIFY networkChanged)
    Q_PROPERTY(bool applicationSuspended READ isApplicationSuspended WRITE setApplicationSuspended
                       NOTIFY applicationSuspendedChanged)

public:
    enum Network {
        NetworkUnknown = 0, // nothing tells (no backend): clients back off as usual
        NetworkOffline, // down: clients hold their attempts until it returns
        NetworkOnline, // up (a local network counts)
    };
    Q_ENUM(Network)

    explicit SseReachability(QObject *parent = nullptr);
    ~SseReachability() override;

    Network network() const;
    void setNetwork(Network network);
    bool isApplicationSuspended() const;
    void setApplicationSuspended(bool suspended);

    // The process's: one object in the application's main thread, created at the first call
    // (nullptr without a QCoreApplication).
    static SseReachability *system();
    // True for the object system() returns.
    bool isSystem() const;

Q_SIGNALS:
    void networkChanged(SseReachability::Network network);
    void applicationSuspendedChanged(bool suspended);

private:
    Q_DISABLE_COPY(SseReachability)
    std::unique_ptr<SseReachabilityPrivate> d;
};

#endif // SSEREACHABILITY_H
