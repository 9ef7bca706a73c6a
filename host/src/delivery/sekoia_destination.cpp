#include "delivery/sekoia_destination.h"

#include "delivery/sekoia_response.h"

#include "common/logging.h"

#include <asset_sdk/time_util.h>

#include <algorithm>
#include <optional>
#include <random>

namespace asset_host::delivery {

namespace {

constexpr std::string_view kBodyPrefix = R"({"version":1,"items":[)";
constexpr std::string_view kBodySuffix = "]}";

}  // namespace

SekoiaDestination::SekoiaDestination(SekoiaDestinationSpec spec, int batch_size,
                                     asset_sdk::Clock& clock, std::shared_ptr<spdlog::logger> log,
                                     SekoiaRetryPolicy policy)
    : spec_(std::move(spec)),
      batch_size_(batch_size),
      clock_(clock),
      log_(std::move(log)),
      policy_(policy) {
    if (!log_) log_ = host_logger();
    std::string base = spec_.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    endpoint_ = base + "/api/v2/asset-management/asset-connector/" + spec_.connector_uuid;
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

SekoiaDestination::~SekoiaDestination() = default;

std::string SekoiaDestination::user_agent() const {
    return "sekoiaio-asset-connector-" + spec_.connector_uuid;
}

SekoiaDestination::Slot* SekoiaDestination::acquire() {
    std::lock_guard lock(pool_mu_);
    if (!free_.empty()) {
        Slot* slot = free_.back();
        free_.pop_back();
        return slot;
    }
    auto slot = std::make_unique<Slot>();
    asset_sdk::HttpClientOptions options = sekoia_client_options(spec_);
    options.user_agent = user_agent();  // sent on every push (libcurl's User-Agent)
    Slot* raw = slot.get();
    options.cancelled = [raw] { return raw->abort && raw->abort(); };
    slot->client = asset_sdk::make_curl_client(std::move(options));

    asset_sdk::HttpRequest& request = slot->request;
    request.method = "POST";
    request.url = endpoint_;
    request.timeout = spec_.request_timeout;
    request.headers = {{"Authorization", "Bearer " + spec_.api_key},
                       {"Content-Type", "application/json"},
                       {"Accept", "application/json"}};
    slots_.push_back(std::move(slot));
    return raw;
}

void SekoiaDestination::release(Slot* slot) {
    slot->abort = nullptr;
    std::lock_guard lock(pool_mu_);
    free_.push_back(slot);
}

std::string SekoiaDestination::secret_free(std::string text) const {
    return mask_secret(std::move(text), spec_.api_key);
}

DeliveryResult SekoiaDestination::deliver(const Batch& batch, const asset_sdk::CancelCheck& abort) {
    DeliveryResult result;
    Slot* slot = acquire();
    slot->abort = abort;
    struct Releaser {
        SekoiaDestination* self;
        Slot* slot;
        ~Releaser() { self->release(slot); }
    } releaser{this, slot};

    // The body is rebuilt in the slot's reused buffer: records are already JSON objects, so
    // the request is their text joined with commas inside the envelope. No re-parse.
    std::string& body = slot->request.body;
    body.clear();
    body.reserve(kBodyPrefix.size() + batch.bytes() + batch.size() + kBodySuffix.size());
    body.append(kBodyPrefix);
    batch.join_into(body, ",");
    body.append(kBodySuffix);

    asset_sdk::Backoff backoff({policy_.initial_backoff, policy_.max_backoff},
                               policy_.seed + seed_counter_.fetch_add(1));
    const asset_sdk::SteadyTime give_up_at = clock_.steady_now() + spec_.retry_budget;
    const auto aborted = [&] { return abort && abort(); };

    for (;;) {
        ++result.attempts;
        asset_sdk::HttpResult http = slot->client->perform(slot->request);
        if (aborted() || http.error == asset_sdk::TransportError::kCancelled) {
            result.status = asset_sdk::cancelled("delivery to Sekoia interrupted");
            return result;
        }

        std::string failure;  // why this attempt failed (no secrets)
        std::optional<asset_sdk::Millis> retry_after;
        if (http.ok()) {
            const long status = http.response.status;
            switch (classify_sekoia_status(status)) {
                case SekoiaVerdict::kAcknowledged:
                    result.status = asset_sdk::Status::ok();
                    return result;
                case SekoiaVerdict::kRefused: {
                    std::string message =
                        "Sekoia refused the batch of " + std::to_string(batch.size()) +
                        " records: " + describe_sekoia_error(status, http.response.body);
                    const std::string hint = sekoia_error_hint(status, batch_size_);
                    if (!hint.empty()) message += "; " + hint;
                    result.status = {asset_sdk::StatusCode::kHttp, secret_free(message)};
                    return result;
                }
                case SekoiaVerdict::kRetry:
                    failure = describe_sekoia_error(status, http.response.body);
                    if (auto value = http.response.header("retry-after")) {
                        retry_after = asset_sdk::parse_retry_after(*value, clock_.now());
                    }
                    break;
            }
        } else {
            const std::string what = std::string(asset_sdk::transport_error_text(http.error)) +
                                     " (" + http.error_message + ")";
            if (!asset_sdk::is_transient(http.error)) {
                result.status = {
                    asset_sdk::StatusCode::kTransport,
                    secret_free("cannot deliver to Sekoia at " + spec_.base_url + ": " + what)};
                return result;
            }
            failure = what;
        }
        failure = secret_free(std::move(failure));

        asset_sdk::Millis delay =
            retry_after ? std::max(*retry_after, policy_.min_retry_after) : backoff.next_delay();
        const asset_sdk::SteadyTime now = clock_.steady_now();
        if (now + delay > give_up_at) {
            std::string message = "Sekoia did not acknowledge a batch of " +
                                  std::to_string(batch.size()) + " records after " +
                                  std::to_string(result.attempts) + " attempts within the retry " +
                                  "budget of " + asset_sdk::format_duration(spec_.retry_budget) +
                                  "; last error: " + failure;
            if (retry_after) {
                message +=
                    " (Retry-After asked for " + asset_sdk::format_duration(*retry_after) + ")";
            }
            result.status = {
                http.ok() ? asset_sdk::StatusCode::kHttp : asset_sdk::StatusCode::kTransport,
                std::move(message)};
            if (http.ok() && http.response.status == 429) {
                result.status = {asset_sdk::StatusCode::kRateLimited, result.status.message()};
            }
            return result;
        }
        log_->warn("sekoia: batch {} ({} records) attempt {} failed: {}; retrying in {}",
                   batch.index, batch.size(), result.attempts, failure,
                   asset_sdk::format_duration(delay));
        if (!clock_.sleep_for(delay, abort)) {
            result.status = asset_sdk::cancelled("delivery to Sekoia interrupted");
            return result;
        }
    }
}

}  // namespace asset_host::delivery
