// BisectingDelivery and the pipeline around it, without sockets: a destination that refuses
// batches holding chosen records (400) or more than N records (413), a dead-letter sink in
// memory. Checks that exactly the refused records are dead-lettered, the rest delivered, the
// request count stays bounded, and that the checkpoint covers dead-lettered records only once
// everything before them is settled.
#include "delivery/bisecting_delivery.h"
#include "delivery/dead_letter.h"
#include "delivery/pipeline.h"
#include "delivery_test_util.h"

#include <asset_sdk/clock.h>

#include <doctest/doctest.h>
#include <spdlog/sinks/null_sink.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <vector>

using asset_host::delivery::Batch;
using asset_host::delivery::BisectingDelivery;
using asset_host::delivery::DeliveryResult;
using asset_host::delivery::Rejection;

namespace {

std::shared_ptr<spdlog::logger> quiet_log() {
    return std::make_shared<spdlog::logger>("test",
                                            std::make_shared<spdlog::sinks::null_sink_mt>());
}

// Refuses (refuse_status) every batch holding one of `bad`, answers 413 above `max_records`,
// or answers `fixed` to everything when set.
class RefusingDestination final : public asset_host::delivery::Destination {
public:
    std::set<std::uint64_t> bad;
    int refuse_status = 400;
    std::size_t max_records = 1u << 20;
    std::optional<int> fixed;

    DeliveryResult deliver(const Batch& batch, const asset_sdk::CancelCheck&) override {
        std::lock_guard lock(mu_);
        ++requests_;
        DeliveryResult r;
        r.attempts = 1;
        int status = 0;
        if (fixed) {
            status = *fixed;
        } else if (batch.size() > max_records) {
            status = 413;
        } else {
            for (std::size_t i = 0; i < batch.size(); ++i) {
                if (bad.count(deliverytest::record_number(batch.record(i)))) status = refuse_status;
            }
        }
        if (status == 0) {
            for (std::size_t i = 0; i < batch.size(); ++i) {
                acked_.insert(deliverytest::record_number(batch.record(i)));
            }
            sizes_.push_back(batch.size());
            return r;
        }
        r.status = {asset_sdk::StatusCode::kHttp, "refused " + std::to_string(status)};
        r.refused_status = status;
        r.refused_reason = "HTTP " + std::to_string(status) + " (code X): no";
        return r;
    }

    std::set<std::uint64_t> acked() const {
        std::lock_guard lock(mu_);
        return acked_;
    }
    int requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }
    std::vector<std::size_t> accepted_sizes() const {
        std::lock_guard lock(mu_);
        return sizes_;
    }

private:
    mutable std::mutex mu_;
    std::set<std::uint64_t> acked_;
    std::vector<std::size_t> sizes_;
    int requests_ = 0;
};

class MemoryRejects final : public asset_host::delivery::RejectSink {
public:
    asset_sdk::Status fail;
    asset_sdk::Status reject(const Rejection& r) override {
        std::lock_guard lock(mu_);
        if (!fail.is_ok()) return fail;
        numbers.insert(deliverytest::record_number(r.record));
        statuses.push_back(r.status);
        reasons.emplace_back(r.reason);
        return asset_sdk::Status::ok();
    }
    std::mutex mu_;
    std::set<std::uint64_t> numbers;
    std::vector<int> statuses;
    std::vector<std::string> reasons;
};

std::set<std::uint64_t> range_except(std::uint64_t first, std::uint64_t last,
                                     const std::set<std::uint64_t>& except) {
    std::set<std::uint64_t> out;
    for (std::uint64_t i = first; i <= last; ++i) {
        if (!except.count(i)) out.insert(i);
    }
    return out;
}

}  // namespace

TEST_CASE("a 400 batch is bisected: exactly the refused records are dead-lettered") {
    RefusingDestination dest;
    dest.bad = {3, 11, 12};
    MemoryRejects rejects;
    BisectingDelivery bisect(dest, &rejects, 100, quiet_log());
    const auto r = bisect.deliver(deliverytest::make_batch(1, 16), {});
    CHECK_MESSAGE(r.status.is_ok(), r.status.message());
    CHECK(r.delivered == 13);
    CHECK(r.rejected == 3);
    CHECK(rejects.numbers == dest.bad);
    CHECK(dest.acked() == range_except(1, 16, dest.bad));
    CHECK(rejects.statuses == std::vector<int>{400, 400, 400});
    CHECK(rejects.reasons.front() == "HTTP 400 (code X): no");
    CHECK(dest.requests() <= 2 * 16 - 1);
    CHECK(r.attempts == dest.requests());
}

