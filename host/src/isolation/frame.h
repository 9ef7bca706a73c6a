// The frames asset-host and its worker processes (isolation: process) exchange over their
// socketpair. Both ends come from the same build on the same machine (asset-host and its
// asset-host-worker), so integers travel in the machine's byte order.
//
// A frame is an 8-byte header and a payload:
//   byte 0      kFrameMagic (0xA5): a stream that got out of step is caught at the next header
//   byte 1      FrameType
//   bytes 2-3   zero (reserved)
//   bytes 4-7   payload size (uint32), at most the decoder's limit (kMaxFramePayload)
//
// host -> worker: kConfig (first and once), kCredit, kStop
// worker -> host: kItems (records, markers, logs, statistics, checks, in the plugin's order),
//                 or kItemsInRing (the same, written in the shared ring: shared_ring.h),
//                 kResult (last; then the worker exits)
// The payloads are in messages.h; isolation/README.md describes the protocol and flow control.
//
// FrameDecoder takes bytes as they arrive and hands out whole frames. Whatever it is fed — a
// header with a wrong magic byte, an unknown type, a size beyond the limit — it answers with a
// protocol error, never with an overflow or an allocation beyond the limit; once broken it stays
// broken. (Hand-written: the protocol is a dozen lines of framing, no library does less.)
#pragma once

#include <asset_sdk/status.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asset_host::isolation {

enum class FrameType : std::uint8_t {
    kConfig = 1,       // host -> worker: WorkerConfig
    kCredit = 2,       // host -> worker: uint64 bytes of kItems payload the host has consumed
    kStop = 3,         // host -> worker: uint32 ah_stop_reason
    kItems = 16,       // worker -> host: a run of items (messages.h)
    kResult = 17,      // worker -> host: WorkerResult
    kItemsInRing = 18  // worker -> host: RingRef, a run of items in the shared ring
};

inline constexpr std::uint8_t kFrameMagic = 0xA5;
inline constexpr std::size_t kFrameHeaderSize = 8;
// The largest payload: a checkpoint marker may be 16 MiB (the store's limit) and a record as
// large; one frame carries at least one whole item.
inline constexpr std::size_t kMaxFramePayload = 32u << 20;

// Writes a header for `payload_size` bytes of `type` at `out` (kFrameHeaderSize bytes).
void write_frame_header(char* out, FrameType type, std::uint32_t payload_size);
// A whole frame: header + payload.
std::string make_frame(FrameType type, std::string_view payload);

struct FrameView {
    FrameType type;
    std::string_view payload;  // valid until the decoder is fed again
};

class FrameDecoder {
public:
    explicit FrameDecoder(std::size_t max_payload = kMaxFramePayload);

    // Room for at least `want` more bytes, to receive into; then commit() what was received.
    // Invalidates the views of frames returned before.
    std::span<char> prepare(std::size_t want);
    void commit(std::size_t received);
    // prepare + copy + commit (tests, the fuzzer).
    void feed(std::string_view bytes);

    // The next whole frame; nullopt when more bytes are needed; a kProtocol error when the bytes
    // cannot be frames (then every later call returns the same error).
    asset_sdk::Result<std::optional<FrameView>> next();

    // Bytes received that are not part of a frame handed out yet (a frame cut short when the
    // stream ends here).
    std::size_t pending() const { return end_ - begin_; }
    // Those bytes: a reader that hands the stream over to another decoder passes them on.
    std::string_view unread() const { return {buf_.data() + begin_, pending()}; }

private:
    asset_sdk::Status fail(std::string message);

    std::size_t max_payload_;
    std::vector<char> buf_;
    std::size_t begin_ = 0;  // first byte not yet handed out
    std::size_t end_ = 0;    // one past the last byte received
    asset_sdk::Status error_;
};

// Little readers and writers of payload fields: u8/u32/u64/f64 in machine order, strings as
// u32 length + bytes. A reader that runs out of bytes fails (ok() false) and reads zeros after.
class PayloadWriter {
public:
    explicit PayloadWriter(std::string& out) : out_(out) {}
    PayloadWriter& u8(std::uint8_t v);
    PayloadWriter& u32(std::uint32_t v);
    PayloadWriter& u64(std::uint64_t v);
    PayloadWriter& f64(double v);
    PayloadWriter& str(std::string_view v);

private:
    std::string& out_;
};

class PayloadReader {
public:
    explicit PayloadReader(std::string_view in) : in_(in) {}
    std::uint8_t u8();
    std::uint32_t u32();
    std::uint64_t u64();
    double f64();
    std::string_view str();
    std::string_view rest();  // every byte left
    bool ok() const { return ok_; }
    bool at_end() const { return in_.empty(); }

private:
    bool take(void* out, std::size_t n);
    std::string_view in_;
    bool ok_ = true;
};

}  // namespace asset_host::isolation
