#include "delivery/sekoia_destination.h"

#include "delivery/sekoia_response.h"

#include "common/logging.h"
#include "common/redactor.h"

#include <asset_sdk/retry.h>
#include <asset_sdk/time_util.h>

#include <algorithm>
#include <optional>
#include <random>

namespace asset_host::delivery {

namespace {

constexpr std::string_view kBodyPrefix = R"({"version":1,"items":[)";
constexpr std::string_view kBodySuffix = "]}";

// The request body, rebuilt in the slot's reused buffer: records are already JSON objects, so it
// is their text joined with commas inside the envelope. No re-parse.
void build_body(std::string& body, const Batch& batch) {
    body.clear();
    body.reserve(kBodyPrefix.size() + batch.bytes() + batch.size() + kBodySuffix.size());
    body.append(kBodyPrefix);
    batch.join_into(body, ",");
    body.append(kBodySuffix);
}

asset_sdk::Status interrupted() {
    return asset_sdk::cancelled("delivery to Sekoia interrupted");
}

}  // namespace

SekoiaDestination::SekoiaDestination(SekoiaDestinationSpec spec, int batch_size,
                                     asset_sdk::Clock& clock, std::shared_ptr<spdlog::logger> log,
                                     SekoiaRetryPolicy policy, std::shared_ptr<ClientPool> clients)
    : spec_(std::move(spec)),
      batch_size_(batch_size),
      clock_(clock),
      log_(std::move(log)),
      policy_(policy),
      clients_(std::move(clients)),
      client_options_(sekoia_client_options(spec_)) {
    if (!log_) log_ = host_logger();
    if (!clients_) clients_ = std::make_shared<ClientPool>();
    if (policy_.seed == 0) policy_.seed = std::random_device{}();
}

asset_sdk::HttpClientOptions sekoia_client_options(const SekoiaDestinationSpec& spec) {
    asset_sdk::HttpClientOptions options;
    options.ca_file = spec.ca_file;
    options.proxy = spec.proxy;
    options.connect_timeout = std::min(spec.request_timeout, asset_sdk::Millis(10'000));
    options.max_body_bytes = 1u << 20;
    return options;
}

std::string sekoia_api_root(const SekoiaDestinationSpec& spec) {
    std::string base = spec.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

asset_sdk::HttpRequest sekoia_push_request(const SekoiaDestinationSpec& spec) {
    asset_sdk::HttpRequest request;
    request.method = "POST";
    request.url =
        sekoia_api_root(spec) + "/api/v2/asset-management/asset-connector/" + spec.connector_uuid;
    request.timeout = spec.request_timeout;
    request.headers = {{"Authorization", "Bearer " + spec.api_key},
                       {"User-Agent", sekoia_user_agent(spec)},
                       {"Content-Type", "application/json"},
                       {"Accept", "application/json"},
                       // The answer is a few dozen bytes: compressing it costs both sides more
                       // than it saves (libcurl offers br, gzip and deflate, and a server that
                       // takes br makes the client set up a Brotli decoder for every push).
                       {"Accept-Encoding", "identity"}};
    return request;
}

std::string sekoia_user_agent(const SekoiaDestinationSpec& spec) {
    return "sekoiaio-asset-connector-" + spec.connector_uuid;
}

SekoiaDestination::~SekoiaDestination() = default;

std::string SekoiaDestination::user_agent() const {
    return sekoia_user_agent(spec_);
}

SekoiaDestination::Slot* SekoiaDestination::acquire(const asset_sdk::CancelCheck& abort) {
    Slot* slot = nullptr;
    {
        std::lock_guard lock(pool_mu_);
        if (!free_.empty()) {
            slot = free_.back();
            free_.pop_back();
        } else {
            slots_.push_back(std::make_unique<Slot>());
            slot = slots_.back().get();
            slot->request = sekoia_push_request(spec_);
        }
    }
    slot->abort = abort;
    slot->lease = clients_->acquire(spec_.base_url, client_options_);
    slot->lease.set_abort(abort);
    return slot;
}

void SekoiaDestination::release(Slot* slot) {
    slot->lease.reset();  // the client goes back to the shared pool, its connection open
    slot->abort = nullptr;
    std::lock_guard lock(pool_mu_);
    free_.push_back(slot);
}

std::string SekoiaDestination::secret_free(std::string text) const {
    return mask_secret(std::move(text), spec_.api_key);
}

DeliveryResult SekoiaDestination::deliver(const Batch& batch, const asset_sdk::CancelCheck& abort) {
    Slot* slot = acquire(abort);
    struct Releaser {
        SekoiaDestination* self;
        Slot* slot;
        ~Releaser() { self->release(slot); }
    } releaser{this, slot};
    build_body(slot->request.body, batch);

    DeliveryResult result;
    Failure last;
    Refusal refusal;
    asset_sdk::Retrier retrier(clock_,
                               {spec_.retry_budget, {policy_.initial_backoff, policy_.max_backoff}},
                               policy_.seed + seed_counter_.fetch_add(1), abort);
    const asset_sdk::RetryEnd end = retrier.run(
        [&] { return attempt(*slot, batch, result.status, last, refusal); },
        [&](asset_sdk::Millis wait) {
            log_->warn("sekoia: batch {} ({} records) attempt {} failed: {}; retrying in {}",
                       batch.index, batch.size(), retrier.attempts(), last.text,
                       asset_sdk::format_duration(wait));
        });
    result.attempts = retrier.attempts();
    if (end == asset_sdk::RetryEnd::kDone && !result.status.is_ok()) {
        result.refused_status = refusal.status;
        result.refused_reason = std::move(refusal.reason);
    }
    if (end == asset_sdk::RetryEnd::kCancelled) result.status = interrupted();
    if (end == asset_sdk::RetryEnd::kOutOfBudget) {
        result.status = out_of_budget(batch, retrier.attempts(), last);
    }
    return result;
}

asset_sdk::AttemptResult SekoiaDestination::attempt(Slot& slot, const Batch& batch,
                                                    asset_sdk::Status& status, Failure& failure,
                                                    Refusal& refusal) {
    asset_sdk::HttpResult http = slot.lease.client().perform(slot.request);
    if ((slot.abort && slot.abort()) || http.error == asset_sdk::TransportError::kCancelled) {
        status = interrupted();
        return asset_sdk::AttemptResult::finished();
    }
    failure = Failure{};
    if (!http.ok()) {
        const std::string what = std::string(asset_sdk::transport_error_text(http.error)) + " (" +
                                 http.error_message + ")";
        if (!asset_sdk::is_transient(http.error)) {
            status = {asset_sdk::StatusCode::kTransport,
                      secret_free("cannot deliver to Sekoia at " + spec_.base_url + ": " + what)};
            return asset_sdk::AttemptResult::finished();
        }
        failure.text = secret_free(what);
        return asset_sdk::AttemptResult::retry();
    }
    const long code = http.response.status;
    switch (classify_sekoia_status(code)) {
        case SekoiaVerdict::kAcknowledged:
            status = asset_sdk::Status::ok();
            return asset_sdk::AttemptResult::finished();
        case SekoiaVerdict::kRefused: {
            refusal.status = static_cast<int>(code);
            refusal.reason =
                secret_free(describe_sekoia_error(code, http.response.body, spec_.api_key));
            std::string message = "Sekoia refused the batch of " + std::to_string(batch.size()) +
                                  " records: " + refusal.reason;
            const std::string hint = sekoia_error_hint(code, batch_size_);
            if (!hint.empty()) message += "; " + hint;
            status = {asset_sdk::StatusCode::kHttp, secret_free(message)};
            return asset_sdk::AttemptResult::finished();
        }
        case SekoiaVerdict::kRetry:
            break;
    }
    failure.text = secret_free(describe_sekoia_error(code, http.response.body, spec_.api_key));
    failure.code = code == 429 ? asset_sdk::StatusCode::kRateLimited : asset_sdk::StatusCode::kHttp;
    if (auto value = http.response.header("retry-after")) {
        failure.retry_after = asset_sdk::parse_retry_after(*value, clock_.now());
    }
    if (!failure.retry_after) return asset_sdk::AttemptResult::retry();
    return asset_sdk::AttemptResult::retry(std::max(*failure.retry_after, policy_.min_retry_after));
}

asset_sdk::Status SekoiaDestination::out_of_budget(const Batch& batch, int attempts,
                                                   const Failure& last) const {
    std::string message =
        "Sekoia did not acknowledge a batch of " + std::to_string(batch.size()) +
        " records after " + std::to_string(attempts) + " attempts within the retry budget of " +
        asset_sdk::format_duration(spec_.retry_budget) + "; last error: " + last.text;
    if (last.retry_after) {
        message += " (Retry-After asked for " + asset_sdk::format_duration(*last.retry_after) + ")";
    }
    return {last.code, std::move(message)};
}

}  // namespace asset_host::delivery
