// What the fake Sekoia received: every item of every accepted request (in arrival order), counts
// per device uid (to find missing and duplicated devices), per-connector totals, counters of
// intake requests by outcome and status, and how often each key Sekoia's models drop arrived.
// Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace sekoiasim {

class Ledger {
public:
    // Counts one intake POST, whatever became of it, and the Accept-Encoding it carried
    // ("" when none): what the client asked the answer to be compressed with.
    void count_request(const std::string& connector, const std::string& accept_encoding);
    // Records the answer status of an intake POST (accepted = 2xx with items recorded).
    void count_status(const std::string& connector, int status, bool accepted);
    // Records the items of an accepted request (each must have device.uid) and, per item, the
    // keys Sekoia's models dropped from it.
    void record_items(const std::string& connector, const nlohmann::json& items,
                      const std::vector<std::vector<std::string>>& dropped);
    void count_hang();
    void count_validate();  // a GET of the token check
    void reset();

    nlohmann::json stats() const;
    // Items in arrival order; `kept`: as Sekoia keeps them (kept_view), not as received.
    nlohmann::json items(std::size_t offset, std::size_t limit, bool kept = false) const;
    nlohmann::json uids() const;

private:
    struct Connector {
        std::int64_t posts = 0;
        std::int64_t accepted_posts = 0;
        std::int64_t items = 0;
        std::map<std::string, std::int64_t> uid_counts;
    };
    mutable std::mutex mu_;
    std::int64_t posts_ = 0;
    std::int64_t accepted_posts_ = 0;
    std::int64_t rejected_posts_ = 0;
    std::int64_t hangs_ = 0;
    std::int64_t validates_ = 0;
    std::map<std::string, std::int64_t> status_counts_;
    std::map<std::string, std::int64_t> accept_encodings_;  // Accept-Encoding value -> POSTs
    std::vector<std::string> items_;  // compact JSON text of each accepted item
    std::map<std::string, std::int64_t> uid_counts_;
    std::map<std::string, std::int64_t> dropped_keys_;  // "device.os.version" -> items
    std::map<std::string, Connector> connectors_;
};

}  // namespace sekoiasim
