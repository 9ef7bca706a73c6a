// Authenticated GETs against one Okta org with the connector's retry policy:
//  - credentials from OktaAuth on API calls (SSWS, or an OAuth access token with its DPoP proof),
//    never on anything but the configured origin: callers pass URLs the pager already checked;
//  - no OAuth token: a 5xx, 429 or network failure of the token endpoint is retried like the
//    API's own; invalid_client, a missing scope or a DPoP mismatch fails at once, with the fix;
//  - pacing before each request so the rate-limit reserve is kept (RateLimiter);
//  - 429 → wait until the window resets (skew-corrected), concurrency 429 → back-off;
//  - 5xx and transport errors → capped exponential back-off with full jitter;
//  - every retry bounded by max_retry_time, then a clear error with the last failure;
//  - 400/401/403/404 and other 4xx → no retry, an error carrying Okta's errorCode/errorSummary;
//  - every wait goes through the injected Clock and stops at once on cancellation.
#pragma once

#include "config.h"
#include "gzip_body.h"
#include "okta_auth.h"
#include "okta_error.h"
#include "rate_limiter.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/http_client.h>
#include <asset_sdk/oauth/token_provider.h>
#include <asset_sdk/retry.h>
#include <asset_sdk/status.h>
#include <asset_host/host.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace okta_device {

struct ApiResult {
    asset_sdk::Status status;          // ok: `response` is a 2xx
    asset_sdk::HttpResponse response;  // the last response (also for HTTP errors)
    long http_status = 0;              // 0 when no response arrived
    OktaError okta;                    // parsed error body for HTTP errors
    asset_sdk::TransportError transport = asset_sdk::TransportError::kNone;
    std::string
        transport_detail;  // libcurl's own words for `transport`, e.g. "Could not resolve host: x"
    // Set when no OAuth access token could be obtained (the API was not called).
    std::optional<asset_sdk::oauth::TokenError> token_error;

    bool ok() const { return status.is_ok(); }
};

struct ClientStats {
    std::int64_t requests = 0;
    std::int64_t retries = 0;
    std::int64_t rate_limited = 0;  // 429 responses
    asset_sdk::Millis waited{0};    // pacing + 429 waits + back-off
};

class OktaClient {
public:
    OktaClient(const OktaConfig& config, asset_sdk::HttpClient& http, OktaAuth& auth,
               asset_sdk::Clock& clock, asset_host::Host& host, std::uint64_t seed);
    ~OktaClient();
    OktaClient(const OktaClient&) = delete;
    OktaClient& operator=(const OktaClient&) = delete;

    // GET with retries as described above. `with_token` false for public endpoints
    // (/.well-known/okta-organization).
    ApiResult get(const std::string& url, bool with_token = true);

    // One attempt, no retry and no pacing: "Test connector" wants to see the first failure as
    // it is. The rate limiter still observes the response.
    ApiResult get_once(const std::string& url, bool with_token = true);

    // Sends the first try of get(url) now, without waiting for the answer: the get(url) that
    // follows reads it instead of sending (page n+1 travels and Okta prepares it while page n is
    // read). Only when the rate limit needs no pause right now, as get() would check it; it counts
    // as a request (stats, RateLimiter::count_sent) and its answer goes through get()'s handling
    // (429 and rate-limit headers, retries). get() of another URL, cancel_prefetch() and the
    // client's destructor drop it unread. A dropped request was sent all the same (Okta counts
    // it against the rate limit), so cancel_prefetch() reports it as
    // requests_total{status="abandoned"}: the statistic then adds up to what Okta saw.
    void prefetch(const std::string& url);
    void cancel_prefetch();

    // Gives back the body of a response the caller has finished reading: the next response is
    // decoded into its buffer (GzipBodyDecoder::recycle). Only a body nothing points into any
    // more. A prefetch never touches it: a prefetched answer is decoded by the get() that reads
    // it, not when it arrives.
    void recycle(std::string&& body) { gunzip_.recycle(std::move(body)); }

    // Wait through the clock, stopping at once when the host cancels. false when cancelled.
    bool wait(asset_sdk::Millis d);

    RateLimiter& rate_limiter() { return limiter_; }
    const ClientStats& stats() const { return stats_; }

private:
    // One GET of a retried get(): what it asked for and how the last try went.
    struct Attempt {
        const std::string& url;
        bool with_token;
        ApiResult result;
        bool rate_limited = false;  // the last try got a 429
        std::string retry_for;      // X-Okta-Request-Id of the last failed try
    };
    asset_sdk::AttemptResult attempt(Attempt& a, asset_sdk::Retrier& retrier);
    void report(const ApiResult& r);
    void report_rate_limit_wait(asset_sdk::Millis d);
    asset_sdk::HttpRequest make_request(const std::string& url, int retry_count,
                                        const std::string& retry_for) const;
    // Sends with or without credentials; counts the requests an OAuth retry added.
    ApiResult send(asset_sdk::HttpRequest request, bool with_token);
    ApiResult to_result(asset_sdk::HttpResult&& result);
    ApiResult token_failure(asset_sdk::oauth::TokenError&& error) const;
    ApiResult finish_prefetch();
    // Drops a prefetched request unread; false when there was none.
    bool abandon_prefetch();

    const OktaConfig& config_;
    asset_sdk::HttpClient& http_;
    OktaAuth& auth_;
    asset_sdk::Clock& clock_;
    asset_host::Host& host_;
    RateLimiter limiter_;
    std::uint64_t seed_;
    ClientStats stats_;
    std::optional<std::string> prefetched_;  // the URL of the request prefetch() started
    GzipBodyDecoder gunzip_;                 // every response body, the client's whole life
};

}  // namespace okta_device
