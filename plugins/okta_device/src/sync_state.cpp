#include "sync_state.h"

#include <asset_sdk/json_writer.h>
#include <asset_sdk/time_util.h>

#include <simdjson.h>

#include <algorithm>

namespace okta_device {

namespace {

using asset_sdk::Result;
using asset_sdk::Status;

std::string iso(std::int64_t ms) {
    return asset_sdk::format_iso8601_ms(asset_sdk::SystemTime(std::chrono::milliseconds(ms)));
}

void write_time(asset_sdk::JsonWriter& w, std::string_view key,
                const std::optional<std::int64_t>& ms) {
    if (ms) w.field(key, std::string_view(iso(*ms)));
}

Status bad_marker(std::string why) {
    return asset_sdk::invalid_argument("checkpoint marker " + std::move(why));
}

Status read_time(simdjson::dom::object obj, std::string_view key,
                 std::optional<std::int64_t>& out) {
    simdjson::dom::element e;
    if (obj[key].get(e)) return Status::ok();  // absent
    std::string_view s;
    if (e.get_string().get(s))
        return bad_marker("field '" + std::string(key) + "' is not a string");
    const auto t = asset_sdk::parse_iso8601(s);
    if (!t) return bad_marker("field '" + std::string(key) + "' is not an ISO-8601 time");
    out = asset_sdk::to_epoch_millis(*t);
    return Status::ok();
}

}  // namespace

const char* mode_name(SyncMode mode) {
    return mode == SyncMode::kFull ? "full" : "incremental";
}

std::string serialize_marker(const Marker& m) {
    std::string out;
    out.reserve(512);
    asset_sdk::JsonWriter w(out);
    w.begin_object();
    w.field("v", Marker::kVersion);
    w.field("org", std::string_view(m.org));
    w.field("mode", mode_name(m.mode));
    w.field("state", m.complete ? "complete" : "in_progress");
    if (!m.complete && !m.resume.empty()) w.field("resume", std::string_view(m.resume));
    write_time(w, "sync_started", m.sync_started_ms);
    write_time(w, "watermark", m.watermark_ms);
    if (m.mode == SyncMode::kIncremental) write_time(w, "lower_bound", m.lower_bound_ms);
    write_time(w, "last_full_sync_completed", m.last_full_sync_completed_ms);
    if (!m.statuses.empty()) w.field("statuses", std::string_view(m.statuses));
    if (m.skipped) w.field("skipped", *m.skipped);
    w.end_object();
    return out;
}

Result<Marker> parse_marker(std::string_view json) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(json);
    simdjson::dom::element root;
    if (parser.parse(padded).get(root)) return bad_marker("is not valid JSON");
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) return bad_marker("is not a JSON object");

    std::int64_t version = 0;
    if (obj["v"].get_int64().get(version) || version != Marker::kVersion) {
        return bad_marker("has an unknown version (this plugin reads version " +
                          std::to_string(Marker::kVersion) + ")");
    }
    Marker m;
    std::string_view s;
    if (obj["org"].get_string().get(s)) return bad_marker("has no 'org'");
    m.org = std::string(s);
    if (obj["mode"].get_string().get(s)) return bad_marker("has no 'mode'");
    if (s == "full") {
        m.mode = SyncMode::kFull;
    } else if (s == "incremental") {
        m.mode = SyncMode::kIncremental;
    } else {
        return bad_marker("has an unknown mode");
    }
    if (obj["state"].get_string().get(s)) return bad_marker("has no 'state'");
    if (s == "complete") {
        m.complete = true;
    } else if (s == "in_progress") {
        m.complete = false;
    } else {
        return bad_marker("has an unknown state");
    }
    if (!obj["resume"].get_string().get(s)) m.resume = std::string(s);
    if (!obj["statuses"].get_string().get(s)) m.statuses = std::string(s);
    if (!m.complete && m.resume.empty()) return bad_marker("is in progress without a resume link");
    ASSET_RETURN_IF_ERROR(read_time(obj, "sync_started", m.sync_started_ms));
    ASSET_RETURN_IF_ERROR(read_time(obj, "watermark", m.watermark_ms));
    ASSET_RETURN_IF_ERROR(read_time(obj, "lower_bound", m.lower_bound_ms));
    ASSET_RETURN_IF_ERROR(
        read_time(obj, "last_full_sync_completed", m.last_full_sync_completed_ms));
    return m;
}

std::string device_search(const std::vector<std::string>& statuses,
                          std::optional<std::int64_t> lower_bound_ms) {
    std::string search;
    if (lower_bound_ms) search = "lastUpdated gt \"" + iso(*lower_bound_ms) + "\"";
    if (statuses.empty()) return search;
    std::string status;
    for (const std::string& s : statuses) {
        status += (status.empty() ? "" : " or ") + ("status eq \"" + s + "\"");
    }
    if (statuses.size() > 1) status = "(" + status + ")";
    return search.empty() ? status : search + " and " + status;
}

