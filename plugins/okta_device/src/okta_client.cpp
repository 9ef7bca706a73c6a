#include "okta_client.h"

#include "gzip_body.h"
#include "oauth_remedy.h"

#include <asset_sdk/time_util.h>
#include <asset_sdk/url.h>

#include <algorithm>

namespace okta_device {

namespace {

using asset_sdk::Millis;
using asset_sdk::Status;
using asset_sdk::StatusCode;
using asset_sdk::TransportError;

// The path of a URL, for messages: the query may be long and says nothing useful.
std::string path_of(const std::string& url) {
    auto parsed = asset_sdk::parse_url(url);
    return parsed ? parsed->path : std::string("(request)");
}

// What to tell a human about an Okta 4xx with OAuth, beyond Okta's own words.
std::string oauth_hint_for(const OktaError& e) {
    if (e.http_status == 401 && e.error_code != "E0000015") {
        return "; Okta rejected the app's access token, and the fresh one fetched after it";
    }
    if (e.http_status == 403 && e.insufficient_scope) {
        return "; the app's access token lacks the scope " +
               (e.required_scope.empty() ? std::string("okta.devices.read") : e.required_scope) +
               ": grant it to the app (Applications → the app → Okta API Scopes) and list it in "
               "oauth.scopes";
    }
    if (e.http_status == 403) {
        return "; the app's admin role may not read devices: assign the app a role that can "
               "(Applications → the app → Admin roles, e.g. Read-only Administrator)";
    }
    return {};
}

// What to tell a human about an Okta 4xx, beyond Okta's own words.
std::string hint_for(const OktaError& e, bool oauth) {
    if (oauth) {
        std::string hint = oauth_hint_for(e);
        if (!hint.empty()) return hint;
    }
    if (e.http_status == 401 && e.error_code == "E0000011") {
        return "; the API token is invalid, revoked or expired (Okta API tokens expire after 30 "
               "days without use): create a new one and update the reference in the manifest";
    }
    if (e.http_status == 401 && e.error_code == "E0000015") {
        return "; the feature is not enabled for this org (the Devices API needs Okta Identity "
               "Engine)";
    }
    if (e.http_status == 401) return "; check the API token";
    if (e.http_status == 403) {
        return "; the token lacks permission: an API token needs an admin role that can read "
               "devices (e.g. Read-only Administrator); an OAuth app needs the scope "
               "okta.devices.read";
    }
    if (e.http_status == 404) {
        return "; check base_url (the Devices API exists only on Okta Identity Engine orgs)";
    }
    return {};
}

ApiResult cancelled_result() {
    ApiResult r;
    r.status = asset_sdk::cancelled();
    return r;
}

// Plain words for a transport failure, then libcurl's: "connection refused (Failed to ...)".
std::string describe_transport(TransportError error, const std::string& message) {
    std::string what = asset_sdk::transport_error_text(error);
    if (!message.empty()) what += " (" + message.substr(0, 300) + ")";
    return what;
}

}  // namespace

OktaClient::OktaClient(const OktaConfig& config, asset_sdk::HttpClient& http, OktaAuth& auth,
                       asset_sdk::Clock& clock, asset_host::Host& host, std::uint64_t seed)
    : config_(config),
      http_(http),
      auth_(auth),
      clock_(clock),
      host_(host),
      limiter_(config.rate_limit_reserve, clock, seed),
      seed_(seed),
      gunzip_(asset_sdk::HttpClientOptions{}.max_body_bytes) {}  // the plugin's limit

OktaClient::~OktaClient() {
    abandon_prefetch();  // not counted: the cycle, and with it the host's statistics, has ended
}

void OktaClient::prefetch(const std::string& url) {
    cancel_prefetch();
    if (host_.cancelled() || limiter_.pacing_delay().count() > 0) return;  // get() paces
    ++stats_.requests;
    limiter_.count_sent();
    auth_.start(http_, make_request(url, 0, {}));
    prefetched_ = url;
}

void OktaClient::cancel_prefetch() {
    if (abandon_prefetch()) host_.count("requests_total", 1, {{"status", "abandoned"}});
}

bool OktaClient::abandon_prefetch() {
    if (!prefetched_) return false;
    prefetched_.reset();
    http_.abandon();
    return true;
}

ApiResult OktaClient::finish_prefetch() {
    prefetched_.reset();
    asset_sdk::oauth::AuthorizedResult sent = auth_.finish(http_);
    stats_.requests += sent.auth_retries;
    if (sent.token_error) return token_failure(std::move(*sent.token_error));
    return to_result(std::move(sent.http));
}

// Statistics for the host (statistic(), plugin ABI 1.1; the host exports them as metrics):
// requests by HTTP status ("transport" when no response came), and the rate-limit budget of
// the last response (Okta's X-Rate-Limit-Limit / -Remaining).
void OktaClient::report(const ApiResult& r) {
    const std::string status =
        r.transport == TransportError::kNone ? std::to_string(r.http_status) : "transport";
    host_.count("requests_total", 1, {{"status", status}});
    const RateLimitHeaders& budget = limiter_.last();
    if (budget.remaining)
        host_.gauge("rate_limit_remaining", static_cast<double>(*budget.remaining));
    if (budget.limit) host_.gauge("rate_limit_limit", static_cast<double>(*budget.limit));
}

// Time spent waiting for Okta's rate limit (pacing to keep the reserve, or after a 429).
void OktaClient::report_rate_limit_wait(Millis d) {
    host_.count("rate_limit_wait_seconds_total", std::chrono::duration<double>(d).count());
}

bool OktaClient::wait(Millis d) {
    if (d.count() <= 0) return !host_.cancelled();
    stats_.waited += d;
    return clock_.sleep_for(d, [this] { return host_.cancelled(); });
}

asset_sdk::HttpRequest OktaClient::make_request(const std::string& url, int retry_count,
                                                const std::string& retry_for) const {
    asset_sdk::HttpRequest req;
    req.method = "GET";
    req.url = url;
    req.timeout = config_.timeout;
    req.headers.emplace_back("Accept", "application/json");
    // gzip only: Okta serves it, it shrinks a devices page about 6x, and it is cheap on both
    // ends. (libcurl would also offer br, which some servers compress at high quality: a
    // loopback simulator took 0.8 s per 300 KB page for it.)
    req.headers.emplace_back("Accept-Encoding", "gzip");
    req.decode_body = false;  // gunzipped by to_result (gzip_body.h)
    req.headers.emplace_back("User-Agent", kUserAgent);
    // Okta's SDKs tag retries so Okta support can tie them to the failed call.
    if (retry_count > 0) {
        if (!retry_for.empty()) req.headers.emplace_back("X-Okta-Retry-For", retry_for);
        req.headers.emplace_back("X-Okta-Retry-Count", std::to_string(retry_count));
    }
    return req;
}

ApiResult OktaClient::to_result(asset_sdk::HttpResult&& result) {
    gunzip_.decode(result);
    ApiResult out;
    out.transport = result.error;
    out.transport_detail = result.error_message;
    if (!result.ok()) {
        out.status = result.error == TransportError::kCancelled
                         ? asset_sdk::cancelled()
                         : Status(StatusCode::kTransport,
                                  describe_transport(result.error, result.error_message));
        return out;
    }
    out.response = std::move(result.response);
    out.http_status = out.response.status;
    if (out.http_status < 200 || out.http_status >= 300) {
        out.okta = parse_okta_error(out.response, config_.api_token);
        out.status = Status(StatusCode::kHttp,
                            describe(out.okta) + hint_for(out.okta, config_.oauth.has_value()));
    }
    return out;
}

ApiResult OktaClient::send(asset_sdk::HttpRequest request, bool with_token) {
    if (!with_token) return to_result(http_.perform(request));
    asset_sdk::oauth::AuthorizedResult sent = auth_.send(http_, std::move(request));
    stats_.requests += sent.auth_retries;
    if (sent.token_error) return token_failure(std::move(*sent.token_error));
    return to_result(std::move(sent.http));
}

ApiResult OktaClient::token_failure(asset_sdk::oauth::TokenError&& error) const {
    ApiResult out;
    if (error.kind == asset_sdk::oauth::TokenFailure::kCancelled) {
        out.status = asset_sdk::cancelled();
        return out;
    }
    const bool network = error.kind == asset_sdk::oauth::TokenFailure::kTransport;
    out.status = Status(network ? StatusCode::kTransport : StatusCode::kHttp,
                        describe_token_error(error) + "; " + token_error_remedy(error, config_));
    out.token_error = std::move(error);
    return out;
}

ApiResult OktaClient::get_once(const std::string& url, bool with_token) {
    cancel_prefetch();
    ++stats_.requests;
    ApiResult r = send(make_request(url, 0, {}), with_token);
    if (r.token_error) return r;  // Okta's API was not asked: nothing to count or observe
    if (r.transport == TransportError::kNone) limiter_.observe(r.response);
    if (r.http_status == 429) ++stats_.rate_limited;
    report(r);
    return r;
}

ApiResult OktaClient::get(const std::string& url, bool with_token) {
    if (prefetched_ && (*prefetched_ != url || !with_token)) cancel_prefetch();
    if (host_.cancelled()) return cancelled_result();
    // Pacing first: it is the normal cost of sharing the budget, not a failure, so it does not
    // eat into the retry budget below. A prefetched request was paced when it was sent.
    if (const Millis pace = prefetched_ ? Millis(0) : limiter_.pacing_delay(); pace.count() > 0) {
        host_.debug("rate limit: " + limiter_.headroom() + "; pausing " +
                    asset_sdk::format_duration(pace) + " to keep the reserve");
        report_rate_limit_wait(pace);
        if (!wait(pace)) return cancelled_result();
    }

    asset_sdk::Retrier retrier(clock_, {config_.max_retry_time, {}},
                               seed_ ^ static_cast<std::uint64_t>(stats_.requests),
                               [this](Millis d) { return wait(d); });
    Attempt last{url, with_token, {}, false, {}};
    const asset_sdk::RetryEnd end = retrier.run(
        [&] { return attempt(last, retrier); },
        [&](Millis delay) {
            ++stats_.retries;
            if (last.rate_limited) report_rate_limit_wait(delay);
            host_.log(last.rate_limited ? AH_LOG_INFO : AH_LOG_WARN,
                      std::string(last.rate_limited ? "rate limited" : "request failed") +
                          " on GET " + path_of(url) + ": " + last.result.status.message() +
                          "; retrying in " + asset_sdk::format_duration(delay));
        });
    if (end == asset_sdk::RetryEnd::kCancelled) return cancelled_result();
    if (end == asset_sdk::RetryEnd::kOutOfBudget) {
        const std::string head = last.rate_limited ? "Okta rate limit still exhausted after "
                                                   : "Okta API unavailable after ";
        last.result.status = Status(
            last.rate_limited ? StatusCode::kRateLimited : last.result.status.code(),
            head + asset_sdk::format_duration(retrier.elapsed()) + " of retries (" +
                std::to_string(retrier.attempts()) + " attempts; max_retry_time " +
                asset_sdk::format_duration(config_.max_retry_time) + "): last error on GET " +
                path_of(url) + ": " + last.result.status.message());
    }
    return std::move(last.result);
}

asset_sdk::AttemptResult OktaClient::attempt(Attempt& a, asset_sdk::Retrier& retrier) {
    using asset_sdk::AttemptResult;
    if (prefetched_) {  // get() kept it only for this URL: the first try is already on its way
        a.result = finish_prefetch();
    } else {
        ++stats_.requests;
        a.result = send(make_request(a.url, retrier.attempts() - 1, a.retry_for), a.with_token);
    }
    ApiResult& r = a.result;
    if (r.status.code() == StatusCode::kCancelled || host_.cancelled()) {
        r = cancelled_result();
        return AttemptResult::finished();
    }
    a.rate_limited = false;
    if (r.token_error) {  // no access token: the token endpoint's failure decides
        if (!r.token_error->transient()) return AttemptResult::finished();
        return AttemptResult::retry(std::max(retrier.backoff(), limiter_.pacing_delay()));
    }
    if (r.transport == TransportError::kNone) limiter_.observe(r.response);
    report(r);

    Millis delay{0};
    if (r.transport != TransportError::kNone) {
        if (!asset_sdk::is_transient(r.transport)) return AttemptResult::finished();
        delay = retrier.backoff();
    } else if (r.http_status >= 200 && r.http_status < 300) {
        return AttemptResult::finished();
    } else if (r.http_status == 429) {
        ++stats_.rate_limited;
        a.rate_limited = true;
        const auto until_reset = limiter_.delay_after_429(r.response);
        delay = until_reset ? *until_reset : retrier.backoff();
    } else if (r.http_status >= 500) {
        delay = retrier.backoff();
        // Okta does not promise Retry-After, but honour it when present (bounded).
        if (auto ra = r.response.header("retry-after")) {
            if (auto parsed = asset_sdk::parse_retry_after(*ra, clock_.now())) {
                delay = std::clamp(*parsed, delay, Millis(RateLimiter::kMaxSingleWait));
            }
        }
    } else {
        // 4xx other than 429: retrying cannot help.
        r.status = r.status.with_context("GET " + path_of(a.url) + ": ");
        return AttemptResult::finished();
    }
    if (auto id = r.response.header("x-okta-request-id")) a.retry_for = std::string(*id);
    // A retry is a request too: it must not dip into the reserve either.
    if (!a.rate_limited) delay = std::max(delay, limiter_.pacing_delay());
    return AttemptResult::retry(delay);
}

}  // namespace okta_device
