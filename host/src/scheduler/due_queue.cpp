#include "scheduler/due_queue.h"

namespace asset_host::scheduler {

void DueQueue::push(const std::string& name, asset_sdk::SteadyTime due) {
    remove(name);
    const std::uint64_t seq = next_seq_++;
    order_.emplace(due, seq, name);
    due_[name] = {due, seq};
}

bool DueQueue::remove(const std::string& name) {
    const auto it = due_.find(name);
    if (it == due_.end()) return false;
    order_.erase(Entry{it->second.first, it->second.second, name});
    due_.erase(it);
    return true;
}

std::optional<std::string> DueQueue::pop_due(asset_sdk::SteadyTime now) {
    if (order_.empty() || std::get<0>(*order_.begin()) > now) return std::nullopt;
    std::string name = std::get<2>(*order_.begin());
    order_.erase(order_.begin());
    due_.erase(name);
    return name;
}

std::optional<asset_sdk::SteadyTime> DueQueue::earliest() const {
    if (order_.empty()) return std::nullopt;
    return std::get<0>(*order_.begin());
}

}  // namespace asset_host::scheduler
