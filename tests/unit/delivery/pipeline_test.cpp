// DeliveryPipeline: ordering of acknowledgements, the checkpoint invariant (a marker is saved only
// once every record before it is acknowledged), back-pressure (bounded memory), failure and
// cancellation (host/src/delivery/README.md). The destination is an in-process scripted
// implementation of the Destination interface (no HTTP here; see sekoia_destination_test).
#include "eventually.h"
#include "pipeline_fixture.h"

#include <doctest/doctest.h>

#include <atomic>
#include <random>
#include <thread>

using asset_host::RecordSink;
using asset_host::SinkResult;
using asset_host::delivery::PipelineOptions;
using deliverytest::BatchScript;
using deliverytest::PipelineFixture;
using namespace std::chrono_literals;

namespace {

std::string marker(std::uint64_t n) {
    return "{\"next\":" + std::to_string(n) + "}";
}

// Plays the plugin: n records, a marker every `marker_every`, a final marker. Returns how many
// records were accepted before the sink said stop.
struct Produced {
    std::atomic<std::uint64_t> emitted{0};
    std::atomic<bool> stopped{false};
    std::atomic<bool> done{false};
};

void produce(RecordSink& sink, std::uint64_t n, std::uint64_t marker_every, Produced& out) {
    for (std::uint64_t i = 1; i <= n; ++i) {
        if (sink.record(deliverytest::device_record(i)) == SinkResult::kStop) {
            out.stopped = true;
            out.done = true;
            return;
        }
        out.emitted = i;
        if (marker_every > 0 && i % marker_every == 0 &&
            sink.checkpoint(marker(i)) == SinkResult::kStop) {
            out.stopped = true;
            out.done = true;
            return;
        }
    }
    if (sink.checkpoint(marker(n)) == SinkResult::kStop) out.stopped = true;
    out.done = true;
}

PipelineOptions options(int batch_size, int in_flight) {
    PipelineOptions o;
    o.batch_size = batch_size;
    o.max_in_flight = in_flight;
    o.linger = 10s;  // batches are cut by size in these tests unless said otherwise
    return o;
}

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 5s) {
    return testsupport::eventually(cond, timeout, 2ms);
}

}  // namespace

TEST_CASE_FIXTURE(PipelineFixture,
                  "every record is acknowledged and no checkpoint runs ahead of acknowledgements") {
    std::mt19937 rng(42);
    std::vector<int> delays(200);
    for (auto& d : delays) d = static_cast<int>(rng() % 4);
    const auto script = [&](std::uint64_t index) {
        BatchScript s;
        s.delay = std::chrono::milliseconds(delays[index % delays.size()]);
        return s;
    };
    auto& pipeline = start(options(25, 4), script);
    Produced produced;
    std::thread plugin([&] { produce(pipeline, 2000, 37, produced); });
    plugin.join();
    const asset_sdk::Status st = pipeline.finish();

    CHECK(st.is_ok());
    CHECK_FALSE(produced.stopped.load());
    CHECK(dest.acked().size() == 2000);
    CHECK(dest.all_acked_up_to(2000));
    CHECK(persist.violations() == 0);
    CHECK(persist.last() == 2000);
    CHECK(persist.saved().size() >= 2);
    const auto stats = pipeline.stats();
    CHECK(stats.records_received == 2000);
    CHECK(stats.records_acked == 2000);
    CHECK(stats.batches_acked == 80);
    CHECK(stats.acked_prefix == 2000);
    CHECK(stats.saved_covers == 2000);
    CHECK(stats.record_capacity == 25 * (4 + 2));
    CHECK(stats.max_buffered_records <= stats.record_capacity);
    CHECK(dest.max_concurrent() <= 4);
    CHECK(dest.max_concurrent() >= 2);  // batches really were in flight together
}

TEST_CASE_FIXTURE(PipelineFixture, "acknowledgements out of order are applied in emission order") {
    // Batch 0 is slow; 1..3 are acknowledged first. Nothing may be persisted before batch 0.
    std::atomic<bool> release_first{false};
    const auto script = [&](std::uint64_t index) {
        BatchScript s;
        if (index == 0) {
            while (!release_first) std::this_thread::sleep_for(1ms);
        }
        return s;
    };
    auto& pipeline = start(options(10, 4), script);
    Produced produced;
    std::thread plugin([&] { produce(pipeline, 200, 10, produced); });

    REQUIRE(wait_until([&] { return dest.acked().size() >= 30; }));
    std::this_thread::sleep_for(50ms);
    CHECK(dest.acked().count(1) == 0);  // batch 0 still pending
    CHECK(persist.saved().empty());     // so no marker may be saved, although 11..40 are acked
    CHECK(pipeline.stats().acked_prefix == 0);

    release_first = true;
    plugin.join();
    CHECK(pipeline.finish().is_ok());
    CHECK(persist.violations() == 0);
    CHECK(persist.last() == 200);
}