std::string statuses_key(const std::vector<std::string>& statuses) {
    std::string key;
    for (const std::string& s : statuses) key += (key.empty() ? "" : ",") + s;
    return key;
}

std::optional<std::int64_t> next_lower_bound(std::optional<std::int64_t> watermark_ms,
                                             std::optional<std::int64_t> sync_started_ms,
                                             asset_sdk::Millis overlap) {
    std::optional<std::int64_t> base;
    if (watermark_ms && sync_started_ms) {
        base = std::min(*watermark_ms, *sync_started_ms);
    } else if (watermark_ms) {
        base = watermark_ms;
    } else {
        base = sync_started_ms;
    }
    if (!base) return std::nullopt;
    return *base - overlap.count();
}

namespace {

// "last full sync completed 3h ago, full_sync_every is 24h": why a mode was chosen, for the log.
std::string since_full_sync(const Marker& m, const OktaConfig& config, std::int64_t now_ms) {
    if (!m.last_full_sync_completed_ms) return "no full sync completed yet";
    return "last full sync completed " +
           asset_sdk::format_duration(asset_sdk::Millis(
               std::max<std::int64_t>(0, now_ms - *m.last_full_sync_completed_ms))) +
           " ago, full_sync_every is " + asset_sdk::format_duration(config.full_sync_every);
}

// Continue the interrupted sync `m` where it stopped.
SyncPlan resume_plan(const Marker& m, SyncPlan plan) {
    if (m.mode == SyncMode::kIncremental && !m.lower_bound_ms) {
        // Cannot happen with markers we wrote; be safe rather than guess a bound.
        plan = SyncPlan{};
        plan.watermark_ms = m.watermark_ms;
        plan.reason = "interrupted incremental sync without a lower bound";
        return plan;
    }
    plan.mode = m.mode;
    plan.resume = true;
    plan.resume_url = m.resume;
    plan.sync_started_ms = m.sync_started_ms;
    plan.lower_bound_ms = m.lower_bound_ms;
    plan.reason = std::string("resuming the interrupted ") + mode_name(m.mode) + " sync";
    return plan;
}

// A readable checkpoint of this org and no --full: resume it, or a full sync when one is due,
// or an incremental sync from the watermark.
SyncPlan plan_from_marker(const Marker& m, const OktaConfig& config, std::int64_t now_ms,
                          SyncPlan plan) {
    const bool full_due = !m.last_full_sync_completed_ms ||
                          now_ms - *m.last_full_sync_completed_ms >= config.full_sync_every.count();
    if (!m.complete) {
        if (m.mode == SyncMode::kFull || !full_due) return resume_plan(m, std::move(plan));
        plan.reason = "interrupted incremental sync, and a full sync is due (" +
                      since_full_sync(m, config, now_ms) + ")";
        return plan;
    }
    if (full_due) {
        plan.reason = "full sync due (" + since_full_sync(m, config, now_ms) + ")";
        return plan;
    }
    const auto lower =
        next_lower_bound(m.watermark_ms, m.sync_started_ms, config.incremental_overlap);
    if (!lower) {
        plan.reason = "checkpoint has no watermark";
        return plan;
    }
    plan.mode = SyncMode::kIncremental;
    plan.lower_bound_ms = lower;
    plan.reason =
        "devices updated since " + iso(*lower) + " (" + since_full_sync(m, config, now_ms) + ")";
    return plan;
}

}  // namespace

SyncPlan plan_sync(std::optional<std::string_view> marker_json, bool force_full,
                   const OktaConfig& config, asset_sdk::SystemTime now) {
    SyncPlan plan;
    plan.mode = SyncMode::kFull;
    if (!marker_json || marker_json->empty()) {
        plan.reason = "no checkpoint yet";
        return plan;
    }
    auto parsed = parse_marker(*marker_json);
    if (!parsed) {
        plan.warnings.push_back("ignoring the stored checkpoint: " + parsed.status().message() +
                                "; running a full sync");
        plan.reason = "unreadable checkpoint";
        return plan;
    }
    const Marker& m = *parsed;
    if (m.org != config.base_url) {
        plan.warnings.push_back("the stored checkpoint belongs to " + m.org.substr(0, 200) +
                                ", not " + config.base_url + "; running a full sync");
        plan.reason = "checkpoint of another org";
        return plan;
    }
    plan.watermark_ms = m.watermark_ms;
    plan.last_full_sync_completed_ms = m.last_full_sync_completed_ms;
    if (m.statuses != statuses_key(config.statuses)) {
        // Devices of a status the last syncs did not ask for are not "updated since" anything:
        // only a full sync finds them. A sync of the old filter is not resumed.
        const auto label = [](const std::string& k) { return k.empty() ? "every status" : k; };
        plan.reason = "statuses changed from " + label(m.statuses).substr(0, 100) + " to " +
                      label(statuses_key(config.statuses));
        return plan;
    }
    if (force_full) {
        plan.reason = "full sync requested";
        return plan;
    }
    return plan_from_marker(m, config, asset_sdk::to_epoch_millis(now), std::move(plan));
}

}  // namespace okta_device
