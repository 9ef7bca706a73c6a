// The one check every record passes before it goes anywhere (a destination or `fetch
// --output`): a single JSON object of at most max_record_bytes. One function for both paths, so
// a dry run never shows records that delivery would refuse.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace asset_host::delivery {

// Default of destination.max_record_bytes: far above any real device record (a few KiB), far
// below what would make one request body or one log line absurd.
inline constexpr std::size_t kDefaultMaxRecordBytes = 1u << 20;

struct RecordProblem {
    bool too_large = false;
    std::string reason;  // "not a JSON object", "too large: 2097152 bytes (limit 1048576, ...)"
};

// Not thread-safe (one parser and buffer, reused): one per producing thread.
class RecordCheck {
public:
    explicit RecordCheck(std::size_t max_bytes = kDefaultMaxRecordBytes) : max_bytes_(max_bytes) {}

    // Why `json` cannot be delivered, or nullopt when it can.
    std::optional<RecordProblem> problem(std::string_view json);
    std::size_t max_bytes() const { return max_bytes_; }

private:
    std::size_t max_bytes_;
    simdjson::dom::parser parser_;
    std::string scratch_;  // padded copy for simdjson
};

}  // namespace asset_host::delivery
