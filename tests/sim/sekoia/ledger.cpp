#include "ledger.h"

#include "item_validation.h"

#include <algorithm>

namespace sekoiasim {

void Ledger::count_request(const std::string& connector, const std::string& accept_encoding) {
    std::lock_guard lock(mu_);
    ++posts_;
    ++accept_encodings_[accept_encoding];
    ++connectors_[connector].posts;
}

void Ledger::count_status(const std::string& connector, int status, bool accepted) {
    std::lock_guard lock(mu_);
    ++status_counts_[std::to_string(status)];
    if (accepted) {
        ++accepted_posts_;
        ++connectors_[connector].accepted_posts;
    } else {
        ++rejected_posts_;
    }
}

void Ledger::record_items(const std::string& connector, const nlohmann::json& items,
                          const std::vector<std::vector<std::string>>& dropped) {
    std::lock_guard lock(mu_);
    Connector& c = connectors_[connector];
    for (const auto& item : items) {
        const std::string uid = item["device"]["uid"].get<std::string>();
        ++uid_counts_[uid];
        ++c.uid_counts[uid];
        ++c.items;
        items_.push_back(item.dump());
    }
    for (const auto& keys : dropped) {
        for (const auto& key : keys) ++dropped_keys_[key];
    }
}

void Ledger::count_validate() {
    std::lock_guard lock(mu_);
    ++validates_;
}

void Ledger::count_hang() {
    std::lock_guard lock(mu_);
    ++hangs_;
}

void Ledger::reset() {
    std::lock_guard lock(mu_);
    posts_ = accepted_posts_ = rejected_posts_ = hangs_ = validates_ = 0;
    status_counts_.clear();
    accept_encodings_.clear();
    items_.clear();
    uid_counts_.clear();
    dropped_keys_.clear();
    connectors_.clear();
}

nlohmann::json Ledger::stats() const {
    std::lock_guard lock(mu_);
    const auto unique = static_cast<std::int64_t>(uid_counts_.size());
    const auto received = static_cast<std::int64_t>(items_.size());
    nlohmann::json per_connector = nlohmann::json::object();
    for (const auto& [name, c] : connectors_) {
        const auto c_unique = static_cast<std::int64_t>(c.uid_counts.size());
        per_connector[name] = {{"posts", c.posts},
                               {"accepted_posts", c.accepted_posts},
                               {"items_received", c.items},
                               {"unique_uids", c_unique},
                               {"duplicates", c.items - c_unique}};
    }
    return {{"posts", posts_},
            {"accepted_posts", accepted_posts_},
            {"rejected_posts", rejected_posts_},
            {"hangs", hangs_},
            {"auth_validate_requests", validates_},
            {"status_counts", status_counts_},
            {"accept_encodings", accept_encodings_},
            {"items_received", received},
            {"unique_uids", unique},
            {"duplicates", received - unique},
            {"dropped_keys", dropped_keys_},
            {"per_connector", per_connector}};
}

nlohmann::json Ledger::items(std::size_t offset, std::size_t limit, bool kept) const {
    std::lock_guard lock(mu_);
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t i = offset; i < items_.size() && i - offset < limit; ++i) {
        nlohmann::json item = nlohmann::json::parse(items_[i]);
        list.push_back(kept ? kept_view(item) : std::move(item));
    }
    return {{"total", items_.size()}, {"offset", offset}, {"items", list}};
}

nlohmann::json Ledger::uids() const {
    std::lock_guard lock(mu_);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [uid, count] : uid_counts_) list.push_back(uid);  // std::map: sorted
    return {{"count", uid_counts_.size()}, {"uids", list}};
}

}  // namespace sekoiasim