TEST_CASE("a 422 is a content refusal too; a batch without bad records is one request") {
    RefusingDestination dest;
    dest.bad = {5};
    dest.refuse_status = 422;
    MemoryRejects rejects;
    BisectingDelivery bisect(dest, &rejects, 100, quiet_log());
    CHECK(bisect.deliver(deliverytest::make_batch(10, 8), {}).status.is_ok());
    CHECK(dest.requests() == 1);
    const auto r = bisect.deliver(deliverytest::make_batch(1, 8), {});
    CHECK(r.status.is_ok());
    CHECK(rejects.numbers == std::set<std::uint64_t>{5});
    CHECK(rejects.statuses == std::vector<int>{422});
}

TEST_CASE("413 halves the batch size for the rest of the cycle; everything is delivered") {
    RefusingDestination dest;
    dest.max_records = 5;
    MemoryRejects rejects;
    BisectingDelivery bisect(dest, &rejects, 16, quiet_log());
    const auto r = bisect.deliver(deliverytest::make_batch(1, 16), {});
    CHECK(r.status.is_ok());
    CHECK(r.delivered == 16);
    CHECK(r.rejected == 0);
    CHECK(bisect.current_batch_limit() == 4);  // 16 -> 8 -> 4
    const int before = dest.requests();
    const auto next = bisect.deliver(deliverytest::make_batch(17, 16, 1), {});
    CHECK(next.status.is_ok());
    CHECK(dest.requests() - before == 4);  // sent in pieces of 4 at once, no 413 any more
    CHECK(dest.acked() == range_except(1, 32, {}));
    for (std::size_t size : dest.accepted_sizes()) CHECK(size <= 5);
}

TEST_CASE("a single record that still gets 413 is dead-lettered as too large") {
    RefusingDestination dest;
    dest.max_records = 5;
    dest.bad = {2};
    dest.refuse_status = 413;  // record 2 is too large on its own
    MemoryRejects rejects;
    BisectingDelivery bisect(dest, &rejects, 4, quiet_log());
    const auto r = bisect.deliver(deliverytest::make_batch(1, 4), {});
    CHECK(r.status.is_ok());
    CHECK(rejects.numbers == std::set<std::uint64_t>{2});
    CHECK(rejects.statuses == std::vector<int>{413});
    CHECK(rejects.reasons.front().rfind("too large for the destination: ", 0) == 0);
    CHECK(bisect.current_batch_limit() == 1);
}

TEST_CASE("401/403/404 fail at once: nothing to bisect, nothing dead-lettered") {
    for (int status : {401, 403, 404}) {
        CAPTURE(status);
        RefusingDestination dest;
        dest.fixed = status;
        MemoryRejects rejects;
        BisectingDelivery bisect(dest, &rejects, 100, quiet_log());
        const auto r = bisect.deliver(deliverytest::make_batch(1, 16), {});
        CHECK_FALSE(r.status.is_ok());
        CHECK(dest.requests() == 1);
        CHECK(rejects.numbers.empty());
    }
}

TEST_CASE("every record refused on its own: the batch fails, nothing is dead-lettered") {
    RefusingDestination dest;
    dest.fixed = 400;
    MemoryRejects rejects;
    BisectingDelivery bisect(dest, &rejects, 100, quiet_log());
    const auto r = bisect.deliver(deliverytest::make_batch(1, 8), {});
    CHECK_FALSE(r.status.is_ok());
    CHECK(r.status.message().find("not about specific records") != std::string::npos);
    CHECK(rejects.numbers.empty());
    CHECK(dest.requests() <= 15);
}

TEST_CASE("without a dead-letter sink, or when it cannot be written, the batch fails") {
    RefusingDestination dest;
    dest.bad = {2};
    BisectingDelivery plain(dest, nullptr, 100, quiet_log());
    CHECK_FALSE(plain.deliver(deliverytest::make_batch(1, 4), {}).status.is_ok());
    CHECK(dest.requests() == 1);

    MemoryRejects rejects;
    rejects.fail = asset_sdk::io_error("disk full");
    BisectingDelivery bisect(dest, &rejects, 100, quiet_log());
    const auto r = bisect.deliver(deliverytest::make_batch(1, 4), {});
    CHECK_FALSE(r.status.is_ok());
    CHECK(r.status.message().find("disk full") != std::string::npos);
}

TEST_CASE("an abort stops a bisection before its next request") {
    RefusingDestination dest;
    dest.bad = {1, 9};
    MemoryRejects rejects;
    BisectingDelivery bisect(dest, &rejects, 100, quiet_log());
    int checks = 0;
    const auto r = bisect.deliver(deliverytest::make_batch(1, 16), [&] { return ++checks > 2; });
    CHECK(r.status.code() == asset_sdk::StatusCode::kCancelled);
    CHECK(dest.requests() == 2);
    CHECK(rejects.numbers.empty());
}

