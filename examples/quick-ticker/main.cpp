// SPDX-License-Identifier: BSD-3-Clause
// quick-ticker: a live list of a stream's events and a value bound to the latest one.
//     quick-ticker [URL]    (default: http://127.0.0.1:8080/stream, i.e. sse-demo-server --port 8080)
// The QtSse QML module is found in the build tree; an installed one through QML_IMPORT_PATH
// (or in Qt's own QML directory).
#include <QtCore/qurl.h>
#include <QtGui/qguiapplication.h>
#include <QtQml/qqmlapplicationengine.h>

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const QUrl url =
            QUrl::fromUserInput(args.value(1, QStringLiteral("http://127.0.0.1:8080/stream")));

    QQmlApplicationEngine engine;
#ifdef QTSSE_BUILD_QML_DIR
    engine.addImportPath(QStringLiteral(QTSSE_BUILD_QML_DIR));
#endif
    engine.setInitialProperties({{QStringLiteral("streamUrl"), url}});
    QObject::connect(
            &engine, &QQmlApplicationEngine::objectCreated, &app,
            [](QObject *object, const QUrl &) {
                if (!object)
                    QCoreApplication::exit(1);
            },
            Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/QuickTicker/Main.qml")));
    return app.exec();
}
