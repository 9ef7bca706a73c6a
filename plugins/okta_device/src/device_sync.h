// One fetch cycle: decide full vs incremental from the checkpoint, walk the device pages
// (pacing, retries, link policy), stream one record per device to the host, and hand a
// checkpoint marker (with the cycle's mode and skipped devices as statistics) to the host after
// every completed page. When the host says stop, it logs why and returns cancelled.
#pragma once

#include "config.h"
#include "okta_client.h"
#include "page_reader.h"
#include "pager.h"
#include "sync_state.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>
#include <asset_sdk/status.h>
#include <asset_host/host.hpp>

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
    std::int64_t tolerated = 0;       // fields dropped for a wrong type / bad timestamp
    std::int64_t page_rereads = 0;    // pages re-fetched because their body was broken
    std::int64_t repaired_pages = 0;  // pages read after repairing undecodable text
    ClientStats client;
};

class DeviceSync {
public:
    // `auth` outlives the sync (the plugin keeps it, with its cached OAuth token, across cycles).
    DeviceSync(const OktaConfig& config, asset_sdk::HttpClient& http, OktaAuth& auth,
               asset_sdk::Clock& clock, asset_host::Host& host, std::uint64_t seed);

    // Runs one cycle. `marker`: the last persisted checkpoint, if any; `force_full`: --full.
    asset_sdk::Status run(std::optional<std::string_view> marker, bool force_full);

    const SyncSummary& summary() const { return summary_; }

private:
    // One run(): the plan, the marker it builds, and where the walk over the pages is.
    struct Cycle {
        Cycle(SyncPlan p, const OktaConfig& config);
        SyncPlan plan;
        Marker marker;
        Pager pager;
        std::string url;  // the page to fetch next
        bool resuming = false;
        bool first_response = true;
        std::int64_t page = 0;
    };
    void begin(Cycle& cycle);
    // Page after page until the last one, or the first failure.
    asset_sdk::Status walk(Cycle& cycle);
    // GETs cycle.url; a refused saved cursor restarts the sync from its first page.
    asset_sdk::Status fetch_page(Cycle& cycle, ApiResult& r);
    // Asks for the page after `r` before `r` is read, when advance() will follow its link.
    void prefetch_next(const Cycle& cycle, const ApiResult& r);
    void note_sync_start(Cycle& cycle, const asset_sdk::HttpResponse& response);
    // After a page was read: the next URL, the checkpoint. true when there is a next page.
    asset_sdk::Result<bool> advance(Cycle& cycle, const ApiResult& r, const PageStats& stats,
                                    asset_sdk::SteadyTime page_began);
    void log_page(std::int64_t page, const PageStats& stats, asset_sdk::SteadyTime page_began);
    void log_complete(SyncMode mode, asset_sdk::SteadyTime cycle_began);
    asset_sdk::Millis since(asset_sdk::SteadyTime t) const;

    // Reads the page in `r`, fetching it again while its body is broken (bounded by
    // max_retry_time). A page is never skipped: it is read whole or the cycle fails.
    asset_sdk::Status read_page(const std::string& url, std::int64_t page, ApiResult& r,
                                Marker& marker, PageStats& stats);
    asset_sdk::Status refetch(const std::string& url, std::int64_t page, ApiResult& r);
    asset_sdk::Status read_once(ApiResult& r, std::int64_t page, bool again, int& warned_upto,
                                Marker& marker, PageStats& stats);
    void warn_skipped(std::int64_t page, int index, std::string_view id, std::string_view reason);
    void warn_repaired(std::int64_t page, const asset_sdk::JsonRepairCounts& repairs,
                       const asset_sdk::HttpResponse& response);

    const OktaConfig& config_;
    asset_sdk::Clock& clock_;
    asset_host::Host& host_;
    OktaClient client_;
    PageReader reader_;
    SyncSummary summary_;
    int skip_warnings_ = 0;
    std::int64_t skipped_reported_ = 0;  // skipped devices already told to the host
};

}  // namespace okta_device