TEST_CASE("pipeline: the checkpoint covers dead-lettered records, the summary counts them") {
    RefusingDestination dest;
    dest.bad = {7, 150};
    MemoryRejects rejects;
    std::vector<std::uint64_t> saved;  // persist calls are serialised by the pipeline
    std::atomic<int> violations{0};
    asset_host::CancelSource cancel;
    asset_host::delivery::PipelineOptions options;
    options.batch_size = 50;
    options.max_in_flight = 3;
    options.rejects = &rejects;
    options.log = quiet_log();
    asset_host::delivery::DeliveryPipeline pipeline(
        dest,
        [&](std::string_view marker) {
            const auto next = nlohmann::json::parse(marker)["next"].get<std::uint64_t>();
            // Every record before the marker is delivered or dead-lettered at this moment.
            const auto acked = dest.acked();
            std::lock_guard lock(rejects.mu_);
            for (std::uint64_t i = 1; i <= next; ++i) {
                if (!acked.count(i) && !rejects.numbers.count(i)) ++violations;
            }
            saved.push_back(next);
            return asset_sdk::Status::ok();
        },
        cancel.token(), asset_sdk::SystemClock::instance(), options);
    for (std::uint64_t i = 1; i <= 200; ++i) {
        REQUIRE(pipeline.record(deliverytest::device_record(i)) ==
                asset_host::SinkResult::kContinue);
        if (i % 25 == 0) pipeline.checkpoint("{\"next\":" + std::to_string(i) + "}");
    }
    CHECK(pipeline.finish().is_ok());
    CHECK(violations == 0);
    REQUIRE_FALSE(saved.empty());
    CHECK(saved.back() == 200);
    CHECK(rejects.numbers == dest.bad);
    CHECK(dest.acked() == range_except(1, 200, dest.bad));
    const auto stats = pipeline.stats();
    CHECK(stats.records_acked == 198);
    CHECK(stats.records_dead_lettered == 2);
    CHECK(stats.acked_prefix == 200);
}

TEST_CASE("pipeline: a record over max_record_bytes is dead-lettered as an excerpt, never sent") {
    RefusingDestination dest;
    MemoryRejects rejects;
    asset_host::CancelSource cancel;
    asset_host::delivery::PipelineOptions options;
    options.batch_size = 10;
    options.max_record_bytes = 1024;
    options.rejects = &rejects;
    options.log = quiet_log();
    asset_host::delivery::DeliveryPipeline pipeline(
        dest, [](std::string_view) { return asset_sdk::Status::ok(); }, cancel.token(),
        asset_sdk::SystemClock::instance(), options);
    std::string big = deliverytest::device_record(2);
    big.insert(1, "\"pad\":\"" + std::string(2000, 'p') + "\",");
    CHECK(pipeline.record(deliverytest::device_record(1)) == asset_host::SinkResult::kContinue);
    CHECK(pipeline.record(big) == asset_host::SinkResult::kContinue);
    CHECK(pipeline.record(deliverytest::device_record(3)) == asset_host::SinkResult::kContinue);
    CHECK(pipeline.finish().is_ok());
    CHECK(dest.acked() == std::set<std::uint64_t>{1, 3});
    REQUIRE(rejects.reasons.size() == 1);
    CHECK(rejects.reasons[0].find("too large: 2") == 0);
    CHECK(rejects.statuses == std::vector<int>{0});
    CHECK(pipeline.stats().records_dead_lettered == 1);
}

TEST_CASE("dead-letter line: time, connector, status, reason and the record as JSON") {
    const std::string record = deliverytest::device_record(4);
    const auto line = asset_host::delivery::DeadLetterFile::line(
        {record, 400, "HTTP 400: bad \"os\"", false}, "devices",
        asset_sdk::SystemTime(std::chrono::milliseconds(1'700'000'000'123)));
    const auto j = nlohmann::json::parse(line);
    CHECK(j["time"] == "2023-11-14T22:13:20.123Z");
    CHECK(j["connector"] == "devices");
    CHECK(j["status"] == 400);
    CHECK(j["reason"] == "HTTP 400: bad \"os\"");
    CHECK(j["record"] == nlohmann::json::parse(record));

    const std::string big = "{\"x\":\"" + std::string(5000, 'y') + "\"}";
    const auto excerpt = nlohmann::json::parse(asset_host::delivery::DeadLetterFile::line(
        {big, 0, "too large", true}, "devices", asset_sdk::SystemTime{}));
    CHECK(excerpt["record"].is_null());
    CHECK(excerpt["record_bytes"] == big.size());
    CHECK(excerpt["excerpt"].get<std::string>().size() <= 203);
}
