// The worker supervisor (isolation/session.h) without a plugin or a process: an injected
// spawner whose "worker" is a thread speaking the frame protocol over a socketpair, so records
// and markers in order, credit, garbage, a worker that ends without a result, and a stop that
// is ignored until the grace period (on a manual clock) are checked in milliseconds.
// (An integration test by the labels' rule: it opens a socketpair.)
#include "isolation/session.h"
#include "isolation/frame.h"
#include "isolation/messages.h"
#include "isolation/shared_ring.h"
#include "isolation/worker_end.h"
#include "socket_send.h"

#include <asset_sdk/clock.h>

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <thread>

using namespace asset_host;
using namespace asset_host::isolation;

namespace {

using testsupport::send_all;

// Reads frames from the host's side of the socket (for the fake worker).
struct HostFrames {
    int fd;
    FrameDecoder decoder;
    // The next frame, waiting for it; nullopt when the host closed its end.
    std::optional<std::pair<FrameType, std::string>> next() {
        for (;;) {
            auto frame = decoder.next();
            if (frame && *frame)
                return std::make_pair((*frame)->type, std::string((*frame)->payload));
            const std::span<char> room = decoder.prepare(4096);
            const ssize_t n = ::recv(fd, room.data(), room.size(), 0);
            if (n <= 0) return std::nullopt;
            decoder.commit(static_cast<std::size_t>(n));
        }
    }
};

// A "worker": `script` runs on a thread with the worker's end of the socket; when it returns,
// the worker has exited with `exit`. kill() ends it as SIGKILL would (its end is shut down).
class FakeWorker final : public WorkerProcess {
public:
    FakeWorker(std::function<WorkerExit(int fd, const std::atomic<bool>& killed)> script) {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) == 0);
        host_ = fds[0];
        worker_ = fds[1];
        // The worker side blocks, as a real worker's does.
        const int flags = ::fcntl(worker_, F_GETFL);
        ::fcntl(worker_, F_SETFL, flags & ~O_NONBLOCK);
        thread_ = std::thread([this, script = std::move(script)] {
            WorkerExit e = script(worker_, killed_);
            if (killed_.load()) e = WorkerExit{true, SIGKILL, 0, 0};
            ::shutdown(worker_, SHUT_RDWR);
            exit_ = e;
            done_.store(true);
        });
    }
    ~FakeWorker() override {
        kill();
        thread_.join();
        ::close(host_);
        ::close(worker_);
    }
    int pid() const override { return 4242; }
    int socket() const override { return host_; }
    int exit_fd() const override { return -1; }
    std::optional<WorkerExit> try_reap() override {
        if (!done_.load()) return std::nullopt;
        return exit_;
    }
    void kill() override {
        killed_.store(true);
        ::shutdown(worker_, SHUT_RDWR);
    }
    bool was_killed() const { return killed_.load(); }

private:
    int host_ = -1;
    int worker_ = -1;
    std::atomic<bool> killed_{false};
    std::atomic<bool> done_{false};
    WorkerExit exit_;
    std::thread thread_;
};

class FakeSpawner final : public WorkerSpawner {
public:
    using Script = std::function<WorkerExit(int fd, const std::atomic<bool>& killed)>;
    explicit FakeSpawner(Script script) : script_(std::move(script)) {}
    asset_sdk::Result<std::unique_ptr<WorkerProcess>> spawn(const std::string&) override {
        return std::unique_ptr<WorkerProcess>(new FakeWorker(script_));
    }

private:
    Script script_;
};

std::string items_frame(const std::vector<std::pair<ItemKind, std::string>>& items) {
    std::string payload;
    for (const auto& [kind, data] : items) append_item(payload, kind, data);
    return make_frame(FrameType::kItems, payload);
}

struct CollectingSink final : RecordSink {
    std::vector<std::string> seen;
    SinkResult record(std::string_view json) override {
        seen.push_back("record " + std::string(json));
        return SinkResult::kContinue;
    }
    SinkResult checkpoint(std::string_view marker) override {
        seen.push_back("marker " + std::string(marker));
        return SinkResult::kContinue;
    }
    ah_stop_reason stop_reason() const override { return AH_STOP_NONE; }
};

struct Run {
    SessionOutcome outcome;
    std::string described;
};

