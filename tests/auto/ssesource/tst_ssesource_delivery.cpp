// SPDX-License-Identifier: BSD-3-Clause
// SseSource's delivery to its SseEventHandlers when a slot deletes what is being delivered to:
// the source, the handler running, or a handler after it. Synchronous C++ deletes (QML's
// destroy() is deferred): the cases the dispatch must survive, checked under ASan in CI.
#include "sseeventhandler.h"
#include "ssesource.h"
#include "ssetestserver.h"

#include <QtCore/qpointer.h>
#include <QtCore/qscopeguard.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

using namespace Qt::StringLiterals;
using Response = SseTestServer::Response;

class tst_SseSourceDelivery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deleteDuringDelivery_data();
    void deleteDuringDelivery();
    void handlerSignalsCutOff();
};

enum class Deletes {
    SourceInItsSlot,
    SourceInAHandler,
    HandlerItself,
    HandlerItselfWithData, // SseEventHandler::dataReceived connected too: emitted after
    NextHandler
};
Q_DECLARE_METATYPE(Deletes)

void tst_SseSourceDelivery::deleteDuringDelivery_data()
{
    QTest::addColumn<Deletes>("deletes");
    QTest::addColumn<QStringList>("expected"); // what the two handlers logged

    // Two events of one type: the second finds the handlers the first left.
    QTest::newRow("the source, in its eventReceived") << Deletes::SourceInItsSlot << QStringList {};
    QTest::newRow("the source, in a handler")
            << Deletes::SourceInAHandler << QStringList {u"a:1"_s};
    QTest::newRow("the handler itself")
            << Deletes::HandlerItself << QStringList {u"a:1"_s, u"b:1"_s, u"b:2"_s};
    QTest::newRow("the handler itself, dataReceived connected")
            << Deletes::HandlerItselfWithData
            << QStringList {u"a:1"_s, u"b:1"_s, u"b-data:1"_s, u"b:2"_s, u"b-data:2"_s};
    QTest::newRow("the next handler") << Deletes::NextHandler << QStringList {u"a:1"_s, u"a:2"_s};
}

void tst_SseSourceDelivery::deleteDuringDelivery()
{
    QFETCH(Deletes, deletes);
    QFETCH(QStringList, expected);

    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse()
                           .send("event: price\ndata: 1\n\nevent: price\ndata: 2\n\n"
                                 "event: done\ndata: \n\n")
                           .holdOpen());

    QPointer<SseSource> source = new SseSource;
    source->setUrl(server.url(u"/d"_s));
    source->setReconnectionTime(50);
    QPointer<SseEventHandler> a = new SseEventHandler;
    QPointer<SseEventHandler> b = new SseEventHandler;
    const auto cleanup = qScopeGuard([&] { // what the row did not delete
        delete source;
        delete a;
        delete b;
    });
    a->setType(u"price"_s);
    b->setType(u"price"_s);
    QQmlListProperty<SseEventHandler> handlers = source->handlers();
    handlers.append(&handlers, a);
    handlers.append(&handlers, b);

    QStringList log;
    bool done = false;
    QObject::connect(source, &SseSource::eventReceived, source, [&](const SseEvent &event) {
        if (event.type() == "done"_L1)
            done = true;
        else if (deletes == Deletes::SourceInItsSlot)
            delete source;
    });
    QObject::connect(a, &SseEventHandler::eventReceived, a, [&](const SseEvent &event) {
        log << "a:"_L1 + event.data();
        if (deletes == Deletes::SourceInAHandler)
            delete source;
        else if ((deletes == Deletes::HandlerItself || deletes == Deletes::HandlerItselfWithData)
                 && event.data() == "1"_L1)
            delete a;
        else if (deletes == Deletes::NextHandler && event.data() == "1"_L1)
            delete b;
    });
    QObject::connect(b, &SseEventHandler::eventReceived, b,
                     [&](const SseEvent &event) { log << "b:"_L1 + event.data(); });
    if (deletes == Deletes::HandlerItselfWithData) {
        for (SseEventHandler *handler : {a.data(), b.data()}) {
            const QString name = handler == a ? u"a"_s : u"b"_s;
            QObject::connect(
                    handler, &SseEventHandler::dataReceived, handler,
                    [&log, name](const QString &data) { log << name + "-data:"_L1 + data; });
        }
    }

    source->setActive(true);
    source->componentComplete();
    if (deletes == Deletes::SourceInItsSlot || deletes == Deletes::SourceInAHandler) {
        QTRY_VERIFY_WITH_TIMEOUT(!source, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, 15000); // the stream closed
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
        QCOMPARE(handlers.count(&handlers), 1); // the deleted one left the list
    }
    QCOMPARE(log, expected);
}

// The source learns of a handler's new type and of its destruction from the handler itself,
// not through the handler's signals: disconnecting or blocking them changes nothing.
void tst_SseSourceDelivery::handlerSignalsCutOff()
{
    SseTestServer server;
    QVERIFY(server.listen());
    server.enqueue(Response::sse()
                           .send("event: price\ndata: 1\n\nevent: news\ndata: 2\n\n"
                                 "event: price\ndata: 3\n\nevent: done\ndata: \n\n")
                           .holdOpen());
    SseSource source;
    source.setUrl(server.url(u"/cut"_s));
    QPointer<SseEventHandler> a = new SseEventHandler;
    auto *b = new SseEventHandler(&source);
    const auto cleanup = qScopeGuard([&] { delete a; });
    a->setType(u"price"_s);
    b->setType(u"price"_s);
    QQmlListProperty<SseEventHandler> handlers = source.handlers();
    handlers.append(&handlers, a);
    handlers.append(&handlers, b);
    a->disconnect(); // every connection of its signals, whoever made them
    b->blockSignals(true);
    b->setType(u"news"_s); // no typeChanged()
    b->blockSignals(false);

    QStringList log;
    bool done = false;
    QObject::connect(a, &SseEventHandler::eventReceived, a,
                     [&](const SseEvent &event) { log << "a:"_L1 + event.data(); });
    QObject::connect(b, &SseEventHandler::eventReceived, b, [&](const SseEvent &event) {
        log << "b:"_L1 + event.data();
        delete a; // its destroyed() reaches nobody: the source must not call it for "price 3"
    });
    QObject::connect(&source, &SseSource::eventReceived, &source,
                     [&](const SseEvent &event) { done = done || event.type() == "done"_L1; });
    source.setActive(true);
    source.componentComplete();
    QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
    QCOMPARE(log, (QStringList {u"a:1"_s, u"b:2"_s}));
    QCOMPARE(handlers.count(&handlers), 1);
}

QTEST_GUILESS_MAIN(tst_SseSourceDelivery)
#include "tst_ssesource_delivery.moc"
