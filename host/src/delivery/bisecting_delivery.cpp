#include "delivery/bisecting_delivery.h"

#include <algorithm>
#include <vector>

namespace asset_host::delivery {

namespace {

// The records [begin, end) of `batch` as a batch of their own (same index and sequence base).
Batch sub_batch(const Batch& batch, std::size_t begin, std::size_t end) {
    Batch out;
    for (std::size_t i = begin; i < end; ++i) out.append(batch.record(i));
    out.index = batch.index;
    out.first_seq = batch.first_seq + begin;
    out.last_seq = batch.first_seq + end - 1;
    return out;
}

}  // namespace

bool is_content_refusal(int http_status) {
    return http_status == 400 || http_status == 422;
}

BisectingDelivery::BisectingDelivery(Destination& destination, RejectSink* rejects, int batch_size,
                                     std::shared_ptr<spdlog::logger> log, bool all_refused_fails)
    : destination_(destination),
      rejects_(rejects),
      log_(std::move(log)),
      all_refused_fails_(all_refused_fails),
      limit_(std::max(batch_size, 1)) {}

BisectResult BisectingDelivery::deliver(const Batch& batch, const asset_sdk::CancelCheck& abort) {
    BisectResult out;
    std::vector<Refused> refused;
    deliver_range(batch, {0, batch.size()}, abort, out, refused);
    if (!out.status.is_ok() || refused.empty()) return out;
    if (all_refused_fails_ && refused.size() == batch.size() && batch.size() > 1) {
        // Every record refused on its own: the refusal is about the requests (a gateway, a
        // changed API), not about specific records. They stay for the next cycle.
        out.status = {asset_sdk::StatusCode::kHttp,
                      "the destination refused each of the " + std::to_string(batch.size()) +
                          " records of a batch on its own, so the refusal is not about "
                          "specific records (none dead-lettered): " +
                          refused.front().reason};
        return out;
    }
    for (const Refused& r : refused) {
        if (!dead_letter(batch, r, out)) break;
    }
    return out;
}

void BisectingDelivery::deliver_range(const Batch& batch, Range range,
                                      const asset_sdk::CancelCheck& abort, BisectResult& out,
                                      std::vector<Refused>& refused) {
    const std::size_t n = range.end - range.begin;
    const auto limit = static_cast<std::size_t>(limit_.load());
    if (n > limit) return split(batch, range, limit, abort, out, refused);
    if (abort && abort()) {
        out.status = asset_sdk::cancelled("delivery interrupted");
        return;
    }
    const bool whole = range.begin == 0 && range.end == batch.size();
    const DeliveryResult result =
        whole ? destination_.deliver(batch, abort)
              : destination_.deliver(sub_batch(batch, range.begin, range.end), abort);
    out.attempts += result.attempts;
    out.retries += result.retries();
    if (result.status.is_ok()) {
        out.delivered += n;
        return;
    }
    const int code = result.refused_status;
    const bool bisectable = rejects_ != nullptr && (is_content_refusal(code) || code == 413);
    if (!bisectable) {
        out.status = result.status;
        return;
    }
    if (code == 413) halve_limit(n);
    if (n == 1) {
        std::string reason = code == 413 ? "too large for the destination: " : "";
        refused.push_back({range.begin, code, reason + result.refused_reason});
        return;
    }
    const std::size_t piece = code == 413 ? static_cast<std::size_t>(limit_.load()) : (n + 1) / 2;
    split(batch, range, piece, abort, out, refused);
}

void BisectingDelivery::split(const Batch& batch, Range range, std::size_t piece,
                              const asset_sdk::CancelCheck& abort, BisectResult& out,
                              std::vector<Refused>& refused) {
    piece = std::max<std::size_t>(piece, 1);
    for (std::size_t b = range.begin; b < range.end && out.status.is_ok(); b += piece) {
        deliver_range(batch, {b, std::min(b + piece, range.end)}, abort, out, refused);
    }
}

bool BisectingDelivery::dead_letter(const Batch& batch, const Refused& r, BisectResult& out) {
    const asset_sdk::Status written =
        rejects_->reject({batch.record(r.index), r.status, r.reason, false});
    if (!written.is_ok()) {
        out.status = written.with_context("a refused record could not be kept: ");
        return false;
    }
    ++out.rejected;
    log_->warn(
        "record {} of the cycle (batch {}) refused by the destination (HTTP {}): {}; "
        "kept in the dead-letter file",
        batch.first_seq + r.index, batch.index, r.status, r.reason);
    return true;
}

void BisectingDelivery::halve_limit(std::size_t refused_size) {
    const int wanted = static_cast<int>(std::max<std::size_t>(refused_size / 2, 1));
    int current = limit_.load();
    while (wanted < current && !limit_.compare_exchange_weak(current, wanted)) {
    }
    if (wanted < current) {
        log_->warn(
            "the destination answered 413 (too large) for {} records: batches of at most "
            "{} records for the rest of the cycle",
            refused_size, wanted);
    }
}

}  // namespace asset_host::delivery
