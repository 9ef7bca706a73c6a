// Delivers a batch so that one record the destination refuses never stalls the others.
//
// - A content refusal (HTTP 400 or 422) of a batch of n > 1 records: the batch is split in
//   halves, each half delivered (recursively) until the refused records are single ones; those
//   go to the RejectSink (the dead-letter file) with the destination's status and message, the
//   rest is delivered. At most 2n - 1 requests for a batch of n.
// - A 413 (too large): the batch size is halved for the rest of the cycle (down to 1), and the
//   batch is re-sent in pieces of that size; a single record that still gets 413 is
//   dead-lettered as too large.
// - Anything else (401/403/404, out of retries, transport errors, cancellation) fails the
//   batch at once: there is nothing to bisect.
// - A refusal of EVERY record of a batch (n > 1), each on its own, is not about records (a
//   gateway refusing everything, a changed API): the batch fails, nothing is dead-lettered.
// Each request keeps the destination's own retry budget; `abort` is checked before every
// request, so cancellation and an earlier failure stop a bisection promptly.
#pragma once

#include "delivery/batch.h"
#include "delivery/dead_letter.h"
#include "delivery/destination.h"

#include <spdlog/logger.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace asset_host::delivery {

struct BisectResult {
    // ok: every record is acknowledged or dead-lettered. Otherwise the first failure (a refusal
    // that cannot be bisected, retries out, cancelled, the dead-letter file unwritable).
    asset_sdk::Status status;
    int attempts = 0;
    std::uint64_t delivered = 0;  // records acknowledged by the destination
    std::uint64_t rejected = 0;   // records dead-lettered
    int retries = 0;
};

// Whether a refusal with this HTTP status is about the content (worth bisecting).
bool is_content_refusal(int http_status);

class BisectingDelivery {
public:
    // `rejects` may be null: refusals then fail the batch (no bisection). `batch_size` is the
    // configured size, the start of the 413 halving. Thread-safe (one per cycle, shared by the
    // pipeline's workers).
    // `all_refused_fails`: a batch whose every record is refused fails (see above); false
    // for a replay of records already refused once, where that is expected.
    BisectingDelivery(Destination& destination, RejectSink* rejects, int batch_size,
                      std::shared_ptr<spdlog::logger> log, bool all_refused_fails = true);

    BisectResult deliver(const Batch& batch, const asset_sdk::CancelCheck& abort);

    int current_batch_limit() const { return limit_.load(); }

private:
    struct Range {
        std::size_t begin;
        std::size_t end;
    };
    // A single record the destination refused, found by bisection; dead-lettered once the
    // whole batch is settled.
    struct Refused {
        std::size_t index;  // in the batch
        int status;
        std::string reason;
    };
    void deliver_range(const Batch& batch, Range range, const asset_sdk::CancelCheck& abort,
                       BisectResult& out, std::vector<Refused>& refused);
    void split(const Batch& batch, Range range, std::size_t piece,
               const asset_sdk::CancelCheck& abort, BisectResult& out,
               std::vector<Refused>& refused);
    bool dead_letter(const Batch& batch, const Refused& r, BisectResult& out);
    void halve_limit(std::size_t refused_size);

    Destination& destination_;
    RejectSink* rejects_;
    std::shared_ptr<spdlog::logger> log_;
    bool all_refused_fails_;
    std::atomic<int> limit_;
};

}  // namespace asset_host::delivery
