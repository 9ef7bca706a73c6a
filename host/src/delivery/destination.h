// Where acknowledged batches go: Sekoia's asset API, an NDJSON file, or stdout. The pipeline
// calls deliver() from up to max_in_flight threads at once, so implementations are thread-safe.
// deliver() blocks until the batch is acknowledged or has definitely failed: retries, back-off
// and Retry-After live inside it, bounded by the destination's retry budget.
#pragma once

#include "delivery/batch.h"

#include <asset_sdk/clock.h>
#include <asset_sdk/status.h>

#include <string>
#include <string_view>

namespace asset_host::delivery {

struct DeliveryResult {
    // ok: the destination acknowledged every record of the batch. kCancelled: `abort` fired
    // before an acknowledgement (the batch may or may not have arrived). Anything else: the
    // batch was refused or the retry budget ran out; the message says why and never contains
    // a secret.
    asset_sdk::Status status;
    int attempts = 0;  // requests/writes made; retries = attempts - 1 when attempts > 0
    // When the destination refused the content (an HTTP 4xx answer): its status (400, 413,
    // 422, ...) and its message (redacted, one line, bounded), for the dead-letter file.
    // 0 / empty for any other failure.
    int refused_status = 0;
    std::string refused_reason;
    int retries() const { return attempts > 0 ? attempts - 1 : 0; }
};

class Destination {
public:
    virtual ~Destination() = default;
    // Delivers one batch. `abort` is polled while waiting (requests, back-off); when it turns
    // true the call returns kCancelled promptly. Safe to call concurrently.
    virtual DeliveryResult deliver(const Batch& batch, const asset_sdk::CancelCheck& abort) = 0;
    // How many deliver() calls may usefully run at once. Local sinks say 1 so their output
    // keeps emission order; the pipeline uses min(max_in_flight, this).
    virtual int max_concurrency() const { return 1 << 10; }
};

}  // namespace asset_host::delivery
