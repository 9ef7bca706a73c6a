#include "sim_stats.h"

namespace oktasim {

void SimStats::record(RequestRecord r) {
    ++status_counts[std::to_string(r.status)];
    log_.push_back(std::move(r));
    if (log_.size() > kLogCapacity) log_.pop_front();
}

void SimStats::record_decoy(DecoyRecord r) {
    ++decoy_requests_;
    if (r.had_authorization) ++decoy_requests_with_authorization_;
    decoy_log_.push_back(std::move(r));
    if (decoy_log_.size() > kLogCapacity) decoy_log_.pop_front();
}

void SimStats::clear() {
    *this = SimStats{};
}

Json SimStats::to_json() const {
    Json counts = Json::object();
    for (const auto& [k, v] : status_counts) counts[k] = v;
    Json fired = Json::object();
    for (const auto& [k, v] : faults_fired) fired[k] = v;
    Json log = Json::array();
    for (const auto& r : log_) {
        Json e{{"method", r.method},
               {"path_and_query", r.path_and_query},
               {"status", r.status},
               {"had_valid_auth", r.had_valid_auth},
               {"had_authorization", r.had_authorization},
               {"accept_encoding", r.accept_encoding}};
        if (!r.fault.empty()) e["fault"] = r.fault;
        log.push_back(std::move(e));
    }
    Json decoy_log = Json::array();
    for (const auto& r : decoy_log_) {
        decoy_log.push_back({{"listener", r.listener},
                             {"method", r.method},
                             {"host", r.host},
                             {"path_and_query", r.path_and_query},
                             {"had_authorization", r.had_authorization}});
    }
    return Json{{"requests", requests},
                {"device_requests", device_requests},
                {"device_pages_served", device_pages_served},
                {"status_counts", counts},
                {"auth_failures", auth_failures},
                {"faults_fired", fired},
                {"decoy_requests", decoy_requests_},
                {"decoy_requests_with_authorization", decoy_requests_with_authorization_},
                {"decoy_log", decoy_log},
                {"off_origin_followed", off_origin_followed},
                {"off_origin_followed_with_authorization", off_origin_followed_with_authorization},
                {"requests_log", log}};
}

}  // namespace oktasim
