#include "device_sync.h"

#include <asset_sdk/retry.h>
#include <asset_sdk/time_util.h>

#include <algorithm>

namespace okta_device {

namespace {

using asset_sdk::Millis;
using asset_sdk::Status;
using asset_sdk::StatusCode;

constexpr int kMaxSkipWarnings = 50;  // per cycle; later skipped devices are only counted

std::optional<std::int64_t> max_opt(std::optional<std::int64_t> a, std::optional<std::int64_t> b) {
    if (!a) return b;
    if (!b) return a;
    return std::max(*a, *b);
}

std::string page_label(std::int64_t page) {
    return "page " + std::to_string(page);
}

// A page without a device: "[]", maybe with whitespace.
bool is_empty_page(std::string_view body) {
    constexpr std::string_view kSpace = " \t\r\n";
    const std::size_t open = body.find_first_not_of(kSpace);
    if (open == std::string_view::npos || body[open] != '[') return false;
    const std::size_t close = body.find_first_not_of(kSpace, open + 1);
    return close != std::string_view::npos && body[close] == ']' &&
           body.find_first_not_of(kSpace, close + 1) == std::string_view::npos;
}

// "1 page", "25 pages".
std::string count(std::int64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

DeviceSync::DeviceSync(const OktaConfig& config, asset_sdk::HttpClient& http, OktaAuth& auth,
                       asset_sdk::Clock& clock, asset_host::Host& host, std::uint64_t seed)
    : config_(config),
      clock_(clock),
      host_(host),
      client_(config, http, auth, clock, host, seed),
      reader_(config.time_unit) {}

void DeviceSync::warn_skipped(std::int64_t page, int index, std::string_view id,
                              std::string_view reason) {
    if (skip_warnings_ < kMaxSkipWarnings) {
        host_.warn("skipped device #" + std::to_string(index + 1) + " of " + page_label(page) +
                   (id.empty() ? std::string() : " (id " + std::string(id) + ")") + ": " +
                   std::string(reason));
    } else if (skip_warnings_ == kMaxSkipWarnings) {
        host_.warn("more devices skipped; only counting them from now on (see the cycle summary)");
    }
    ++skip_warnings_;
}

Status DeviceSync::read_page(const std::string& url, std::int64_t page, ApiResult& r,
                             Marker& marker, PageStats& stats) {
    Status outcome;        // of the last attempt
    int warned_upto = -1;  // skipped devices of this page already warned about
    asset_sdk::Retrier retrier(clock_, {config_.max_retry_time, {}},
                               static_cast<std::uint64_t>(page) * 7919u,
                               [this](Millis d) { return client_.wait(d); });
    const asset_sdk::RetryEnd end = retrier.run(
        [&] {
            const bool again = retrier.attempts() > 1;
            if (again && !(outcome = refetch(url, page, r)).is_ok()) {
                return asset_sdk::AttemptResult::finished();
            }
            outcome = read_once(r, page, again, warned_upto, marker, stats);
            return outcome.is_ok() || outcome.code() == StatusCode::kCancelled
                       ? asset_sdk::AttemptResult::finished()
                       : asset_sdk::AttemptResult::retry();
        },
        [&](Millis delay) {
            host_.warn(page_label(page) + ": " + outcome.message() + request_id_suffix(r.response) +
                       "; reading the page again in " + asset_sdk::format_duration(delay));
            ++summary_.page_rereads;
        });
    if (end == asset_sdk::RetryEnd::kCancelled) return asset_sdk::cancelled();
    if (end == asset_sdk::RetryEnd::kOutOfBudget) {
        summary_.client = client_.stats();
        return Status(StatusCode::kProtocol,
                      page_label(page) + ": " + outcome.message() + request_id_suffix(r.response) +
                          "; still broken after " + std::to_string(retrier.attempts()) +
                          " attempts (max_retry_time " +
                          asset_sdk::format_duration(config_.max_retry_time) +
                          "); no checkpoint was written past the last complete page, so the "
                          "next cycle reads this page again");
    }
    return outcome;
}

Status DeviceSync::refetch(const std::string& url, std::int64_t page, ApiResult& r) {
    // The broken body's reader has returned (read_page calls this only between attempts), so
    // its buffer can take the page again; see walk() for why nothing else points into it.
    client_.recycle(std::move(r.response.body));
    r = client_.get(url);
    if (r.ok()) return Status::ok();
    summary_.client = client_.stats();
    if (r.status.code() == StatusCode::kCancelled) return r.status;
    return r.status.with_context(page_label(page) + ": ");
}

Status DeviceSync::read_once(ApiResult& r, std::int64_t page, bool again, int& warned_upto,
                             Marker& marker, PageStats& stats) {
    const Status st = reader_.read(
        r.response.body, clock_.now(), again,
        [this](std::string_view record) { return host_.emit(record); },
        [this, page, &warned_upto](int index, std::string_view id, std::string_view reason) {
            if (index <= warned_upto) return;  // warned by an earlier attempt
            warned_upto = index;
            warn_skipped(page, index, id, reason);
        },
        stats);
    // Records count from every attempt (they were sent); skipped devices only from the attempt
    // that read the whole page, so a re-read does not count them twice.
    summary_.devices += stats.devices;
    marker.watermark_ms = max_opt(marker.watermark_ms, stats.max_last_updated_ms);
    if (st.is_ok()) {
        summary_.skipped += stats.skipped;
        summary_.tolerated += stats.tolerated;
        if (stats.repairs.total() > 0) warn_repaired(page, stats.repairs, r.response);
    }
    return st;
}

void DeviceSync::warn_repaired(std::int64_t page, const asset_sdk::JsonRepairCounts& repairs,
                               const asset_sdk::HttpResponse& response) {
    ++summary_.repaired_pages;
    std::string what;
    auto add = [&what](std::size_t n, const char* one, const char* many) {
        if (n == 0) return;
        what += (what.empty() ? "" : ", ") + count(static_cast<std::int64_t>(n), one, many);
    };
    add(repairs.lone_surrogates, "lone UTF-16 surrogate escape", "lone UTF-16 surrogate escapes");
    add(repairs.invalid_utf8, "invalid UTF-8 sequence", "invalid UTF-8 sequences");
    add(repairs.invalid_escapes, "invalid escape", "invalid escapes");
    add(repairs.control_chars, "unescaped control character", "unescaped control characters");
    host_.warn(page_label(page) + " had text that is not valid Unicode (" + what +
               ", the first at byte " + std::to_string(repairs.first_offset) + ")" +
               request_id_suffix(response) +
               "; repaired (U+FFFD for undecodable characters, control characters escaped) and "
               "read: the affected values carry U+FFFD");
}

DeviceSync::Cycle::Cycle(SyncPlan p, const OktaConfig& config)
    : plan(std::move(p)),
      pager(config,
            device_search(config.statuses, plan.mode == SyncMode::kIncremental ? plan.lower_bound_ms
                                                                               : std::nullopt)) {
    marker.org = config.base_url;
    marker.statuses = statuses_key(config.statuses);
    marker.mode = plan.mode;
    marker.watermark_ms = plan.watermark_ms;
    marker.last_full_sync_completed_ms = plan.last_full_sync_completed_ms;
    marker.lower_bound_ms = plan.lower_bound_ms;
    marker.sync_started_ms = plan.resume ? plan.sync_started_ms : std::nullopt;
}

Status DeviceSync::run(std::optional<std::string_view> marker_json, bool force_full) {
    const asset_sdk::SteadyTime cycle_began = clock_.steady_now();
    Cycle cycle(plan_sync(marker_json, force_full, config_, clock_.now()), config_);
    begin(cycle);
    const Status walked = walk(cycle);
    client_.cancel_prefetch();  // a walk that stopped early may have asked for a page it skips
    if (walked.code() == StatusCode::kCancelled) {
        host_.info("sync stopped in " + page_label(cycle.page) + ": " +
                   std::string(asset_host::describe(host_.stop_reason())) +
                   "; the next cycle resumes after the last acknowledged page");
    }
    ASSET_RETURN_IF_ERROR(walked);
    summary_.client = client_.stats();
    log_complete(cycle.plan.mode, cycle_began);
    return Status::ok();
}

Status DeviceSync::walk(Cycle& cycle) {
    for (bool more = true; more;) {
        if (host_.cancelled()) return asset_sdk::cancelled();
        ++cycle.page;
        const asset_sdk::SteadyTime page_began = clock_.steady_now();
        ApiResult r;
        ASSET_RETURN_IF_ERROR(fetch_page(cycle, r));
        prefetch_next(cycle, r);
        // Read the page; a broken body is fetched again (bounded), never skipped.
        PageStats stats;
        ASSET_RETURN_IF_ERROR(read_page(cycle.url, cycle.page, r, cycle.marker, stats));
        auto next = advance(cycle, r, stats, page_began);
        if (!next) return next.status();
        more = *next;
        // Page n's decoded body becomes page n+1's buffer (GzipBodyDecoder: no fresh ~300 KB
        // mapping per page). Safe because nothing points into it any more, prefetch or not:
        //  - the reader has returned: simdjson On-Demand parses in place over this buffer, but
        //    only inside read_page(); the records it emitted were copied by the host, the
        //    reader keeps only id hashes, and advance() reads headers, not the body;
        //  - the prefetched page n+1 (prefetch_next, started before page n was read) is not
        //    decoded yet: its answer waits, still gzip-encoded, in the HTTP client (its own
        //    buffer) and is decoded by the next fetch_page()'s get(), which runs after this
        //    line, into this buffer. Decoding happens only inside get(), on this thread, so a
        //    held prefetch can never write into the body of the page being read;
        //  - `r` dies at the end of this iteration and is not read again.
        client_.recycle(std::move(r.response.body));
    }
    return Status::ok();
}

void DeviceSync::begin(Cycle& cycle) {
    const SyncPlan& plan = cycle.plan;
    for (const std::string& w : plan.warnings) host_.warn(w);
    summary_ = SyncSummary{};
    summary_.mode = plan.mode;
    skipped_reported_ = 0;
    cycle.resuming = plan.resume;
    if (cycle.resuming) {
        auto resumed = cycle.pager.resume_url(plan.resume_url);
        if (resumed) {
            cycle.url = std::move(resumed).value();
        } else {
            host_.warn("cannot resume from the stored checkpoint (" + resumed.status().message() +
                       "); restarting the " + mode_name(plan.mode) + " sync from its first page");
            cycle.resuming = false;
        }
    }
    if (!cycle.resuming) cycle.url = cycle.pager.first_url();
    cycle.pager.mark_visited(cycle.url);
    summary_.resumed = cycle.resuming;
    host_.info(std::string(cycle.resuming ? "resuming " : "starting ") + mode_name(plan.mode) +
               " sync of " + config_.base_url + ": " + plan.reason);
}

Status DeviceSync::fetch_page(Cycle& cycle, ApiResult& r) {
    r = client_.get(cycle.url);
    if (r.ok()) {
        if (cycle.first_response) note_sync_start(cycle, r.response);
        return Status::ok();
    }
    if (r.status.code() == StatusCode::kCancelled) return r.status;
    if (cycle.resuming && cycle.first_response && r.http_status == 400) {
        // The saved cursor expired or was refused: start this sync over rather than fail every
        // cycle on it.
        host_.warn("Okta refused the saved page cursor (" + r.status.message() +
                   "); restarting the " + mode_name(cycle.plan.mode) + " sync from its first page");
        cycle.resuming = false;
        summary_.resumed = false;
        cycle.marker.sync_started_ms.reset();
        cycle.url = cycle.pager.first_url();
        cycle.pager.mark_visited(cycle.url);
        return fetch_page(cycle, r);  // once: no longer resuming
    }
    summary_.client = client_.stats();
    return r.status.with_context(page_label(cycle.page) + ": ");
}

// Pages come one after the other (each names the next), so without this the server's time for
// page n+1 adds to this thread's time for page n (gunzip, parse, map, emit). Its next link is
// known from page n's headers, so page n+1 is asked for now and its answer waits in the socket
// buffer until advance() moves on; no thread is needed, and emit and checkpoint stay on this one.
// Only what advance() will follow: the link passes the pager's rules first (a link off the org
// is never requested), and an empty page, which ends the sync, prefetches nothing. advance()
// still decides; a re-read of page n (broken body) or a cancelled sync drops the prefetch.
void DeviceSync::prefetch_next(const Cycle& cycle, const ApiResult& r) {
    auto next = cycle.pager.peek_next(r.response);
    if (!next || !*next || is_empty_page(r.response.body)) return;
    client_.prefetch(**next);
}

void DeviceSync::note_sync_start(Cycle& cycle, const asset_sdk::HttpResponse& response) {
    cycle.first_response = false;
    if (cycle.marker.sync_started_ms) return;  // resumed: the sync started in an earlier cycle
    // The server's clock, not ours: lastUpdated values are stamped by the same clock.
    std::optional<asset_sdk::SystemTime> server_now;
    if (auto date = response.header("date")) server_now = asset_sdk::parse_http_date(*date);
    cycle.marker.sync_started_ms =
        asset_sdk::to_epoch_millis(server_now ? *server_now : clock_.now());
}

asset_sdk::Result<bool> DeviceSync::advance(Cycle& cycle, const ApiResult& r,
                                            const PageStats& stats,
                                            asset_sdk::SteadyTime page_began) {
    auto next = cycle.pager.next(r.response);
    if (!next) {
        summary_.client = client_.stats();
        return next.status().with_context(page_label(cycle.page) + ": ");
    }
    std::optional<std::string> next_url = std::move(next).value();
    if (stats.elements == 0 && next_url) {
        // Okta ends a list with a page without a next link; an empty page that still links on
        // would only make us spend rate limit on nothing.
        host_.debug(page_label(cycle.page) +
                    " is empty but links to a next page; treating it as the end");
        next_url.reset();
    }
    ++summary_.pages;
    host_.count("pages_total");  // the host's metrics: asset_host_plugin_pages_total
    log_page(cycle.page, stats, page_began);

    Marker& marker = cycle.marker;
    marker.skipped = summary_.skipped;
    marker.complete = !next_url;
    if (next_url) {
        marker.resume = Pager::path_and_query(*next_url);
    } else {
        marker.resume.clear();
        if (cycle.plan.mode == SyncMode::kFull) {
            marker.last_full_sync_completed_ms = asset_sdk::to_epoch_millis(clock_.now());
        }
    }
    // The host's cycle summary shows the mode and the skipped devices as of the last marker.
    host_.cycle_mode(mode_name(marker.mode));
    host_.records_skipped(static_cast<std::uint64_t>(summary_.skipped - skipped_reported_));
    skipped_reported_ = summary_.skipped;
    if (!host_.checkpoint(serialize_marker(marker))) return asset_sdk::cancelled();
    if (next_url) cycle.url = std::move(*next_url);
    return next_url.has_value();
}

void DeviceSync::log_page(std::int64_t page, const PageStats& stats,
                          asset_sdk::SteadyTime page_began) {
    const auto rl = client_.rate_limiter().last();
    host_.debug(
        page_label(page) + ": " + std::to_string(stats.devices) + " devices" +
        (stats.skipped ? ", " + std::to_string(stats.skipped) + " skipped" : "") +
        (stats.already_emitted ? ", " + std::to_string(stats.already_emitted) + " already sent"
                               : "") +
        " in " + asset_sdk::format_duration(since(page_began)) +
        (rl.remaining && rl.limit
             ? "; rate limit " + std::to_string(*rl.remaining) + "/" + std::to_string(*rl.limit)
             : ""));
}

void DeviceSync::log_complete(SyncMode mode, asset_sdk::SteadyTime cycle_began) {
    const auto& c = summary_.client;
    host_.info(std::string(mode_name(mode)) +
               " sync complete: " + count(summary_.devices, "device", "devices") + " in " +
               count(summary_.pages, "page", "pages") + ", " + std::to_string(summary_.skipped) +
               " skipped, " + count(c.retries, "retry", "retries") + ", " +
               count(c.rate_limited, "rate-limited response", "rate-limited responses") + ", " +
               count(summary_.page_rereads, "page re-read", "pages re-read") +
               (summary_.repaired_pages
                    ? ", " + count(summary_.repaired_pages, "page repaired", "pages repaired")
                    : std::string()) +
               ", waited " + asset_sdk::format_duration(c.waited) + ", took " +
               asset_sdk::format_duration(since(cycle_began)));
}

Millis DeviceSync::since(asset_sdk::SteadyTime t) const {
    return std::chrono::duration_cast<Millis>(clock_.steady_now() - t);
}

}  // namespace okta_device
