#include "isolation/frame.h"

#include <algorithm>
#include <cstring>

namespace asset_host::isolation {

namespace {

// The receive buffer starts at this size and is given back once it grew beyond kShrinkAbove
// for one huge frame, so a single large marker does not pin its memory for the whole cycle.
constexpr std::size_t kInitialBuffer = 64u << 10;
constexpr std::size_t kShrinkAbove = 4u << 20;

bool known_type(std::uint8_t type) {
    switch (static_cast<FrameType>(type)) {
        case FrameType::kConfig:
        case FrameType::kCredit:
        case FrameType::kStop:
        case FrameType::kItems:
        case FrameType::kResult:
        case FrameType::kItemsInRing:
            return true;
    }
    return false;
}

std::string hex_byte(std::uint8_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    return std::string("0x") + kDigits[v >> 4] + kDigits[v & 0xf];
}

}  // namespace

void write_frame_header(char* out, FrameType type, std::uint32_t payload_size) {
    out[0] = static_cast<char>(kFrameMagic);
    out[1] = static_cast<char>(type);
    out[2] = 0;
    out[3] = 0;
    std::memcpy(out + 4, &payload_size, sizeof payload_size);
}

std::string make_frame(FrameType type, std::string_view payload) {
    std::string frame(kFrameHeaderSize, '\0');
    write_frame_header(frame.data(), type, static_cast<std::uint32_t>(payload.size()));
    frame.append(payload);
    return frame;
}

FrameDecoder::FrameDecoder(std::size_t max_payload)
    : max_payload_(std::min(max_payload, kMaxFramePayload)), buf_(kInitialBuffer) {}

std::span<char> FrameDecoder::prepare(std::size_t want) {
    if (begin_ == end_) {
        begin_ = end_ = 0;
        if (buf_.size() > kShrinkAbove) std::vector<char>(kInitialBuffer).swap(buf_);
    }
    if (buf_.size() - end_ < want && begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (buf_.size() - end_ < want) {
        // Doubling, but never far beyond what one frame and this read can need.
        const std::size_t bound = kFrameHeaderSize + max_payload_ + want;
        buf_.resize(std::max(end_ + want, std::min(buf_.size() * 2, bound)));
    }
    return {buf_.data() + end_, buf_.size() - end_};
}

void FrameDecoder::commit(std::size_t received) {
    end_ = std::min(end_ + received, buf_.size());
}

void FrameDecoder::feed(std::string_view bytes) {
    const std::span<char> room = prepare(bytes.size());
    std::memcpy(room.data(), bytes.data(), bytes.size());
    commit(bytes.size());
}

asset_sdk::Status FrameDecoder::fail(std::string message) {
    error_ = asset_sdk::Status(asset_sdk::StatusCode::kProtocol, std::move(message));
    return error_;
}

asset_sdk::Result<std::optional<FrameView>> FrameDecoder::next() {
    if (!error_.is_ok()) return error_;
    if (pending() < kFrameHeaderSize) return std::optional<FrameView>();
    const auto* header = reinterpret_cast<const std::uint8_t*>(buf_.data() + begin_);
    if (header[0] != kFrameMagic || header[2] != 0 || header[3] != 0) {
        return fail("bad frame header (bytes " + hex_byte(header[0]) + " " + hex_byte(header[1]) +
                    " " + hex_byte(header[2]) + " " + hex_byte(header[3]) + ")");
    }
    if (!known_type(header[1])) return fail("unknown frame type " + hex_byte(header[1]));
    std::uint32_t size = 0;
    std::memcpy(&size, header + 4, sizeof size);
    if (size > max_payload_) {
        return fail("a frame of " + std::to_string(size) + " bytes is over the limit of " +
                    std::to_string(max_payload_));
    }
    if (pending() < kFrameHeaderSize + size) return std::optional<FrameView>();
    const FrameView frame{static_cast<FrameType>(header[1]),
                          std::string_view(buf_.data() + begin_ + kFrameHeaderSize, size)};
    begin_ += kFrameHeaderSize + size;
    return std::optional<FrameView>(frame);
}

// ---- payload fields ---------------------------------------------------------------------

PayloadWriter& PayloadWriter::u8(std::uint8_t v) {
    out_.push_back(static_cast<char>(v));
    return *this;
}

PayloadWriter& PayloadWriter::u32(std::uint32_t v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
    return *this;
}

PayloadWriter& PayloadWriter::u64(std::uint64_t v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
    return *this;
}

PayloadWriter& PayloadWriter::f64(double v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
    return *this;
}

PayloadWriter& PayloadWriter::str(std::string_view v) {
    u32(static_cast<std::uint32_t>(v.size()));
    out_.append(v);
    return *this;
}

bool PayloadReader::take(void* out, std::size_t n) {
    if (!ok_ || in_.size() < n) {
        ok_ = false;
        std::memset(out, 0, n);
        return false;
    }
    std::memcpy(out, in_.data(), n);
    in_.remove_prefix(n);
    return true;
}

std::uint8_t PayloadReader::u8() {
    std::uint8_t v;
    take(&v, sizeof v);
    return v;
}

std::uint32_t PayloadReader::u32() {
    std::uint32_t v;
    take(&v, sizeof v);
    return v;
}

std::uint64_t PayloadReader::u64() {
    std::uint64_t v;
    take(&v, sizeof v);
    return v;
}

double PayloadReader::f64() {
    double v;
    take(&v, sizeof v);
    return v;
}

std::string_view PayloadReader::str() {
    const std::uint32_t n = u32();
    if (!ok_ || in_.size() < n) {
        ok_ = false;
        return {};
    }
    const std::string_view v = in_.substr(0, n);
    in_.remove_prefix(n);
    return v;
}

std::string_view PayloadReader::rest() {
    const std::string_view v = ok_ ? in_ : std::string_view();
    in_ = {};
    return v;
}

}  // namespace asset_host::isolation
