#include "fault_plan.h"

#include <algorithm>
#include <utility>

#include "poison.h"

namespace oktasim {

namespace {

const std::pair<const char*, FaultKind> kKinds[] = {
    {"http_500", FaultKind::kHttp500},
    {"http_502", FaultKind::kHttp502},
    {"http_503", FaultKind::kHttp503},
    {"rate_limit_429", FaultKind::kRateLimit429},
    {"concurrency_429", FaultKind::kConcurrency429},
    {"truncated_body", FaultKind::kTruncatedBody},
    {"malformed_json", FaultKind::kMalformedJson},
    {"off_origin_next", FaultKind::kOffOriginNext},
    {"repeated_next", FaultKind::kRepeatedNext},
    {"slow", FaultKind::kSlow},
    {"drop_connection", FaultKind::kDropConnection},
    {"unauthorized", FaultKind::kUnauthorized},
    {"bad_request", FaultKind::kBadRequest},
    {"poison_device", FaultKind::kPoisonDevice},
};

}  // namespace

bool Fault::terminal() const {
    switch (kind) {
        case FaultKind::kTruncatedBody:
        case FaultKind::kMalformedJson:
        case FaultKind::kOffOriginNext:
        case FaultKind::kRepeatedNext:
        case FaultKind::kSlow:
        case FaultKind::kPoisonDevice:
            return false;
        default:
            return true;
    }
}

std::string FaultPlan::arm(const Json& body, uint64_t seen) {
    if (!body.is_object() || !body.contains("faults") || !body["faults"].is_array()) {
        return "body must be {\"faults\": [ {\"kind\": ...}, ... ]}";
    }
    std::vector<Fault> parsed;
    for (const auto& f : body["faults"]) {
        if (!f.is_object() || !f.contains("kind") || !f["kind"].is_string()) {
            return "each fault needs a string \"kind\"";
        }
        Fault fault;
        fault.name = f["kind"].get<std::string>();
        const auto* kind = std::find_if(std::begin(kKinds), std::end(kKinds),
                                        [&](const auto& k) { return fault.name == k.first; });
        if (kind == std::end(kKinds)) return "unknown fault kind '" + fault.name + "'";
        fault.kind = kind->second;
        uint64_t on_request = 1;
        for (const auto& [key, v] : f.items()) {
            if (key == "kind") continue;
            if (key == "on_request" || key == "count" || key == "page") {
                if (!v.is_number_unsigned() || v.get<uint64_t>() < 1) {
                    return fault.name + "." + key + " must be an integer >= 1";
                }
                uint64_t& target = key == "count"  ? fault.count
                                   : key == "page" ? fault.page
                                                   : on_request;
                target = v.get<uint64_t>();
            } else if (key == "delay_ms" || key == "retry_after" || key == "reset_after_ms") {
                if (!v.is_number_unsigned()) {
                    return fault.name + "." + key + " must be a non-negative integer";
                }
                if (key == "delay_ms") fault.delay_ms = v.get<int64_t>();
                if (key == "retry_after") fault.retry_after_s = v.get<int64_t>();
                if (key == "reset_after_ms") fault.reset_after_ms = v.get<int64_t>();
            } else if (key == "device") {
                if (!v.is_number_unsigned()) return fault.name + ".device must be an integer >= 0";
                fault.device = v.get<uint64_t>();
            } else if (key == "variant") {
                if (!v.is_string()) return fault.name + ".variant must be a string";
                fault.variant = v.get<std::string>();
            } else {
                return fault.name + ": unknown key '" + key + "'";
            }
        }
        if (fault.kind == FaultKind::kOffOriginNext) {
            if (fault.variant.empty()) fault.variant = "port";
            if (fault.variant != "port" && fault.variant != "host" && fault.variant != "scheme" &&
                fault.variant != "host_evil") {
                return "off_origin_next.variant must be port, host, scheme or host_evil";
            }
        } else if (fault.kind == FaultKind::kRepeatedNext) {
            if (fault.variant.empty()) fault.variant = "self";
            if (fault.variant != "self" && fault.variant != "first") {
                return "repeated_next.variant must be self or first";
            }
        } else if (fault.kind == FaultKind::kPoisonDevice) {
            if (!is_poison_variant(fault.variant)) {
                return "poison_device.variant must be lone_surrogate, invalid_utf8, "
                       "control_char, wrong_types, name_not_string or id_not_string";
            }
        } else if (!fault.variant.empty()) {
            return fault.name + " takes no variant";
        }
        fault.first = fault.page > 0 ? on_request : seen + on_request;
        parsed.push_back(std::move(fault));
    }
    const bool append =
        body.contains("append") && body["append"].is_boolean() && body["append"].get<bool>();
    if (!append) clear();
    for (auto& f : parsed) faults_.push_back(std::move(f));
    return "";
}

std::vector<Fault> FaultPlan::on_device_request(uint64_t n, const std::string& cursor) {
    if (faults_.empty()) return {};  // nothing armed: pages are counted from the next plan on
    PageSeen& page = pages_[cursor];
    if (page.number == 0) page.number = pages_.size();
    ++page.requests;
    std::vector<Fault> hits;
    for (auto& f : faults_) {
        const uint64_t at = f.page > 0 ? page.requests : n;
        if ((f.page == 0 || f.page == page.number) && at >= f.first && at < f.first + f.count) {
            ++f.fired;
            hits.push_back(f);
        }
    }
    return hits;
}

Json FaultPlan::to_json() const {
    Json arr = Json::array();
    for (const auto& f : faults_) {
        Json j{
            {"kind", f.name}, {"first_request", f.first}, {"count", f.count}, {"fired", f.fired}};
        if (!f.variant.empty()) j["variant"] = f.variant;
        if (f.kind == FaultKind::kSlow) j["delay_ms"] = f.delay_ms;
        if (f.kind == FaultKind::kPoisonDevice) j["device"] = f.device;
        if (f.page > 0) j["page"] = f.page;
        arr.push_back(j);
    }
    return arr;
}

}  // namespace oktasim
