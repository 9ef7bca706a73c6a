// Sekoia.io asset API destination: POST {base_url}/api/v2/asset-management/asset-connector/
// {connector_uuid} with {"version": 1, "items": [...]}.
//
// Differences from Sekoia's own Python asset-connector SDK, on purpose (README.md here):
// - any 2xx acknowledges (RFC 9110: the request was accepted); the SDK demands exactly 200,
//   so a 201/202/204 from the API would make it re-send the batch forever;
// - 408/425/429/5xx and transport errors are retried with capped exponential back-off and full
//   jitter, honouring Retry-After, within a total retry budget per batch; the SDK never retries
//   a status and drops the batch;
// - other 4xx fail at once with Sekoia's {code, message}, so a bad key is one request per
//   cycle, not a retry storm; 413 says to lower batch_size.
// The API key is only ever put in the Authorization header; error texts are scrubbed of it.
#pragma once

#include "config/manifest.h"
#include "delivery/client_pool.h"
#include "delivery/destination.h"

#include <asset_sdk/http_client.h>
#include <asset_sdk/retry.h>

#include <spdlog/logger.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace asset_host::delivery {

struct SekoiaRetryPolicy {
    asset_sdk::Millis initial_backoff{1'000};
    asset_sdk::Millis max_backoff{30'000};
    // A Retry-After of 0 (or an HTTP-date in the past) still waits this long: no hot loop.
    asset_sdk::Millis min_retry_after{250};
    std::uint64_t seed = 0;  // 0: random
};

// HTTP client settings for talking to Sekoia (pushes and the Test connector's reachability
// check): the spec's CA file, proxy and timeouts; Sekoia's answers are small, so a runaway body
// is refused.
asset_sdk::HttpClientOptions sekoia_client_options(const SekoiaDestinationSpec& spec);

// The base URL without trailing slashes, which every API path is appended to.
std::string sekoia_api_root(const SekoiaDestinationSpec& spec);

// A push without its body: POST to the connector's endpoint with the key, the connector's
// User-Agent (sekoia_user_agent), JSON headers and Accept-Encoding: identity (the answer is too
// small to be worth compressing). Every header a push needs is in the request, so a client
// shared with other connectors (client_pool.h) carries nothing of theirs.
asset_sdk::HttpRequest sekoia_push_request(const SekoiaDestinationSpec& spec);

// "sekoiaio-asset-connector-<uuid>", the User-Agent of Sekoia's own asset connectors.
std::string sekoia_user_agent(const SekoiaDestinationSpec& spec);

class SekoiaDestination final : public Destination {
public:
    // `spec` is validated by the manifest loader (UUID, https unless allow_insecure_http).
    // Retries are logged (warn) to `log`; nullptr: the host's logger. HTTP clients are borrowed
    // from `clients` for each delivery (shared with the other destinations given the same
    // pool: connections to one place are reused across connectors); nullptr: a pool of its own.
    SekoiaDestination(SekoiaDestinationSpec spec, int batch_size, asset_sdk::Clock& clock,
                      std::shared_ptr<spdlog::logger> log = nullptr, SekoiaRetryPolicy policy = {},
                      std::shared_ptr<ClientPool> clients = nullptr);
    ~SekoiaDestination() override;

    DeliveryResult deliver(const Batch& batch, const asset_sdk::CancelCheck& abort) override;

    std::string user_agent() const;

private:
    // One per concurrent delivery: the request (its body buffer reused from batch to batch)
    // and, while delivering, the HTTP client lent by the pool (libcurl handles are
    // single-threaded; the pool keeps connections alive between batches, cycles and
    // connectors).
    struct Slot {
        ClientPool::Lease lease;
        asset_sdk::CancelCheck abort;  // the current delivery's abort check
        asset_sdk::HttpRequest request;
    };
    // Why the last attempt failed: logged with the retry, quoted when the budget runs out.
    struct Failure {
        std::string text;  // no secrets
        std::optional<asset_sdk::Millis> retry_after;
        asset_sdk::StatusCode code = asset_sdk::StatusCode::kTransport;  // kHttp, kRateLimited
    };
    // What Sekoia said when it refused the content (a 4xx that is not retried).
    struct Refusal {
        int status = 0;
        std::string reason;  // no secrets
    };
    Slot* acquire(const asset_sdk::CancelCheck& abort);
    void release(Slot* slot);
    // One POST. Final: `status` is set (acknowledged, refused, not worth retrying, aborted).
    asset_sdk::AttemptResult attempt(Slot& slot, const Batch& batch, asset_sdk::Status& status,
                                     Failure& failure, Refusal& refusal);
    asset_sdk::Status out_of_budget(const Batch& batch, int attempts, const Failure& last) const;
    std::string secret_free(std::string text) const;

    SekoiaDestinationSpec spec_;
    int batch_size_;
    asset_sdk::Clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    SekoiaRetryPolicy policy_;
    std::atomic<std::uint64_t> seed_counter_{0};
    std::shared_ptr<ClientPool> clients_;
    asset_sdk::HttpClientOptions client_options_;

    std::mutex pool_mu_;
    std::vector<std::unique_ptr<Slot>> slots_;  // every slot created (owned here)
    std::vector<Slot*> free_;
};

}  // namespace asset_host::delivery