Run run_fetch(FakeSpawner::Script script, CollectingSink& sink, CancelSource& cancel,
              asset_sdk::Clock& clock, WorkerCommand command = WorkerCommand::kFetch) {
    FakeSpawner spawner(std::move(script));
    WorkerConfig config;
    config.command = command;
    config.connector = "c";
    SessionTargets targets;
    if (command == WorkerCommand::kFetch) targets.sink = &sink;
    SessionLimits limits;
    limits.grace_period = asset_sdk::Millis(2000);
    Run r;
    r.outcome = run_session(spawner, config, targets, cancel.token(), clock, limits);
    EndContext context;
    context.plugin_id = "fake";
    context.grace_period = limits.grace_period;
    r.described = describe_worker_end(r.outcome, context);
    return r;
}

// The config frame as a real worker reads it: with the shared ring's descriptor, mapped.
struct RingWorker {
    WorkerConfig config;
    WorkerRingMapping ring;
    ~RingWorker() { unmap_worker_ring(ring); }

    bool start(int fd) {
        FrameDecoder decoder;
        int ring_fd = -1;
        for (;;) {
            auto frame = decoder.next();
            if (!frame) return false;
            if (*frame) {
                auto c = decode_config((*frame)->payload);
                if (!c) return false;
                config = *c;
                break;
            }
            const std::span<char> room = decoder.prepare(4096);
            iovec iov{room.data(), room.size()};
            msghdr msg{};
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            const ssize_t n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
            if (n <= 0) return false;
            if (cmsghdr* c = CMSG_FIRSTHDR(&msg); c && c->cmsg_type == SCM_RIGHTS) {
                std::memcpy(&ring_fd, CMSG_DATA(c), sizeof ring_fd);
            }
            decoder.commit(static_cast<std::size_t>(n));
        }
        ring = map_worker_ring(ring_fd, config.ring_bytes);
        if (ring_fd >= 0) ::close(ring_fd);
        return ring.base != nullptr;
    }

    // Writes `items` into the ring at `offset` and names them in a kItemsInRing frame.
    RingRef write(int fd, std::uint32_t offset,
                  const std::vector<std::pair<ItemKind, std::string>>& items) {
        std::string run;
        for (const auto& [kind, data] : items) append_item(run, kind, data);
        std::memcpy(ring.base + offset, run.data(), run.size());
        const RingRef ref{offset, static_cast<std::uint32_t>(run.size())};
        send_all(fd, make_frame(FrameType::kItemsInRing, encode_ring_ref(ref)));
        return ref;
    }
};

std::uint64_t credit_of(const std::optional<std::pair<FrameType, std::string>>& frame) {
    if (!frame || frame->first != FrameType::kCredit) return 0;
    auto bytes = decode_credit(frame->second);
    return bytes ? *bytes : 0;
}

}  // namespace

TEST_CASE("records and markers reach the sink in order; each frame is credited; a clean end") {
    CollectingSink sink;
    CancelSource cancel;
    asset_sdk::Clock& clock = asset_sdk::SystemClock::instance();
    std::atomic<std::uint64_t> credited{0};
    const Run r = run_fetch(
        [&](int fd, const std::atomic<bool>&) {
            HostFrames host{fd, FrameDecoder{}};
            auto config = host.next();
            CHECK((config && config->first == FrameType::kConfig));
            const std::string frame = items_frame({{ItemKind::kRecord, R"({"uid":"a"})"},
                                                   {ItemKind::kMarker, R"({"next":1})"},
                                                   {ItemKind::kRecord, R"({"uid":"b"})"}});
            send_all(fd, frame);
            auto credit = host.next();
            CHECK((credit && credit->first == FrameType::kCredit));
            if (auto bytes =
                    credit ? decode_credit(credit->second) : asset_sdk::Result<std::uint64_t>(0)) {
                credited.store(*bytes);
            }
            send_all(fd, make_frame(FrameType::kResult, encode_result({ResultCode::kOk, ""})));
            return WorkerExit{};
        },
        sink, cancel, clock);
    CHECK(r.described.empty());
    CHECK(sink.seen == std::vector<std::string>{R"(record {"uid":"a"})", R"(marker {"next":1})",
                                                R"(record {"uid":"b"})"});
    CHECK(credited.load() == items_frame({{ItemKind::kRecord, R"({"uid":"a"})"},
                                          {ItemKind::kMarker, R"({"next":1})"},
                                          {ItemKind::kRecord, R"({"uid":"b"})"}})
                                     .size() -
                                 kFrameHeaderSize);
}

