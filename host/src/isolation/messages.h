// The payloads of the worker frames (frame.h): what the host asks a worker to do, what the
// worker streams back, and how it ended. Decoders take untrusted bytes: anything malformed is a
// kProtocol error naming what was wrong, never a crash.
//
// kItems payload: items back to back, each a 5-byte header (uint8 ItemKind, uint32 size) and
// `size` bytes. Records and markers travel in the same run of items, so a marker always follows
// the records it covers.
#pragma once

#include "common/check_result.h"

#include <asset_host/plugin_abi.h>
#include <asset_sdk/status.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asset_host::isolation {

enum class WorkerCommand : std::uint8_t { kConfigure = 1, kTest = 2, kFetch = 3 };

// Flow control: the worker sends a kItems frame once it holds kDefaultFlushBytes (or at a
// marker, a log line, the end, or when items have waited a little), and has at most
// window_bytes of kItems payload sent but not yet credited by the host.
inline constexpr std::uint32_t kDefaultWindowBytes = 1u << 20;
inline constexpr std::uint32_t kDefaultFlushBytes = 256u << 10;
// The shared ring (shared_ring.h) carries items of at most this size (header included); a
// larger one (a big marker) goes inline in a kItems frame. Records are a few KiB.
inline constexpr std::size_t kMaxRingItem = 64u << 10;
// The largest ring a config may name (a sanity bound: ring_bytes_for() of the defaults is
// about 1.6 MiB).
inline constexpr std::size_t kMaxRingBytes = 256u << 20;

// kConfig: everything a worker needs, and the only way secrets reach it.
struct WorkerConfig {
    WorkerCommand command = WorkerCommand::kFetch;
    std::string plugin_file;                // the library as the host found it
    std::string plugin_id;                  // the id it must provide
    std::string connector;                  // the manifest's name (log lines)
    std::string manifest_file;              // for messages ("manifests/x.yaml: config: ...")
    std::string config_json;                // the plugin's config, secrets resolved
    std::optional<std::string> checkpoint;  // fetch: the last persisted marker
    bool full = false;                      // fetch: AH_FETCH_FULL
    std::uint8_t log_level = 2;             // spdlog::level::level_enum
    std::uint64_t memory_limit = 0;         // bytes of address space (RLIMIT_AS); 0: none
    std::uint32_t window_bytes = kDefaultWindowBytes;
    std::uint32_t flush_bytes = kDefaultFlushBytes;
    // fetch: the size of the shared ring whose memfd comes with this frame (SCM_RIGHTS); 0:
    // none, items travel inline in kItems frames.
    std::uint32_t ring_bytes = 0;
};

std::string encode_config(const WorkerConfig& config);
asset_sdk::Result<WorkerConfig> decode_config(std::string_view payload);

std::string encode_credit(std::uint64_t bytes);
asset_sdk::Result<std::uint64_t> decode_credit(std::string_view payload);
std::string encode_stop(ah_stop_reason reason);
asset_sdk::Result<ah_stop_reason> decode_stop(std::string_view payload);

// kItemsInRing: the next run of items is the `size` bytes of the shared ring at `offset` (a
// kItems payload, written there by the worker). Credited like a kItems frame of `size` bytes.
struct RingRef {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
};
std::string encode_ring_ref(RingRef ref);
asset_sdk::Result<RingRef> decode_ring_ref(std::string_view payload);

// kResult: how the command ended, as the worker saw it.
enum class ResultCode : std::uint8_t {
    kOk = 0,
    kCancelled = 1,       // the plugin returned AH_CANCELLED
    kFailed = 2,          // the plugin returned AH_ERROR (message: its last_error)
    kConfigRejected = 3,  // configure() refused (message names the manifest and plugin)
    kLoadFailed = 4,      // the library could not be loaded in the worker
    kBadRequest = 5       // the worker could not use its kConfig frame
};

struct WorkerResult {
    ResultCode code = ResultCode::kOk;
    std::string message;
};

std::string encode_result(const WorkerResult& result);
asset_sdk::Result<WorkerResult> decode_result(std::string_view payload);

// ---- items ------------------------------------------------------------------------------

enum class ItemKind : std::uint8_t {
    kRecord = 1,     // a record, as emitted
    kMarker = 2,     // a checkpoint marker, as emitted
    kLog = 3,        // uint8 spdlog level, then the text
    kStatistic = 4,  // a statistic the worker's instance accepted
    kCheck = 5       // one "Test connector" check
};

inline constexpr std::size_t kItemHeaderSize = 5;

// Writes an item's header at `out` (kItemHeaderSize bytes): where the item goes in place, as in
// the shared ring.
void write_item_header(char* out, ItemKind kind, std::uint32_t size);
void append_item_header(std::string& out, ItemKind kind, std::uint32_t size);
void append_item(std::string& out, ItemKind kind, std::string_view data);

struct Item {
    ItemKind kind;
    std::string_view data;
};

// Walks a kItems payload.
class ItemReader {
public:
    explicit ItemReader(std::string_view payload) : rest_(payload) {}
    // The next item; nullopt at the end; kProtocol on a truncated item or an unknown kind.
    asset_sdk::Result<std::optional<Item>> next();

private:
    std::string_view rest_;
};

std::string encode_log(int level, std::string_view text);
struct LogItem {
    int level;
    std::string_view text;
};
asset_sdk::Result<LogItem> decode_log(std::string_view data);

// `stat` was accepted by the worker's PluginStatistics, so its strings are bounded.
std::string encode_statistic(const ah_statistic& stat);

// A decoded statistic with its own storage, shaped as the ah_statistic the host's
// PluginStatistics takes (so it is checked again by the same rules).
class StatisticItem {
public:
    ah_stat_kind kind = AH_STAT_COUNTER_ADD;
    std::string name;
    std::vector<std::pair<std::string, std::string>> labels;
    double value = 0;

    // Points into this object: valid while it lives unchanged.
    const ah_statistic& as_abi();

private:
    std::vector<ah_label> abi_labels_;
    ah_statistic abi_{};
};
asset_sdk::Result<StatisticItem> decode_statistic(std::string_view data);

std::string encode_check(const CheckResult& check);
asset_sdk::Result<CheckResult> decode_check(std::string_view data);

}  // namespace asset_host::isolation
