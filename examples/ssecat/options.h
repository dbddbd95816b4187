// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSECAT_OPTIONS_H
#define SSECAT_OPTIONS_H

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qurl.h>

#include <optional>
#include <utility>

struct SseCatOptions
{
    QUrl url;
    QByteArray method = "GET";
    QByteArray body;
    bool hasBody = false;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QString lastEventId;
    int retryDelay = 3000;
    int retryMaxDelay = 30000;
    int maxRetries = -1;
    bool retryAnyMethod = false;
    qint64 maxEvents = -1;
    qint64 maxTimeMs = -1;
    int idleTimeoutMs = 0;
    int connectTimeoutMs = 30000; // SseClient's default
    qint64 maxEventSize = -1; // -1: SseClient's default
    bool quiet = false;
    bool silent = false;
    bool include = false;
    bool verbose = false;
    bool insecure = false;
    QString caCertFile;
    QString stateFile; // --state-file: the last event ID, read at start and kept up to date
    QString recordFile; // --record: the stream with arrival times (examples/shared/RECORDING.md)
};

// Parses the command line. On a usage error returns std::nullopt with *error set; on --help
// returns std::nullopt with *help set.
std::optional<SseCatOptions> parseSseCatOptions(const QStringList &arguments, QString *error,
                                                bool *help);
QString sseCatUsage();

#endif // SSECAT_OPTIONS_H
