// SPDX-License-Identifier: BSD-3-Clause
// The guides' C++ code (src/doc/src/*.qdoc quote it with \snippet), compiled by the normal
// build so that a guide cannot drift from the API. One function per guide.
#ifndef QTSSE_DOC_SNIPPETS_H
#define QTSSE_DOC_SNIPPETS_H

#include <QtCore/qbytearray.h>
#include <QtCore/qurl.h>

#include <functional>

class SseClient;

int gettingStartedMain(int argc, char *argv[]);
void parseRecording(const QByteArray &recording);
void configureReconnects(SseClient &client);
void shapeAttempts(SseClient &client, std::function<QByteArray()> currentToken);
void refreshTokenOn401(SseClient &client,
                       std::function<void(std::function<void(const QByteArray &)>)> fetchToken);
void streamChat(SseClient &client, const QUrl &endpoint, const QByteArray &apiKey,
                const QString &question, std::function<void(const QString &)> onText,
                std::function<void(const QString &)> onDone);
void openManyStreams(const QList<QUrl> &urls, QObject *owner);
void configureReliability(SseClient &client);
void useSystemProxy();
void runInWorkerThread(const QUrl &url);

#endif // QTSSE_DOC_SNIPPETS_H
