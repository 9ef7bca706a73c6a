// Records a destination refused, kept so that nothing is lost: `<state-dir>/<connector>.
// rejected.ndjson`, one JSON object per line:
//   {"time": "2026-12-01T04:05:06.789Z", "connector": "okta-devices", "status": 400,
//    "reason": "HTTP 400 (code INVALID_ITEM): ...", "record": {...the record...}}
// `status` is the destination's HTTP status (0 when the host refused the record itself);
// `reason` is the destination's message, redacted and bounded. A record over the size limit is
// not copied: the line has "record": null, "record_bytes": N and a one-line "excerpt" of its
// first 200 bytes, so no line is ever huge.
// The file is created 0600 (records hold people's names and e-mails), never through a symlink,
// appended and fsync'ed before the record counts as handled (the checkpoint may then move past
// it). Bounded: when a line would take the file past max_bytes (default 16 MiB), it is renamed
// to `<file>.1` (replacing the previous one) and a new file is started: at most 2 × max_bytes.
#pragma once

#include <asset_sdk/clock.h>
#include <asset_sdk/status.h>

#include <cstddef>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

namespace asset_host::delivery {

struct Rejection {
    std::string_view record;   // the record's JSON text
    int status = 0;            // HTTP status of the refusal; 0: refused by the host
    std::string_view reason;   // no secrets (redacted by the caller), one line
    bool omit_record = false;  // too large to copy: excerpt only
};

// Where refused records go. Thread-safe.
class RejectSink {
public:
    virtual ~RejectSink() = default;
    // Stores the refused record durably. A failure must fail the cycle: the record would
    // otherwise be neither delivered nor kept.
    virtual asset_sdk::Status reject(const Rejection& rejection) = 0;
};

inline constexpr std::size_t kDefaultDeadLetterBytes = 16u << 20;

// The dead-letter file of `connector` in `state_dir`.
std::filesystem::path dead_letter_path(const std::filesystem::path& state_dir,
                                       std::string_view connector);

class DeadLetterFile final : public RejectSink {
public:
    DeadLetterFile(std::filesystem::path path, std::string connector, asset_sdk::Clock& clock,
                   std::size_t max_bytes = kDefaultDeadLetterBytes);
    ~DeadLetterFile() override;
    DeadLetterFile(const DeadLetterFile&) = delete;
    DeadLetterFile& operator=(const DeadLetterFile&) = delete;

    asset_sdk::Status reject(const Rejection& rejection) override;

    // The line written for `rejection` at `time` (without the newline).
    static std::string line(const Rejection& rejection, std::string_view connector,
                            asset_sdk::SystemTime time);

private:
    asset_sdk::Status open_locked();
    asset_sdk::Status rotate_locked();

    std::filesystem::path path_;
    std::string connector_;
    asset_sdk::Clock& clock_;
    std::size_t max_bytes_;
    std::mutex mu_;
    int fd_ = -1;
    std::size_t size_ = 0;
};

}  // namespace asset_host::delivery
