// SPDX-License-Identifier: BSD-3-Clause
#include "options.h"

#include <QtCore/qfile.h>

#include <cmath>

QString sseCatUsage()
{
    return QStringLiteral(R"(Usage: ssecat [options] URL
Connects to URL with QtSse's SseClient and prints the stream's events.

stdout: one JSON object per dispatched event, one line each, in order, flushed per line:
  {"type":"<event type>","data":"<data>","id":"<last event ID at dispatch>"}
  Exactly these keys; standard JSON string escaping; UTF-8. id is the source's last event ID
  as of dispatch: it persists across events ("" if none).

Options:
  -H, --header "Name: value"  extra request header (repeatable)
  -X, --request METHOD        HTTP method (default GET; POST when --data is given)
  -d, --data BODY             request body; @FILE reads it from a file, @- from stdin
  --last-event-id ID          the initial last event ID: sent on the first request, printed as
                              id until an id: field changes it
  --state-file FILE           resume across runs: the last event ID is read from FILE at start
                              (when FILE exists and holds one, it wins over --last-event-id)
                              and FILE is kept up to date (at most once a second, and at exit),
                              so that the next run resumes where this one stopped
  --record FILE               also save the stream with its arrival times in FILE (created or
                              truncated), in the QtSse recording format (version 2, specified
                              in examples/shared/RECORDING.md): the raw bytes as received and
                              where each response ended, for `sse-demo-server --replay FILE`
                              and the monitor's Open recording; stdout is unchanged; a file
                              that cannot be created is a usage error (2), a write error
                              later ends ssecat with status 1
  --retry-delay MS            initial reconnection time (default 3000); a server retry: replaces it
  --retry-max-delay MS        cap of the exponential backoff (default 30000)
  --max-retries N             after the first attempt, at most N further attempts in a row without
                              an opened stream (the count resets when a stream opens);
                              default unlimited; 0 = never reconnect
  --retry-any-method          also re-send requests whose method is not GET (default: never)
  --max-events N              exit 0 after N events
  --max-time SEC              exit 0 after SEC seconds (fractions allowed)
  --idle-timeout SEC          nothing (not even a comment) for SEC seconds = the stream ended
  --connect-timeout SEC       an attempt without a response within SEC seconds fails (and is
                              retried); default 30, 0 = no limit
  --max-event-size BYTES      the largest event (and line) accepted (default 16 MiB); a larger
                              one drops the stream with an error and it is retried
  -q, --quiet                 print no events; at exit one line on stderr:
                              events=N bytes=M seconds=S  (M = body bytes fed to the parser);
                              no reconnect lines (as -s), so that a success leaves that line alone
  -s, --silent                no line on stderr per reconnect (see Reporting below)
  -i, --include               each response's status and headers on stderr, before its events:
                              "< HTTP 200", then "< Name: value" lines (stdout stays JSON lines)
  -v, --verbose               also state changes, reconnect delays, errors, and each request's
                              URL and headers ("> ..." lines) and each response's (as -i), on
                              stderr; credentials are masked: Authorization shows its scheme
                              only, Cookie and headers named like a key, token, secret or
                              password show ****, a URL's password shows ****; after an event
                              too large, the last 256 bytes received (escaped)
  -k, --insecure              accept any TLS certificate
  --cacert FILE               trust the CA certificates in FILE
  -h, --help                  usage

Exit status: 0 max-events reached, max-time elapsed, the server answered 204, or an opened stream
             ended and no further attempt is allowed (by --max-retries, or because a non-GET
             request is not re-sent);
             1 failed for good (non-retryable status, wrong Content-Type, retries exhausted, or
             --record could not write), with the reason on stderr;
             2 usage error.
             130 interrupted (Ctrl-C), after a clean shutdown;
             141 stdout was closed (as by `ssecat URL | head -2`): quietly, after a clean
             shutdown, with the status a shell reports for a writer ended by SIGPIPE, so that
             `set -o pipefail` scripts treat ssecat like any other producer.

Reporting: unless -s or -q, one line on stderr per reconnect, saying why and when, e.g.
  ssecat: connection refused, retrying in 3.1 s (attempt 2)
  ssecat: the stream ended, reconnecting in 2.0 s (attempt 1)
  and a failure for good is one line with its reason before exit status 1.

Request: Accept: text/event-stream, Cache-Control: no-cache and User-Agent: QtSse/<version>,
  plus the user's headers (a -H User-Agent replaces QtSse's);
  Last-Event-ID on every request when the last event ID is non-empty, never when it is empty;
  reconnects go to the original URL.
Decoding: the body is decoded per the WHATWG Encoding standard's UTF-8 decode (one leading BOM
  stripped per response, one U+FFFD per maximal invalid subpart), with the same result for any
  chunking of the bytes.
