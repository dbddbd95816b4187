// SPDX-License-Identifier: BSD-3-Clause
#ifndef SSECONTENTDECODER_P_H
#define SSECONTENTDECODER_P_H

//  W A R N I N G: not part of the QtSse API; it may change without notice.

#include <QtCore/qbytearray.h>
#include <QtCore/qbytearrayview.h>
#include <QtCore/qstring.h>

#include <functional>
#include <memory>

namespace QtSsePrivate {

// A response body's Content-Encoding (gzip or deflate) decoded in bounded pieces.
//
// The client asks for compression itself (acceptEncoding()), which turns Qt's own decompression
// off: Qt 6.4 inflates whatever arrives ahead of the reader, past the reply's read buffer, so a
// slow reader (or a gzip bomb) held up to the whole decompressed stream in memory (measured: 103
// MiB of a 128 MiB stream), and its safety check cut long streams at ~10 MiB instead. Here the
// read buffer bounds the compressed bytes, and no more than PieceBytes of output exist at once.
class ContentDecoder
{
public:
    static constexpr qsizetype PieceBytes = 64 * 1024;

    ContentDecoder();
    ~ContentDecoder();
    Q_DISABLE_COPY_MOVE(ContentDecoder)

    static QByteArray acceptEncoding(); // the Accept-Encoding the client sends

    // Starts a new body. Empty or "identity": passed through. False for a coding it cannot
    // decode (errorString()); the body is then passed through undecoded.
    bool start(QByteArrayView contentEncoding);
    bool isIdentity() const { return m_coding == Identity; }

    // Decodes input and hands the output to sink, in pieces of at most PieceBytes; sink returns
    // false to stop (the rest of input is dropped). False on corrupt data (errorString()).
    bool decode(QByteArrayView input, const std::function<bool(QByteArrayView)> &sink);
    QString errorString() const { return m_errorString; }

private:
    enum Coding { Identity, Gzip, Deflate };
    bool init(int windowBits);
    void end();
    Coding m_coding = Identity;
    bool m_rawTried = false; // "deflate" sent as raw deflate data, as some servers do
    bool m_produced = false;
    struct Stream;
    std::unique_ptr<Stream> m_stream; // zlib's state, only while a compressed body is decoded
    QString m_errorString;
};

} // namespace QtSsePrivate

#endif // SSECONTENTDECODER_P_H
