// HTTP clients shared by the destinations of one process, so that connectors delivering to the
// same place reuse each other's connections instead of opening one each per cycle.
//
// A client (one libcurl easy handle with its own connection cache) is lent to one delivery at a
// time and comes back to the pool when the lease ends; a later delivery to the same key (origin
// + client settings, below) gets it with its connection still open. Safe to share because
// nothing of a connector travels with the client: every request sets its own headers (the API
// key, the User-Agent) from scratch, and a client is never used by two deliveries at once.
// The key holds everything that decides which connection a request may use: scheme, host and
// port, the CA bundles, the proxy (with its credentials), the timeouts and the body limit; the
// API key is a header of each request and never part of it.
//
// Why lend whole clients rather than share one libcurl connection cache (CURLSH with
// CURL_LOCK_DATA_CONNECT): libcurl 7.88 (Debian 12) documents sharing connections between
// concurrent threads as unsafe, and cycles deliver from several threads at once.
#pragma once

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace asset_host::delivery {

class ClientPool {
public:
    struct Limits {
        // Idle clients kept per key; more are closed when returned (deliveries at once to one
        // place beyond this open connections of their own, as before pooling).
        std::size_t max_idle_per_key = 16;
        // An idle client older than this is closed when the pool is next used: servers drop
        // idle connections after a minute or so anyway.
        asset_sdk::Millis max_idle_time{60'000};
    };

    // A pooled client and the abort check of the delivery holding it.
    struct Entry {
        std::string key;
        std::unique_ptr<asset_sdk::HttpClient> client;
        asset_sdk::CancelCheck abort;  // the current delivery's; empty while idle
        asset_sdk::SteadyTime idle_since{};
    };

    // A client lent for one delivery; returned to its pool by the destructor or reset().
    class Lease {
    public:
        Lease() = default;
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&& other) noexcept;
        ~Lease();

        asset_sdk::HttpClient& client() const;
        // What the client's transfers poll for cancellation while this lease holds it.
        void set_abort(asset_sdk::CancelCheck abort);
        void reset();
        explicit operator bool() const { return entry_ != nullptr; }

    private:
        friend class ClientPool;
        Lease(ClientPool* pool, std::unique_ptr<Entry> entry);

        ClientPool* pool_ = nullptr;
        std::unique_ptr<Entry> entry_;
    };

    ClientPool();  // the default Limits, the system clock
    ClientPool(Limits limits, asset_sdk::Clock& clock);
    ~ClientPool();
    ClientPool(const ClientPool&) = delete;
    ClientPool& operator=(const ClientPool&) = delete;

    // A client for requests to `url`'s origin made with `options`, idle one first. The
    // options' `cancelled` and `user_agent` are ignored: the lease's abort check is polled,
    // and requests carry their own User-Agent header.
    Lease acquire(const std::string& url, const asset_sdk::HttpClientOptions& options);

    std::size_t idle_clients() const;
    std::size_t clients_created() const;

private:
    void give_back(std::unique_ptr<Entry> entry);
    // Takes the idle clients past their time out of the pool (closed by the caller, unlocked).
    std::vector<std::unique_ptr<Entry>> take_expired();

    Limits limits_;
    asset_sdk::Clock& clock_;
    mutable std::mutex mu_;
    std::map<std::string, std::vector<std::unique_ptr<Entry>>> idle_;  // by key, oldest first
    std::size_t created_ = 0;
};

// The pool key of a request to `url` made with `options` (see above); the URL's origin only.
std::string client_pool_key(const std::string& url, const asset_sdk::HttpClientOptions& options);

}  // namespace asset_host::delivery
