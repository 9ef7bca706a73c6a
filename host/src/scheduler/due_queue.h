// The connectors waiting for their next cycle, earliest due first; connectors due at the same
// time come out in the order they were queued (first in, first out). A connector goes back in
// with its next due time after each cycle, so one that just ran queues behind every connector
// that was already due: with a bounded pool, none starves and a slow connector holds only its
// own slot.
#pragma once

#include <asset_sdk/clock.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

namespace asset_host::scheduler {

class DueQueue {
public:
    // Queues `name` due at `due`, replacing its previous entry if any.
    void push(const std::string& name, asset_sdk::SteadyTime due);
    // Takes `name` out; false when it was not queued.
    bool remove(const std::string& name);
    // The first connector due at `now` or earlier, taken out; nullopt when none is due yet.
    std::optional<std::string> pop_due(asset_sdk::SteadyTime now);
    // When the first queued connector is due; nullopt when the queue is empty.
    std::optional<asset_sdk::SteadyTime> earliest() const;
    bool contains(const std::string& name) const { return due_.count(name) > 0; }
    std::size_t size() const { return due_.size(); }

private:
    using Entry = std::tuple<asset_sdk::SteadyTime, std::uint64_t, std::string>;  // due, seq

    std::set<Entry> order_;
    std::map<std::string, std::pair<asset_sdk::SteadyTime, std::uint64_t>> due_;  // by name
    std::uint64_t next_seq_ = 0;
};

}  // namespace asset_host::scheduler