TEST_CASE_FIXTURE(PipelineFixture,
                  "a refused batch stops intake and nothing past it is persisted") {
    const auto script = [](std::uint64_t index) {
        BatchScript s;
        if (index == 2) s.status = {asset_sdk::StatusCode::kHttp, "HTTP 400: refused by test"};
        return s;
    };
    auto& pipeline = start(options(10, 2), script);
    Produced produced;
    std::thread plugin([&] { produce(pipeline, 5000, 5, produced); });
    plugin.join();
    const asset_sdk::Status st = pipeline.finish();

    CHECK(produced.stopped.load());  // the plugin was told to stop
    CHECK(produced.emitted.load() < 5000);
    CHECK(st.code() == asset_sdk::StatusCode::kHttp);
    CHECK(st.message().find("refused by test") != std::string::npos);
    CHECK(persist.violations() == 0);
    CHECK(persist.last() == 20);  // batches 0 and 1: records 1..20
    for (auto n : persist.saved()) CHECK(n <= 20);
    CHECK(pipeline.stats().acked_prefix == 20);
    CHECK(pipeline.stats().batches_failed >= 1);
}

TEST_CASE_FIXTURE(PipelineFixture,
                  "a failure aborts later batches in flight and lets earlier ones finish") {
    const auto script = [](std::uint64_t index) {
        BatchScript s;
        if (index == 0) s.delay = 200ms;  // earlier than the failure: must still count
        if (index == 1) {                 // fails once batches 2 and 3 are in flight
            s.delay = 50ms;
            s.status = {asset_sdk::StatusCode::kHttp, "HTTP 401: nope"};
        }
        if (index >= 2) s.wait_for_abort = true;  // later: only an abort ends them
        return s;
    };
    auto& pipeline = start(options(10, 4), script);
    Produced produced;
    const auto began = std::chrono::steady_clock::now();
    std::thread plugin([&] { produce(pipeline, 1000, 10, produced); });
    plugin.join();
    const asset_sdk::Status st = pipeline.finish();
    const auto took = std::chrono::steady_clock::now() - began;

    CHECK(st.message().find("HTTP 401") != std::string::npos);
    CHECK(dest.aborted() == 2);  // batches 2 and 3
    CHECK(dest.all_acked_up_to(10));
    CHECK(persist.last() == 10);
    CHECK(persist.violations() == 0);
    CHECK(took < 3s);
}