HTTP: 200 + Content-Type text/event-stream (any case, parameters allowed) opens the stream;
  204 stops without reconnecting (exit 0); 301/302/303/307/308 are followed (303 turns the method
  into GET); Authorization and Cookie are not sent to another origin after a redirect; https->http
  redirects are refused; 408, 429, 500, 502, 503, 504 and network errors are retried with backoff;
  a Retry-After (seconds or HTTP date) is waited at least (the backoff delay, when longer, still
  applies, and jitter lengthens either); other statuses and a wrong Content-Type fail for good.
  Deliberate differences from the browser's EventSource: 408/429/5xx are retried rather than
  closing the stream, and non-GET methods and request bodies are supported.
Reconnect: a failure is an attempt that did not open a stream. After an opened stream ends (or
  goes idle past --idle-timeout), the next attempt waits the reconnection time, lengthened by
  jitter up to 1.5x, never shortened; consecutive failures back off exponentially up to
  --retry-max-delay (jitter adds up to 50% on top); an opened stream resets the failure count
  and the delay, unless it ended within 1 s of opening: then it counts as a failure for the
  delay (not for --max-retries). A server's retry: below 100 ms counts as 100 ms.
)");
}

namespace {

struct Parser
{
    const QStringList &args;
    qsizetype i = 1;
    QString *error;

    bool fail(const QString &message)
    {
        *error = message;
        return false;
    }
    // The value of the option at args[i]: "--opt=value", "-Xvalue" or the next argument.
    bool value(const QString &arg, qsizetype nameLength, QString *out)
    {
        if (arg.size() > nameLength) {
            *out = arg.mid(nameLength + (arg.at(nameLength) == u'=' ? 1 : 0));
            return true;
        }
        if (i + 1 >= args.size())
            return fail(QStringLiteral("option %1 needs a value").arg(arg));
        *out = args.at(++i);
        return true;
    }
    bool integer(const QString &name, const QString &text, qint64 min, qint64 *out)
    {
        bool ok = false;
        const qint64 v = text.toLongLong(&ok);
        if (!ok || v < min || v > std::numeric_limits<int>::max())
            return fail(QStringLiteral("%1: invalid number \"%2\"").arg(name, text));
        *out = v;
        return true;
    }
    bool seconds(const QString &name, const QString &text, qint64 *ms)
    {
        bool ok = false;
        const double v = text.toDouble(&ok);
        if (!ok || !std::isfinite(v) || v < 0 || v > 1e9)
            return fail(QStringLiteral("%1: invalid number of seconds \"%2\"").arg(name, text));
        *ms = qint64(std::llround(v * 1000.0));
        return true;
    }
};

// Returns the length of the option name if arg is that option ("--name", "--name=...", or for
// a short option "-x" and "-xVALUE"), else 0.
qsizetype matches(const QString &arg, const char *shortName, const char *longName)
{
    const QLatin1String l(longName);
    if (arg.startsWith(l) && (arg.size() == l.size() || arg.at(l.size()) == u'='))
        return l.size();
    if (shortName && arg.startsWith(QLatin1String(shortName)))
        return 2;
    return 0;
}

} // namespace