TEST_CASE(
    "garbage from the worker: what came before is kept, the worker is killed, the cycle "
    "fails naming the protocol error") {
    CollectingSink sink;
    CancelSource cancel;
    asset_sdk::Clock& clock = asset_sdk::SystemClock::instance();
    const Run r = run_fetch(
        [&](int fd, const std::atomic<bool>& killed) {
            HostFrames host{fd, FrameDecoder{}};
            host.next();
            send_all(fd, items_frame({{ItemKind::kRecord, R"({"uid":"a"})"}}));
            static constexpr char kGarbage[] = "\xA5\x42\0\0\0\0\0\0garbage";
            send_all(fd, std::string(kGarbage, sizeof kGarbage - 1));
            while (!killed.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return WorkerExit{};
        },
        sink, cancel, clock);
    CHECK(sink.seen == std::vector<std::string>{R"(record {"uid":"a"})"});
    CHECK(r.outcome.killed == KillReason::kProtocol);
    CHECK(r.described ==
          "plugin fake broke the worker protocol (unknown frame type 0x42); its worker was killed");
}

TEST_CASE("a worker that ends without a result fails the cycle, naming how it ended") {
    CollectingSink sink;
    CancelSource cancel;
    asset_sdk::Clock& clock = asset_sdk::SystemClock::instance();
    const Run exited = run_fetch(
        [&](int fd, const std::atomic<bool>&) {
            HostFrames{fd, FrameDecoder{}}.next();
            return WorkerExit{false, 0, 0, 0};
        },
        sink, cancel, clock);
    CHECK(exited.described == "plugin fake exited unexpectedly (status 0) during fetch");
    const Run crashed = run_fetch(
        [&](int fd, const std::atomic<bool>&) {
            HostFrames{fd, FrameDecoder{}}.next();
            return WorkerExit{true, SIGSEGV, 0, 0};
        },
        sink, cancel, clock);
    CHECK(crashed.described == "plugin fake crashed: SIGSEGV");
}

TEST_CASE("a shutdown sends stop; a worker ignoring it is killed after the grace period") {
    CollectingSink sink;
    CancelSource cancel;
    asset_sdk::ManualClock clock;
    std::atomic<bool> stop_seen{false};
    const Run r = run_fetch(
        [&](int fd, const std::atomic<bool>& killed) {
            HostFrames host{fd, FrameDecoder{}};
            host.next();  // config
            cancel.cancel();
            auto stop = host.next();
            CHECK((stop && stop->first == FrameType::kStop));
            const auto reason =
                stop ? decode_stop(stop->second) : asset_sdk::Result<ah_stop_reason>(AH_STOP_NONE);
            CHECK((reason && *reason == AH_STOP_SHUTDOWN));
            stop_seen.store(true);
            clock.advance(asset_sdk::Millis(1999));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            CHECK_FALSE(killed.load());  // not before the grace period
            clock.advance(asset_sdk::Millis(2));
            while (!killed.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return WorkerExit{};
        },
        sink, cancel, clock);
    CHECK(stop_seen.load());
    CHECK(r.outcome.shutdown);
    CHECK(r.outcome.killed == KillReason::kShutdownGrace);
    CHECK(r.described ==
          "plugin fake did not stop within the grace period (2s) after the shutdown request and "
          "was killed (SIGKILL)");
}

TEST_CASE(
    "fetch: runs of items in the shared ring reach the sink in the worker's order, between "
    "inline frames; each run is credited with its size") {
    CollectingSink sink;
    CancelSource cancel;
    asset_sdk::Clock& clock = asset_sdk::SystemClock::instance();
    std::vector<std::uint64_t> credits;
    std::vector<std::uint64_t> sizes;
    std::uint32_t ring_bytes = 0;
    const Run r = run_fetch(
        [&](int fd, const std::atomic<bool>&) {
            RingWorker worker;
            if (!worker.start(fd)) {
                FAIL_CHECK("the fake worker got no ring");
                return WorkerExit{};
            }
            ring_bytes = worker.config.ring_bytes;
            HostFrames host{fd, FrameDecoder{}};
            const RingRef first = worker.write(
                fd, 0,
                {{ItemKind::kRecord, R"({"uid":"a"})"}, {ItemKind::kMarker, R"({"next":1})"}});
            sizes.push_back(first.size);
            credits.push_back(credit_of(host.next()));
            // After the host credited the first run, the worker may reuse its bytes.
            const RingRef second = worker.write(fd, 0, {{ItemKind::kRecord, R"({"uid":"b"})"}});
            sizes.push_back(second.size);
            send_all(fd, items_frame({{ItemKind::kRecord, R"({"uid":"c"})"}}));
            const RingRef third = worker.write(fd, worker.config.ring_bytes - 20,
                                               {{ItemKind::kRecord, R"({"uid":"d"})"}});
            sizes.push_back(third.size);
            for (int i = 0; i < 3; ++i) credits.push_back(credit_of(host.next()));
            send_all(fd, make_frame(FrameType::kResult, encode_result({ResultCode::kOk, ""})));
            return WorkerExit{};
        },
        sink, cancel, clock);
    CHECK(r.described.empty());
    CHECK(ring_bytes == ring_bytes_for(kDefaultWindowBytes, kDefaultFlushBytes));
    CHECK(sink.seen == std::vector<std::string>{R"(record {"uid":"a"})", R"(marker {"next":1})",
                                                R"(record {"uid":"b"})", R"(record {"uid":"c"})",
                                                R"(record {"uid":"d"})"});
    REQUIRE(credits.size() == 4);
    REQUIRE(sizes.size() == 3);
    CHECK(credits[0] == sizes[0]);
    CHECK(credits[1] == sizes[1]);
    CHECK(credits[2] == kItemHeaderSize + 11);  // the inline frame's payload
    CHECK(credits[3] == sizes[2]);
}

TEST_CASE(
    "a shared-memory frame naming bytes outside the ring: what came before is kept, the worker "
    "is killed, the cycle fails naming the protocol error") {
    CollectingSink sink;
    CancelSource cancel;
    asset_sdk::Clock& clock = asset_sdk::SystemClock::instance();
    std::uint32_t ring_bytes = 0;
    const Run r = run_fetch(
        [&](int fd, const std::atomic<bool>& killed) {
            RingWorker worker;
            if (!worker.start(fd)) {
                FAIL_CHECK("the fake worker got no ring");
                return WorkerExit{};
            }
            ring_bytes = worker.config.ring_bytes;
            worker.write(fd, 0, {{ItemKind::kRecord, R"({"uid":"a"})"}});
            // Valid items, but the frame claims 100 bytes starting 4 bytes before the end.
            send_all(fd,
                     make_frame(FrameType::kItemsInRing, encode_ring_ref({ring_bytes - 4, 100})));
            while (!killed.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return WorkerExit{};
        },
        sink, cancel, clock);
    CHECK(sink.seen == std::vector<std::string>{R"(record {"uid":"a"})"});
    CHECK(r.outcome.killed == KillReason::kProtocol);
    CHECK(r.described ==
          "plugin fake broke the worker protocol (a shared-memory frame of 100 "
          "bytes at offset " +
              std::to_string(ring_bytes - 4) + " is outside the ring of " +
              std::to_string(ring_bytes) + " bytes); its worker was killed");
}

TEST_CASE("a shared-memory frame when the host gave no ring (not a fetch) is a protocol error") {
    CollectingSink sink;
    CancelSource cancel;
    asset_sdk::Clock& clock = asset_sdk::SystemClock::instance();
    std::uint32_t ring_bytes = 99;
    const Run r = run_fetch(
        [&](int fd, const std::atomic<bool>& killed) {
            HostFrames host{fd, FrameDecoder{}};
            auto config = host.next();
            if (config) {
                if (auto c = decode_config(config->second)) ring_bytes = c->ring_bytes;
            }
            send_all(fd, make_frame(FrameType::kItemsInRing, encode_ring_ref({0, 16})));
            while (!killed.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return WorkerExit{};
        },
        sink, cancel, clock, WorkerCommand::kConfigure);
    CHECK(ring_bytes == 0);
    CHECK(r.outcome.killed == KillReason::kProtocol);
    CHECK(r.described ==
          "plugin fake broke the worker protocol (a shared-memory frame, and no ring was given); "
          "its worker was killed");
}
