// The worker frame protocol as the host reads it (host/src/isolation: frame.h, messages.h):
// bytes a worker process sends, fed to the FrameDecoder in pieces whose sizes come from the
// input, every frame's items walked and every item decoded as each kind. Invariants: nothing
// crashes or reads out of bounds; a frame handed out is never larger than the decoder's bound;
// once the decoder reports an error it keeps reporting it. A kItemsInRing frame's reference is
// checked against a "ring" made of the input itself, as the host checks it against its mapping,
// and the run it names (when inside) walked as items: a reference that passes the check never
// reads outside the ring.
// Build: asset_host_fuzzer(worker_frame asset_host::isolation) in tests/fuzz/CMakeLists.txt.
#include "isolation/frame.h"
#include "isolation/messages.h"
#include "isolation/shared_ring.h"

#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace asset_host::isolation;

void walk_items(std::string_view payload) {
    ItemReader items(payload);
    for (auto item = items.next(); item && *item; item = items.next()) {
        (void)decode_log((*item)->data);
        if (auto stat = decode_statistic((*item)->data)) (void)stat->as_abi();
        (void)decode_check((*item)->data);
    }
}

void walk_payload(FrameType type, std::string_view payload, std::string_view ring) {
    if (type == FrameType::kItemsInRing) {
        auto ref = decode_ring_ref(payload);
        if (ref && check_ring_ref(*ref, ring.size()).is_ok()) {
            // The host's copy out of its mapping (HostRing::copy_out), then only the copy.
            const std::string copy(ring.substr(ref->offset, ref->size));
            if (copy.size() != ref->size) std::abort();  // the check let a short run through
            walk_items(copy);
        }
    }
    if (type == FrameType::kResult) (void)decode_result(payload);
    if (type == FrameType::kConfig) (void)decode_config(payload);
    if (type == FrameType::kCredit) (void)decode_credit(payload);
    if (type == FrameType::kStop) (void)decode_stop(payload);
    walk_items(payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    constexpr std::size_t kBound = 4096;  // small, so that "over the limit" is reachable
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    FrameDecoder decoder(kBound);
    bool broken = false;
    std::size_t at = 0;
    while (at < bytes.size()) {
        // The first byte of each piece says how long the piece is (1..64 bytes).
        const std::size_t piece = 1 + static_cast<unsigned char>(bytes[at]) % 64;
        decoder.feed(bytes.substr(at, piece));
        at += piece;
        for (;;) {
            auto frame = decoder.next();
            if (!frame) {
                broken = true;
                break;
            }
            if (broken) std::abort();  // an error must stick
            if (!*frame) break;
            if ((*frame)->payload.size() > kBound) std::abort();
            walk_payload((*frame)->type, (*frame)->payload, bytes);
        }
    }
    return 0;
}
