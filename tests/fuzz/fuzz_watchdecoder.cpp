// A watch body as the API server (or anything in between) sends it. The decoder must not crash, and
// must decode the same events whatever slices the transport cuts the body into.

#include "kube/watchdecoder.h"

#include <cstddef>
#include <cstdint>

using namespace Curtain;

namespace {

struct Decoded
{
    QList<Core::Result<Kube::WatchEvent>> events;
    qsizetype pending = 0;
};

Decoded decodeInSlices(const QByteArray &body, qsizetype slice)
{
    Kube::WatchDecoder decoder;
    Decoded decoded;
    for (qsizetype at = 0; at < body.size(); at += slice) {
        decoded.events += decoder.feed(body.mid(at, slice));
    }
    decoded.pending = decoder.pendingBytes();
    return decoded;
}

bool sameEvents(const Decoded &a, const Decoded &b)
{
    if (a.events.size() != b.events.size() || a.pending != b.pending) {
        return false;
    }
    for (qsizetype i = 0; i < a.events.size(); ++i) {
        const auto &x = a.events[i];
        const auto &y = b.events[i];
        if (x.ok() != y.ok() ||
            (x.ok() && (x.value().type != y.value().type || x.value().object != y.value().object)) ||
            (!x.ok() && x.error().message != y.error().message)) {
            return false;
        }
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const Decoded whole = decodeInSlices(body, qMax<qsizetype>(1, body.size()));
    // A slice size taken from the input, so the fuzzer explores the cuts too; at most 64 slices, so
    // a large input costs no more than a small one.
    const qsizetype slice = size == 0 ? 1 : qMax<qsizetype>(1 + data[0] % 61, body.size() / 64);
    if (!sameEvents(whole, decodeInSlices(body, slice))) {
        __builtin_trap(); // the events depend on how the bytes arrived
    }
    return 0;
}
