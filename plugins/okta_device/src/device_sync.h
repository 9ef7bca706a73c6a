// One fetch cycle: decide full vs incremental from the checkpoint, walk the device pages
// (pacing, retries, link policy), stream one record per device to the host, and hand a
// checkpoint marker to the host after every completed page.
#pragma once

#include "config.h"
#include "host_io.h"
#include "okta_client.h"
#include "page_reader.h"
#include "pager.h"
#include "sync_state.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>
#include <asset_sdk/status.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace okta_device {

struct SyncSummary {
    SyncMode mode = SyncMode::kFull;
    bool resumed = false;
    std::int64_t devices = 0;
    std::int64_t pages = 0;
    std::int64_t skipped = 0;
    std::int64_t tolerated = 0;     // fields dropped for a wrong type / bad timestamp
    std::int64_t page_rereads = 0;  // pages re-fetched because their body was broken
    ClientStats client;
};

class DeviceSync {
public:
    DeviceSync(const OktaConfig& config, asset_sdk::HttpClient& http, asset_sdk::Clock& clock,
               HostIo& io, std::uint64_t seed);

    // Runs one cycle. `marker`: the last persisted checkpoint, if any; `force_full`: --full.
    asset_sdk::Status run(std::optional<std::string_view> marker, bool force_full);

    const SyncSummary& summary() const { return summary_; }

private:
    // Reads the page in `r`, fetching it again while its body is broken (bounded by
    // max_retry_time). A page is never skipped: it is read whole or the cycle fails.
    asset_sdk::Status read_page(const std::string& url, std::int64_t page, ApiResult& r,
                                Marker& marker, PageStats& stats);
    asset_sdk::Status refetch(const std::string& url, std::int64_t page, ApiResult& r);
    asset_sdk::Status read_once(ApiResult& r, std::int64_t page, bool again, int& warned_upto,
                                Marker& marker, PageStats& stats);
    void warn_skipped(std::int64_t page, int index, std::string_view id, std::string_view reason);

    const OktaConfig& config_;
    asset_sdk::Clock& clock_;
    HostIo& io_;
    OktaClient client_;
    PageReader reader_;
    SyncSummary summary_;
    int skip_warnings_ = 0;
};

}  // namespace okta_device
