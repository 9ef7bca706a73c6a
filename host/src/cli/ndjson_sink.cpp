#include "cli/ndjson_sink.h"

#include "common/paths.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace asset_host {

namespace {
// A slow plugin that checkpoints rarely still shows progress on `--output -` at this pace.
constexpr auto kMaxBufferAge = std::chrono::milliseconds(500);
}  // namespace

NdjsonSink::NdjsonSink(int fd, CancelToken cancel, std::size_t flush_bytes,
                       std::size_t max_record_bytes)
    : fd_(fd),
      cancel_(std::move(cancel)),
      flush_bytes_(flush_bytes),
      check_(max_record_bytes),
      last_flush_(std::chrono::steady_clock::now()) {
    buf_.reserve(flush_bytes_ + 4096);
}

SinkResult NdjsonSink::record(std::string_view json) {
    if (!error_.empty() || cancel_.cancelled()) return SinkResult::kStop;
    if (json.empty()) return SinkResult::kContinue;  // nothing to write; a line must be an object
    if (auto problem = check_.problem(json)) {
        if (++refused_ == 1) {
            first_refusal_ =
                "record " + std::to_string(records_ + refused_) + ": " + problem->reason;
        }
        return SinkResult::kContinue;
    }
    const std::size_t start = buf_.size();
    buf_.append(json);
    // One record per line. A raw newline can only be whitespace between JSON tokens (inside a
    // string it would be invalid JSON), so replacing it keeps the record's meaning.
    if (std::memchr(json.data(), '\n', json.size()) ||
        std::memchr(json.data(), '\r', json.size())) {
        for (std::size_t i = start; i < buf_.size(); ++i) {
            if (buf_[i] == '\n' || buf_[i] == '\r') buf_[i] = ' ';
        }
    }
    buf_.push_back('\n');
    ++records_;
    if (buf_.size() >= flush_bytes_ ||
        std::chrono::steady_clock::now() - last_flush_ >= kMaxBufferAge) {
        if (!flush()) return SinkResult::kStop;
    }
    return SinkResult::kContinue;
}

SinkResult NdjsonSink::checkpoint(std::string_view) {
    ++checkpoints_;
    if (!error_.empty() || cancel_.cancelled()) return SinkResult::kStop;
    return flush() ? SinkResult::kContinue : SinkResult::kStop;
}

ah_stop_reason NdjsonSink::stop_reason() const {
    if (!error_.empty()) return AH_STOP_DELIVERY_FAILED;
    return cancel_.cancelled() ? AH_STOP_SHUTDOWN : AH_STOP_NONE;
}

asset_sdk::Status NdjsonSink::finish() {
    flush();
    if (!error_.empty()) return asset_sdk::io_error(error_);
    return asset_sdk::Status::ok();
}

bool NdjsonSink::flush() {
    last_flush_ = std::chrono::steady_clock::now();
    if (!error_.empty()) return false;
    if (const int err = write_all(fd_, buf_)) {
        error_ = err == EPIPE ? "the output was closed (broken pipe)" : errno_message(err);
        buf_.clear();
        return false;
    }
    buf_.clear();  // keeps its capacity: no allocation per record once warmed up
    return true;
}

}  // namespace asset_host