TEST_CASE_FIXTURE(
    PipelineFixture,
    "back-pressure: a stalled destination blocks the plugin within the record capacity") {
    dest.close_gate();
    auto& pipeline = start(options(10, 3));
    const std::size_t capacity = pipeline.stats().record_capacity;
    CHECK(capacity == 50);
    Produced produced;
    std::thread plugin([&] { produce(pipeline, 10'000, 100, produced); });

    // The plugin fills the pipeline, then blocks in record().
    REQUIRE(wait_until([&] { return produced.emitted.load() >= 40; }));
    std::this_thread::sleep_for(150ms);
    CHECK_FALSE(produced.done.load());
    CHECK(produced.emitted.load() <= capacity);
    CHECK(pipeline.stats().max_buffered_records <= capacity);

    dest.open_gate();
    plugin.join();
    CHECK(pipeline.finish().is_ok());
    CHECK(dest.acked().size() == 10'000);
    CHECK(pipeline.stats().max_buffered_records <= capacity);
    CHECK(persist.last() == 10'000);
}

TEST_CASE_FIXTURE(PipelineFixture, "back-pressure also bounds buffered bytes") {
    const auto script = [](std::uint64_t) {
        BatchScript s;
        s.delay = 1ms;
        return s;
    };
    PipelineOptions o = options(100, 2);
    const std::size_t record_bytes = deliverytest::device_record(1).size();
    o.max_buffered_bytes = record_bytes * 12;  // far below 100 × 4 records
    auto& pipeline = start(o, script);
    Produced produced;
    std::thread plugin([&] { produce(pipeline, 500, 0, produced); });
    plugin.join();
    CHECK(pipeline.finish().is_ok());
    CHECK(dest.acked().size() == 500);
    // Records of one test differ by a few bytes of their numbers: allow one record of slack.
    CHECK(pipeline.stats().max_buffered_bytes <= o.max_buffered_bytes + record_bytes);
    CHECK(pipeline.stats().max_buffered_records <= 13);
}

TEST_CASE_FIXTURE(PipelineFixture,
                  "cancellation stops intake; batches in flight finish within the grace period") {
    const auto script = [](std::uint64_t) {
        BatchScript s;
        s.delay = 60ms;
        return s;
    };
    PipelineOptions o = options(10, 2);
    o.grace_period = 5s;
    auto& pipeline = start(o, script);
    Produced produced;
    std::thread plugin([&] { produce(pipeline, 100'000, 10, produced); });
    REQUIRE(wait_until([&] { return dest.acked().size() >= 20; }));
    cancel.cancel();
    plugin.join();
    const asset_sdk::Status st = pipeline.finish();

    CHECK(produced.stopped.load());
    CHECK(st.code() == asset_sdk::StatusCode::kCancelled);
    CHECK(dest.aborted() == 0);  // the grace period was long enough for every batch cut
    CHECK(persist.violations() == 0);
    CHECK(persist.last() == pipeline.stats().acked_prefix);  // progress saved up to the acks
    CHECK(persist.last() >= 20);
    CHECK(pipeline.stats().acked_prefix < produced.emitted.load() + 1);
}

TEST_CASE_FIXTURE(PipelineFixture, "after the grace period, deliveries still running are aborted") {
    const auto script = [](std::uint64_t index) {
        BatchScript s;
        s.wait_for_abort = index >= 1;  // batch 0 acks, the rest hang
        return s;
    };
    PipelineOptions o = options(10, 2);
    o.grace_period = 200ms;
    auto& pipeline = start(o, script);
    Produced produced;
    std::thread plugin([&] { produce(pipeline, 1000, 10, produced); });
    REQUIRE(wait_until([&] { return dest.deliveries() >= 3; }));
    const auto cancelled_at = std::chrono::steady_clock::now();
    cancel.cancel();
    plugin.join();
    const asset_sdk::Status st = pipeline.finish();
    const auto took = std::chrono::steady_clock::now() - cancelled_at;

    CHECK(st.code() == asset_sdk::StatusCode::kCancelled);
    CHECK(dest.aborted() >= 1);
    CHECK(took >= 150ms);
    CHECK(took < 2s);
    CHECK(persist.last() == 10);
    CHECK(persist.violations() == 0);
}

TEST_CASE_FIXTURE(PipelineFixture,
                  "a partial batch is sent once it has waited `linger`, and its marker saved") {
    PipelineOptions o = options(100, 2);
    o.linger = 50ms;
    auto& pipeline = start(o);
    for (std::uint64_t i = 1; i <= 7; ++i) {
        REQUIRE(pipeline.record(deliverytest::device_record(i)) == SinkResult::kContinue);
    }
    REQUIRE(pipeline.checkpoint(marker(7)) == SinkResult::kContinue);
    // The plugin is now "waiting" (e.g. for a rate limit): progress must not wait for it.
    CHECK(wait_until([&] { return persist.last() == 7; }, 3s));
    CHECK(dest.batch_sizes() == std::vector<std::uint64_t>{7});
    CHECK(pipeline.finish().is_ok());
}

TEST_CASE_FIXTURE(PipelineFixture, "the partial batch is flushed at the end of the cycle") {
    auto& pipeline = start(options(10, 2));
    Produced produced;
    produce(pipeline, 25, 0, produced);
    CHECK(pipeline.finish().is_ok());
    CHECK(dest.acked().size() == 25);
    auto sizes = dest.batch_sizes();
    std::sort(sizes.begin(), sizes.end());
    CHECK(sizes == std::vector<std::uint64_t>{5, 10, 10});
    CHECK(persist.saved() == std::vector<std::uint64_t>{25});
}

TEST_CASE_FIXTURE(PipelineFixture, "a marker before any record is persisted at once") {
    auto& pipeline = start(options(10, 2));
    CHECK(pipeline.checkpoint(marker(0)) == SinkResult::kContinue);
    CHECK(persist.saved() == std::vector<std::uint64_t>{0});
    CHECK(pipeline.finish().is_ok());
    CHECK(pipeline.last_marker() == marker(0));
}

TEST_CASE_FIXTURE(PipelineFixture, "a marker identical to the stored one is not written again") {
    PipelineOptions o = options(10, 2);
    o.stored_marker = marker(0);
    auto& pipeline = start(o);
    CHECK(pipeline.checkpoint(marker(0)) == SinkResult::kContinue);
    CHECK(persist.saved().empty());
    CHECK(pipeline.record(deliverytest::device_record(1)) == SinkResult::kContinue);
    CHECK(pipeline.checkpoint(marker(1)) == SinkResult::kContinue);
    CHECK(pipeline.finish().is_ok());
    CHECK(persist.saved() == std::vector<std::uint64_t>{1});
    CHECK(pipeline.stats().checkpoints_saved == 1);
}

TEST_CASE_FIXTURE(PipelineFixture,
                  "records that are not JSON objects are refused, the others delivered") {
    auto& pipeline = start(options(10, 2));
    CHECK(pipeline.record(deliverytest::device_record(1)) == SinkResult::kContinue);
    CHECK(pipeline.record("not json at all") == SinkResult::kContinue);
    CHECK(pipeline.record("[1, 2, 3]") == SinkResult::kContinue);
    CHECK(pipeline.record("{\"truncated\": ") == SinkResult::kContinue);
    CHECK(pipeline.record(deliverytest::device_record(2)) == SinkResult::kContinue);
    CHECK(pipeline.finish().is_ok());
    CHECK(dest.acked() == std::set<std::uint64_t>{1, 2});
    CHECK(pipeline.stats().records_invalid == 3);
    CHECK(pipeline.stats().records_received == 2);
}

TEST_CASE_FIXTURE(PipelineFixture,
                  "a checkpoint that cannot be saved fails the cycle and stops intake") {
    persist.fail_with(asset_sdk::io_error("disk full"));
    auto& pipeline = start(options(5, 2));
    Produced produced;
    std::thread plugin([&] { produce(pipeline, 10'000, 5, produced); });
    plugin.join();
    const asset_sdk::Status st = pipeline.finish();
    CHECK(produced.stopped.load());
    CHECK(st.code() == asset_sdk::StatusCode::kIo);
    CHECK(st.message().find("could not save the checkpoint") != std::string::npos);
    CHECK(st.message().find("disk full") != std::string::npos);
}

TEST_CASE_FIXTURE(PipelineFixture, "retries reported by the destination are counted") {
    const auto script = [](std::uint64_t) {
        BatchScript s;
        s.attempts = 3;
        return s;
    };
    auto& pipeline = start(options(10, 3), script);
    Produced produced;
    produce(pipeline, 95, 0, produced);
    CHECK(pipeline.finish().is_ok());
    CHECK(pipeline.stats().batches_acked == 10);
    CHECK(pipeline.stats().retries == 20);
}

TEST_CASE_FIXTURE(PipelineFixture, "a destination that keeps order gets one batch at a time") {
    const auto script = [](std::uint64_t) {
        BatchScript s;
        s.delay = 1ms;
        return s;
    };
    auto& pipeline = start(options(10, 8), script, /*max_concurrency=*/1);
    CHECK(pipeline.stats().workers == 1);
    CHECK(pipeline.stats().record_capacity == 30);
    Produced produced;
    std::thread plugin([&] { produce(pipeline, 300, 10, produced); });
    plugin.join();
    CHECK(pipeline.finish().is_ok());
    CHECK(dest.max_concurrent() == 1);
    CHECK(dest.acked().size() == 300);
}

TEST_CASE_FIXTURE(PipelineFixture,
                  "destroying an unfinished pipeline aborts its deliveries instead of hanging") {
    const auto script = [](std::uint64_t) {
        BatchScript s;
        s.wait_for_abort = true;
        return s;
    };
    const auto began = std::chrono::steady_clock::now();
    auto& pipeline = start(options(2, 2), script);
    for (std::uint64_t i = 1; i <= 4; ++i) {
        REQUIRE(pipeline.record(deliverytest::device_record(i)) == SinkResult::kContinue);
    }
    REQUIRE(wait_until([&] { return dest.deliveries() >= 2; }));
    destroy_pipeline();
    CHECK(std::chrono::steady_clock::now() - began < 2s);
    CHECK(dest.aborted() == 2);
    CHECK(persist.saved().empty());
}

namespace {

// Records first..last, then a marker after the last: a whole batch when the batch size is 10.
void emit_batch(RecordSink& sink, std::uint64_t first, std::uint64_t last) {
    for (std::uint64_t i = first; i <= last; ++i) {
        REQUIRE(sink.record(deliverytest::device_record(i)) == SinkResult::kContinue);
    }
    REQUIRE(sink.checkpoint(marker(last)) == SinkResult::kContinue);
}

}  // namespace

TEST_CASE_FIXTURE(PipelineFixture,
                  "checkpoint saves are coalesced to one per min_save_interval; the newest covered "
                  "marker wins and the last one is always saved") {
    // Time moves only when the test says so: what is saved cannot depend on the machine's speed.
    asset_sdk::ManualClock manual;
    clock = &manual;
    PipelineOptions o = options(10, 2);
    o.min_save_interval = 250ms;
    auto& pipeline = start(o);

    emit_batch(pipeline, 1, 10);  // the first covered marker is saved at once: no save before it
    REQUIRE(wait_until([&] { return persist.saved().size() == 1; }));
    CHECK(persist.saved() == std::vector<std::uint64_t>{10});

    emit_batch(pipeline, 11, 20);
    emit_batch(pipeline, 21, 30);
    REQUIRE(wait_until([&] { return pipeline.stats().acked_prefix == 30; }));
    std::this_thread::sleep_for(100ms);  // the workers look again: still within the interval
    CHECK(persist.saved() == std::vector<std::uint64_t>{10});

    // Once the interval is over the newest covered marker is saved, although no acknowledgement
    // or marker arrives any more (a plugin waiting on a rate limit); 20 is never written.
    manual.advance(250ms);
    CHECK(wait_until([&] { return persist.saved().size() == 2; }));
    CHECK(persist.saved() == std::vector<std::uint64_t>{10, 30});

    emit_batch(pipeline, 31, 40);
    REQUIRE(wait_until([&] { return pipeline.stats().acked_prefix == 40; }));
    for (std::uint64_t i = 41; i <= 45; ++i) {  // a partial batch, sent by finish()
        REQUIRE(pipeline.record(deliverytest::device_record(i)) == SinkResult::kContinue);
    }
    REQUIRE(pipeline.checkpoint(marker(45)) == SinkResult::kContinue);
    std::this_thread::sleep_for(50ms);
    CHECK(persist.saved().size() == 2);  // 40 is covered but held

    // The end of the cycle saves the last marker whatever the interval.
    CHECK(pipeline.finish().is_ok());
    CHECK(persist.saved() == std::vector<std::uint64_t>{10, 30, 45});
    CHECK(persist.violations() == 0);
    CHECK(pipeline.stats().checkpoints_saved == 3);
    CHECK(pipeline.stats().saved_covers == 45);
}

TEST_CASE_FIXTURE(PipelineFixture,
                  "a held checkpoint is saved at once on cancellation and after a failed batch") {
    asset_sdk::ManualClock manual;
    clock = &manual;
    PipelineOptions o = options(10, 2);
    o.min_save_interval = 250ms;

    SUBCASE("cancellation") {
        auto& pipeline = start(o);
        emit_batch(pipeline, 1, 10);
        REQUIRE(wait_until([&] { return persist.saved().size() == 1; }));
        emit_batch(pipeline, 11, 20);
        REQUIRE(wait_until([&] { return pipeline.stats().acked_prefix == 20; }));
        CHECK(persist.saved() == std::vector<std::uint64_t>{10});
        cancel.cancel();  // before finish(): the workers save it, the clock has not moved
        CHECK(wait_until([&] { return persist.saved().size() == 2; }));
        CHECK(persist.last() == 20);
        CHECK(pipeline.finish().code() == asset_sdk::StatusCode::kCancelled);
        CHECK(persist.saved() == std::vector<std::uint64_t>{10, 20});
    }
    SUBCASE("a failed batch") {
        std::atomic<bool> fail_third{false};
        auto& pipeline = start(o, [&](std::uint64_t index) {
            BatchScript s;
            if (index == 2) {
                while (!fail_third) std::this_thread::sleep_for(1ms);
                s.status = asset_sdk::Status(asset_sdk::StatusCode::kHttp, "refused");
            }
            return s;
        });
        emit_batch(pipeline, 1, 10);
        REQUIRE(wait_until([&] { return persist.saved().size() == 1; }));
        emit_batch(pipeline, 11, 20);
        emit_batch(pipeline, 21, 30);  // batch 2: held until the test lets it fail
        REQUIRE(wait_until([&] { return pipeline.stats().acked_prefix == 20; }));
        CHECK(persist.saved() == std::vector<std::uint64_t>{10});
        fail_third = true;
        CHECK(wait_until([&] { return persist.saved().size() == 2; }));
        CHECK(persist.last() == 20);  // up to the failure, never past it
        CHECK_FALSE(pipeline.finish().is_ok());
        CHECK(persist.saved() == std::vector<std::uint64_t>{10, 20});
        CHECK(persist.violations() == 0);
    }
}
