#include "cycle/cycle_summary.h"

#include <asset_sdk/time_util.h>

#include <nlohmann/json.hpp>

namespace asset_host::cycle {

namespace {

// A value safe in a key=value line: quoted, quotes and backslashes escaped, one line.
std::string quote_value(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    out.push_back('"');
    return out;
}

bool is_plain_word(std::string_view s) {
    if (s.empty() || s.size() > 32) return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

std::string_view outcome_name(CycleSummary::Outcome outcome) {
    switch (outcome) {
        case CycleSummary::Outcome::kOk:
            return "ok";
        case CycleSummary::Outcome::kPartial:
            return "partial";
        case CycleSummary::Outcome::kFailed:
            return "failed";
        case CycleSummary::Outcome::kCancelled:
            return "cancelled";
    }
    return "unknown";
}

std::string_view outcome_word(CycleSummary::Outcome outcome) {
    return outcome == CycleSummary::Outcome::kOk ? "success" : outcome_name(outcome);
}

std::string format_summary(const CycleSummary& s) {
    std::string line = "cycle connector=" + s.connector;
    line += " outcome=" + std::string(outcome_name(s.outcome));
    line += " mode=" + s.mode;
    line += " fetched=" + std::to_string(s.records_fetched);
    line += " sent=" + std::to_string(s.records_sent);
    line += " batches=" + std::to_string(s.batches);
    line += " retries=" + std::to_string(s.retries);
    line += " skipped=" + (s.skipped ? std::to_string(*s.skipped) : std::string("-"));
    line += " rejected=" + std::to_string(s.records_rejected);
    line += " duration=" +
            asset_sdk::format_duration(s.duration, asset_sdk::DurationPrecision::kTenths);
    line += std::string(" checkpoint=") + (s.checkpoint_saved ? "saved" : "unchanged");
    if (!s.error.empty()) line += " error=" + quote_value(s.error);
    return line;
}

void apply_hints(const CycleHints& hints, CycleSummary& summary) {
    if (hints.mode && is_plain_word(*hints.mode)) summary.mode = *hints.mode;
    if (hints.records_skipped) summary.skipped = hints.records_skipped;
}

void read_summary_hints(std::string_view marker_json, CycleSummary& summary) {
    const nlohmann::json doc = nlohmann::json::parse(marker_json, nullptr, false);
    if (!doc.is_object()) return;
    CycleHints hints;
    if (auto it = doc.find("mode"); it != doc.end() && it->is_string()) {
        hints.mode = it->get<std::string>();
    }
    if (auto it = doc.find("skipped"); it != doc.end() && it->is_number_unsigned()) {
        hints.records_skipped = it->get<std::uint64_t>();
    } else if (it != doc.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0) {
        hints.records_skipped = static_cast<std::uint64_t>(it->get<std::int64_t>());
    }
    apply_hints(hints, summary);
}

}  // namespace asset_host::cycle
