// SPDX-License-Identifier: BSD-3-Clause
// A response body's Content-Encoding, decoded with zlib in bounded pieces (ssecontentdecoder_p.h).
#include "ssecontentdecoder_p.h"

#include <zlib.h>

namespace QtSsePrivate {

struct ContentDecoder::Stream
{
    z_stream z {};
};

ContentDecoder::ContentDecoder() = default;

ContentDecoder::~ContentDecoder()
{
    end();
}

QByteArray ContentDecoder::acceptEncoding()
{
    return QByteArrayLiteral("gzip, deflate");
}

void ContentDecoder::end()
{
    if (m_stream)
        inflateEnd(&m_stream->z);
    m_stream.reset();
}

bool ContentDecoder::init(int windowBits)
{
    end();
    m_stream = std::make_unique<Stream>();
    if (inflateInit2(&m_stream->z, windowBits) != Z_OK) {
        m_stream.reset();
        m_errorString = QStringLiteral("zlib could not start decoding");
        return false;
    }
    return true;
}

bool ContentDecoder::start(QByteArrayView contentEncoding)
{
    end();
    m_coding = Identity;
    m_rawTried = false;
    m_produced = false;
    m_errorString.clear();
    const QByteArray coding = contentEncoding.trimmed().toByteArray().toLower();
    if (coding.isEmpty() || coding == "identity")
        return true;
    if (coding == "gzip" || coding == "x-gzip") {
        m_coding = Gzip;
        return init(15 + 16); // a gzip header and trailer around deflate data
    }
    if (coding == "deflate") {
        m_coding = Deflate;
        return init(15); // the zlib format, as HTTP defines it (raw data is tried on error)
    }
    m_errorString =
            QStringLiteral("Unsupported Content-Encoding \"%1\" (the client asked for %2)")
                    .arg(QString::fromLatin1(coding), QString::fromLatin1(acceptEncoding()));
    return false;
}

bool ContentDecoder::decode(QByteArrayView input, const std::function<bool(QByteArrayView)> &sink)
{
    if (m_coding == Identity || !m_stream)
        return input.isEmpty() || sink(input);
    z_stream &z = m_stream->z;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(input.data()));
    z.avail_in = uInt(input.size());
    char out[PieceBytes];
    for (;;) {
        z.next_out = reinterpret_cast<Bytef *>(out);
        z.avail_out = uInt(sizeof out);
        const Bytef *const in = z.next_in;
        const int status = inflate(&z, Z_NO_FLUSH);
        const qsizetype produced = qsizetype(sizeof out - z.avail_out);
        if (status == Z_DATA_ERROR && m_coding == Deflate && !m_rawTried && !m_produced) {
            // Raw deflate data under "deflate" (no zlib header): what browsers accept too.
            m_rawTried = true;
            const qsizetype offset = qsizetype(in - reinterpret_cast<const Bytef *>(input.data()));
            if (!init(-15))
                return false;
            return decode(input.sliced(offset), sink);
        }
        if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
            m_errorString = QStringLiteral("Corrupt %1 data (zlib: %2)")
                                    .arg(m_coding == Gzip ? QStringLiteral("gzip")
                                                          : QStringLiteral("deflate"),
                                         QString::fromLatin1(z.msg ? z.msg : "error"));
            end();
            return false;
        }
        if (produced > 0) {
            m_produced = true;
            if (!sink(QByteArrayView(out, produced)))
                return true;
        }
        if (status == Z_STREAM_END) {
            if (z.avail_in == 0)
                break;
            // The end of one gzip member: another may follow (concatenated members are valid).
            if (inflateReset(&z) != Z_OK)
                return false;
            continue;
        }
        if (z.avail_out != 0 && z.avail_in == 0)
            break; // all input taken, and no output left pending (the buffer was not filled)
        if (produced == 0 && z.next_in == in)
            break; // no progress (Z_BUF_ERROR): more input is needed
    }
    return true;
}

} // namespace QtSsePrivate
