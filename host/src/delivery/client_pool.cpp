#include "delivery/client_pool.h"

#include <asset_sdk/url.h>

#include <algorithm>
#include <utility>

namespace asset_host::delivery {

std::string client_pool_key(const std::string& url, const asset_sdk::HttpClientOptions& options) {
    auto parsed = asset_sdk::parse_url(url);
    // Every field of HttpClientOptions that changes which connection may carry a request, or
    // how it is made; `user_agent` and `cancelled` are per request here. NUL separates them
    // (no field can hold one).
    std::string key = parsed ? parsed->origin() : url;
    for (const std::string* field :
         {&options.ca_file, &options.system_ca_file, &options.system_ca_dir, &options.proxy}) {
        key += '\0';
        key += *field;
    }
    key += '\0';
    key += std::to_string(options.connect_timeout.count());
    key += '\0';
    key += std::to_string(options.max_body_bytes);
    return key;
}

ClientPool::Lease::Lease(ClientPool* pool, std::unique_ptr<Entry> entry)
    : pool_(pool), entry_(std::move(entry)) {}

ClientPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), entry_(std::move(other.entry_)) {}

ClientPool::Lease& ClientPool::Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        reset();
        pool_ = std::exchange(other.pool_, nullptr);
        entry_ = std::move(other.entry_);
    }
    return *this;
}

ClientPool::Lease::~Lease() {
    reset();
}

asset_sdk::HttpClient& ClientPool::Lease::client() const {
    return *entry_->client;
}

void ClientPool::Lease::set_abort(asset_sdk::CancelCheck abort) {
    entry_->abort = std::move(abort);
}

void ClientPool::Lease::reset() {
    if (entry_ == nullptr) return;
    entry_->abort = nullptr;
    pool_->give_back(std::move(entry_));
    pool_ = nullptr;
}

ClientPool::ClientPool() : ClientPool(Limits{}, asset_sdk::SystemClock::instance()) {}

ClientPool::ClientPool(Limits limits, asset_sdk::Clock& clock) : limits_(limits), clock_(clock) {}

ClientPool::~ClientPool() = default;

ClientPool::Lease ClientPool::acquire(const std::string& url,
                                      const asset_sdk::HttpClientOptions& options) {
    std::string key = client_pool_key(url, options);
    auto expired = take_expired();  // closed when this returns, outside the lock
    {
        std::lock_guard lock(mu_);
        if (auto it = idle_.find(key); it != idle_.end() && !it->second.empty()) {
            // The most recently used: the likeliest to hold a connection the server kept.
            std::unique_ptr<Entry> entry = std::move(it->second.back());
            it->second.pop_back();
            if (it->second.empty()) idle_.erase(it);
            return Lease(this, std::move(entry));
        }
        ++created_;
    }
    auto entry = std::make_unique<Entry>();
    entry->key = std::move(key);
    asset_sdk::HttpClientOptions client_options = options;
    Entry* raw = entry.get();
    client_options.cancelled = [raw] { return raw->abort && raw->abort(); };
    entry->client = asset_sdk::make_curl_client(std::move(client_options));
    return Lease(this, std::move(entry));
}

void ClientPool::give_back(std::unique_ptr<Entry> entry) {
    entry->idle_since = clock_.steady_now();
    std::unique_ptr<Entry> surplus;  // closed outside the lock
    {
        std::lock_guard lock(mu_);
        auto& idle = idle_[entry->key];
        if (idle.size() >= limits_.max_idle_per_key) {
            surplus = std::move(idle.front());  // the oldest goes
            idle.erase(idle.begin());
        }
        idle.push_back(std::move(entry));
    }
}

std::vector<std::unique_ptr<ClientPool::Entry>> ClientPool::take_expired() {
    std::vector<std::unique_ptr<Entry>> expired;
    const asset_sdk::SteadyTime now = clock_.steady_now();
    std::lock_guard lock(mu_);
    for (auto it = idle_.begin(); it != idle_.end();) {
        auto& idle = it->second;
        const auto fresh = std::find_if(idle.begin(), idle.end(), [&](const auto& e) {
            return now - e->idle_since <= limits_.max_idle_time;
        });
        std::move(idle.begin(), fresh, std::back_inserter(expired));
        idle.erase(idle.begin(), fresh);
        it = idle.empty() ? idle_.erase(it) : std::next(it);
    }
    return expired;
}

std::size_t ClientPool::idle_clients() const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& [key, idle] : idle_) n += idle.size();
    return n;
}

std::size_t ClientPool::clients_created() const {
    std::lock_guard lock(mu_);
    return created_;
}

}  // namespace asset_host::delivery