std::optional<SseCatOptions> parseSseCatOptions(const QStringList &args, QString *error, bool *help)
{
    SseCatOptions o;
    Parser p {args, 1, error};
    bool methodGiven = false;
    bool onlyPositional = false;
    QStringList positional;
    *help = false;
    for (; p.i < args.size(); ++p.i) {
        const QString arg = args.at(p.i);
        QString v;
        qint64 n = 0;
        qsizetype len = 0;
        if (onlyPositional || !arg.startsWith(u'-') || arg == QLatin1String("-")) {
            positional.append(arg);
        } else if (arg == QLatin1String("--")) {
            onlyPositional = true;
        } else if (arg == QLatin1String("-h") || arg == QLatin1String("--help")) {
            *help = true;
            return std::nullopt;
        } else if (arg == QLatin1String("-q") || arg == QLatin1String("--quiet")) {
            o.quiet = true;
        } else if (arg == QLatin1String("-s") || arg == QLatin1String("--silent")) {
            o.silent = true;
        } else if (arg == QLatin1String("-i") || arg == QLatin1String("--include")) {
            o.include = true;
        } else if (arg == QLatin1String("-v") || arg == QLatin1String("--verbose")) {
            o.verbose = true;
        } else if (arg == QLatin1String("-k") || arg == QLatin1String("--insecure")) {
            o.insecure = true;
        } else if (arg == QLatin1String("--retry-any-method")) {
            o.retryAnyMethod = true;
        } else if ((len = matches(arg, "-H", "--header"))) {
            if (!p.value(arg, len, &v))
                return std::nullopt;
            const qsizetype colon = v.indexOf(u':');
            if (colon <= 0) {
                *error = QStringLiteral("--header: expected \"Name: value\", got \"%1\"").arg(v);
                return std::nullopt;
            }
            o.headers.append(
                    {v.left(colon).trimmed().toUtf8(), v.mid(colon + 1).trimmed().toUtf8()});
        } else if ((len = matches(arg, "-X", "--request"))) {
            if (!p.value(arg, len, &v))
                return std::nullopt;
            if (v.isEmpty()) {
                *error = QStringLiteral("--request: empty method");
                return std::nullopt;
            }
            o.method = v.toUpper().toUtf8();
            methodGiven = true;
        } else if ((len = matches(arg, "-d", "--data"))) {
            if (!p.value(arg, len, &v))
                return std::nullopt;
            o.hasBody = true;
            if (v.startsWith(u'@')) {
                QFile file(v.mid(1));
                const bool opened = v == QLatin1String("@-") ? file.open(stdin, QIODevice::ReadOnly)
                                                             : file.open(QIODevice::ReadOnly);
                if (!opened) {
                    *error = QStringLiteral("--data: cannot read %1: %2")
                                     .arg(v.mid(1), file.errorString());
                    return std::nullopt;
                }
                o.body = file.readAll();
            } else {
                o.body = v.toUtf8();
            }
        } else if ((len = matches(arg, nullptr, "--last-event-id"))) {
            if (!p.value(arg, len, &o.lastEventId))
                return std::nullopt;
        } else if ((len = matches(arg, nullptr, "--retry-delay"))) {
            if (!p.value(arg, len, &v) || !p.integer(QStringLiteral("--retry-delay"), v, 0, &n))
                return std::nullopt;
            o.retryDelay = int(n);
        } else if ((len = matches(arg, nullptr, "--retry-max-delay"))) {
            if (!p.value(arg, len, &v) || !p.integer(QStringLiteral("--retry-max-delay"), v, 0, &n))
                return std::nullopt;
            o.retryMaxDelay = int(n);
        } else if ((len = matches(arg, nullptr, "--max-retries"))) {
            if (!p.value(arg, len, &v) || !p.integer(QStringLiteral("--max-retries"), v, 0, &n))
                return std::nullopt;
            o.maxRetries = int(n);
        } else if ((len = matches(arg, nullptr, "--max-events"))) {
            if (!p.value(arg, len, &v) || !p.integer(QStringLiteral("--max-events"), v, 1, &n))
                return std::nullopt;
            o.maxEvents = n;
        } else if ((len = matches(arg, nullptr, "--max-time"))) {
            if (!p.value(arg, len, &v) || !p.seconds(QStringLiteral("--max-time"), v, &o.maxTimeMs))
                return std::nullopt;
        } else if ((len = matches(arg, nullptr, "--idle-timeout"))) {
            if (!p.value(arg, len, &v) || !p.seconds(QStringLiteral("--idle-timeout"), v, &n))
                return std::nullopt;
            // 0 switches it off; anything else is at least 1 ms.
            o.idleTimeoutMs =
                    n == 0 ? 0 : int(qBound<qint64>(1, n, qint64(std::numeric_limits<int>::max())));
        } else if ((len = matches(arg, nullptr, "--connect-timeout"))) {
            if (!p.value(arg, len, &v) || !p.seconds(QStringLiteral("--connect-timeout"), v, &n))
                return std::nullopt;
            // 0 switches it off; anything else is at least 1 ms.
            o.connectTimeoutMs =
                    n == 0 ? 0 : int(qBound<qint64>(1, n, qint64(std::numeric_limits<int>::max())));
        } else if ((len = matches(arg, nullptr, "--state-file"))) {
            if (!p.value(arg, len, &o.stateFile))
                return std::nullopt;
            if (o.stateFile.isEmpty()) {
                *error = QStringLiteral("--state-file: empty file name");
                return std::nullopt;
            }
        } else if ((len = matches(arg, nullptr, "--record"))) {
            if (!p.value(arg, len, &o.recordFile))
                return std::nullopt;
            if (o.recordFile.isEmpty()) {
                *error = QStringLiteral("--record: empty file name");
                return std::nullopt;
            }
        } else if ((len = matches(arg, nullptr, "--max-event-size"))) {
            if (!p.value(arg, len, &v) || !p.integer(QStringLiteral("--max-event-size"), v, 1, &n))
                return std::nullopt;
            o.maxEventSize = n;
        } else if ((len = matches(arg, nullptr, "--cacert"))) {
            if (!p.value(arg, len, &o.caCertFile))
                return std::nullopt;
        } else {
            *error = QStringLiteral("unknown option %1").arg(arg);
            return std::nullopt;
        }
    }
    if (positional.size() != 1) {
        *error = positional.isEmpty()
                ? QStringLiteral("missing URL")
                : QStringLiteral("expected one URL, got %1 arguments").arg(positional.size());
        return std::nullopt;
    }
    o.url = QUrl::fromUserInput(positional.first());
    const QString scheme = o.url.scheme();
    if (!o.url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        *error = QStringLiteral("invalid URL \"%1\" (http or https)").arg(positional.first());
        return std::nullopt;
    }
    if (o.hasBody && !methodGiven)
        o.method = "POST";
    return o;
}
