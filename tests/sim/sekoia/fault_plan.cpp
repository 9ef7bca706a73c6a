#include "fault_plan.h"

#include <algorithm>
#include <map>

namespace sekoiasim {

namespace {

const std::map<std::string, FaultKind>& kinds() {
    static const std::map<std::string, FaultKind> k = {
        {"http_500", FaultKind::kHttp500},
        {"http_503", FaultKind::kHttp503},
        {"rate_limit_429", FaultKind::kRateLimit429},
        {"hang", FaultKind::kHang},
        {"accept_then_hang", FaultKind::kAcceptThenHang},
        {"http_400", FaultKind::kHttp400},
        {"http_401", FaultKind::kHttp401},
        {"http_403", FaultKind::kHttp403},
        {"http_404", FaultKind::kHttp404},
        {"http_413", FaultKind::kHttp413},
    };
    return k;
}

bool read_int(const nlohmann::json& f, const char* key, std::int64_t& out, std::int64_t min,
              std::string& error) {
    auto it = f.find(key);
    if (it == f.end()) return true;
    if (!it->is_number_integer() || it->get<std::int64_t>() < min) {
        error = std::string(key) + ": expected an integer >= " + std::to_string(min);
        return false;
    }
    out = it->get<std::int64_t>();
    return true;
}

}  // namespace

bool Fault::matches(std::int64_t n) const {
    if (n < on_request) return false;
    if (count > 0 && triggered >= count) return false;
    if (every > 0) return (n - on_request) % every == 0;
    return count == 0 || n < on_request + count;
}

nlohmann::json Fault::to_json() const {
    nlohmann::json j = {{"kind", kind_name}, {"on_request", on_request}, {"count", count},
                        {"every", every},    {"hang_ms", hang_ms},       {"triggered", triggered}};
    if (retry_after_seconds) j["retry_after"] = *retry_after_seconds;
    if (retry_after_http_date) j["retry_after_http_date"] = true;
    if (!message.empty()) j["message"] = message;
    return j;
}

bool FaultPlan::parse(const nlohmann::json& body, FaultPlan& out, std::string& error) {
    out = FaultPlan{};
    if (!body.is_object() || !body.contains("faults") || !body["faults"].is_array()) {
        error = "expected {\"faults\": [...]}";
        return false;
    }
    for (std::size_t i = 0; i < body["faults"].size(); ++i) {
        const auto& f = body["faults"][i];
        const std::string where = "faults[" + std::to_string(i) + "].";
        if (!f.is_object() || !f.contains("kind") || !f["kind"].is_string()) {
            error = where + "kind: required string";
            return false;
        }
        Fault fault;
        fault.kind_name = f["kind"].get<std::string>();
        auto kind = kinds().find(fault.kind_name);
        if (kind == kinds().end()) {
            error = where + "kind: unknown fault '" + fault.kind_name + "'";
            return false;
        }
        fault.kind = kind->second;
        if (!read_int(f, "every", fault.every, 0, error)) {
            error = where + error;
            return false;
        }
        if (fault.every > 0) {
            fault.on_request = fault.every;
            fault.count = 0;
        }
        if (!read_int(f, "on_request", fault.on_request, 1, error) ||
            !read_int(f, "count", fault.count, 0, error) ||
            !read_int(f, "hang_ms", fault.hang_ms, 0, error)) {
            error = where + error;
            return false;
        }
        if (f.contains("retry_after")) {
            if (!f["retry_after"].is_number() || f["retry_after"].get<double>() < 0) {
                error = where + "retry_after: expected seconds >= 0";
                return false;
            }
            fault.retry_after_seconds = f["retry_after"].get<double>();
        }
        if (f.contains("retry_after_http_date")) {
            fault.retry_after_http_date =
                f["retry_after_http_date"].is_boolean() && f["retry_after_http_date"].get<bool>();
        }
        if (f.contains("message") && f["message"].is_string()) {
            fault.message = f["message"].get<std::string>();
        }
        if (fault.kind == FaultKind::kRateLimit429 && !fault.retry_after_seconds) {
            fault.retry_after_seconds = 1;
        }
        fault.hang_ms = std::min<std::int64_t>(fault.hang_ms, 600'000);
        out.faults_.push_back(std::move(fault));
    }
    return true;
}

std::optional<Fault> FaultPlan::next_request() {
    const std::int64_t n = ++requests_;
    for (auto& fault : faults_) {
        if (fault.matches(n)) {
            ++fault.triggered;
            return fault;
        }
    }
    return std::nullopt;
}

nlohmann::json FaultPlan::to_json() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : faults_) list.push_back(f.to_json());
    return {{"faults", list}, {"requests_since_set", requests_}};
}

}  // namespace sekoiasim
