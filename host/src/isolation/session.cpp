#include "isolation/session.h"

#include "common/redactor.h"
#include "isolation/frame.h"
#include "isolation/shared_ring.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace asset_host::isolation {

namespace {

using Steady = asset_sdk::SteadyTime;

// The longest the loop sleeps before it looks at the cancel token and its deadlines again.
constexpr std::chrono::milliseconds kPollSlice{50};
// One read asks for this much; a round reads at most kReadsPerRound times before it looks at
// the deadlines again.
constexpr std::size_t kReadChunk = 256u << 10;
constexpr int kReadsPerRound = 16;
// After its result, or once its stream has ended, a worker has this long to exit.
constexpr std::chrono::seconds kExitWait{5};

class Session {
public:
    Session(WorkerProcess& worker, SessionTargets& targets, const CancelToken& cancel,
            asset_sdk::Clock& clock, const SessionLimits& limits, SessionOutcome& out)
        : worker_(worker),
          targets_(targets),
          cancel_(cancel),
          clock_(clock),
          limits_(limits),
          out_(out) {}

    void run(const WorkerConfig& config) {
        WorkerConfig c = config;
        if (c.command == WorkerCommand::kFetch) {
            // The records' way (shared_ring.h). Without one (the system refused a memfd) they
            // travel inline, as they always could.
            if (auto ring = HostRing::create(ring_bytes_for(c.window_bytes, c.flush_bytes))) {
                ring_ = std::move(*ring);
                c.ring_bytes = static_cast<std::uint32_t>(ring_->size());
            }
        }
        queue(FrameType::kConfig, encode_config(c));
        if (limits_.cycle_timeout && config.command == WorkerCommand::kFetch) {
            timeout_at_ = clock_.steady_now() + *limits_.cycle_timeout;
        }
        while (!(out_.exit && eof_)) {
            watch_deadlines();
            serve_one_round();
        }
    }

private:
    // ---- deadlines, stops, kills ------------------------------------------------------------

    void watch_deadlines() {
        const Steady now = clock_.steady_now();
        const bool running = !out_.exit && !out_.result;
        if (running && cancel_.cancelled() && !out_.shutdown) {
            out_.shutdown = true;
            send_stop(AH_STOP_SHUTDOWN);
            arm_kill(now + limits_.grace_period, KillReason::kShutdownGrace);
        }
        if (running && timeout_at_ && now >= *timeout_at_ && !out_.timed_out) {
            out_.timed_out = true;
            send_stop(AH_STOP_CYCLE_TIMEOUT);
            arm_kill(now + limits_.grace_period, KillReason::kTimeoutGrace);
        }
        if (running && kill_at_ && now >= *kill_at_) kill(kill_reason_);
        if (!out_.exit && exit_by_ && now >= *exit_by_) kill(KillReason::kNoExit);
    }

    void arm_kill(Steady at, KillReason why) {
        if (kill_at_ && *kill_at_ <= at) return;
        kill_at_ = at;
        kill_reason_ = why;
    }

    void expect_exit() {
        if (!exit_by_) exit_by_ = clock_.steady_now() + kExitWait;
    }

    void kill(KillReason why) {
        if (out_.killed == KillReason::kNone) out_.killed = why;
        worker_.kill();
        kill_at_.reset();
        exit_by_.reset();
    }

    void protocol_error(const std::string& what) {
        if (out_.protocol_error.empty()) out_.protocol_error = what;
        discard_ = true;  // nothing more from this stream is believed
        kill(KillReason::kProtocol);
    }

    void send_stop(ah_stop_reason reason) {
        const unsigned bit = 1u << static_cast<unsigned>(reason);
        if (stops_sent_ & bit) return;
        stops_sent_ |= bit;
        queue(FrameType::kStop, encode_stop(reason));
    }

    // ---- the socket ---------------------------------------------------------------------

    std::chrono::milliseconds poll_timeout() const {
        Steady next = clock_.steady_now() + kPollSlice;
        for (const auto& d : {timeout_at_, kill_at_, exit_by_}) {
            if (d) next = std::min(next, *d);
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(next - clock_.steady_now());
        return std::clamp(left, std::chrono::milliseconds(1), kPollSlice);
    }

    void serve_one_round() {
        pollfd fds[2] = {};
        nfds_t n = 0;
        if (!eof_) {
            const short out = sent_ < outgoing_.size() ? POLLOUT : 0;
            fds[n++] = pollfd{worker_.socket(), static_cast<short>(POLLIN | out), 0};
        }
        const bool watch_exit = !out_.exit && worker_.exit_fd() >= 0;
        if (watch_exit) fds[n++] = pollfd{worker_.exit_fd(), POLLIN, 0};
        ::poll(fds, n, static_cast<int>(poll_timeout().count()));
        if (!eof_ && (fds[0].revents & POLLOUT)) send_queued();
        if (!eof_ && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) read_available();
        const bool exit_signalled = watch_exit && (fds[n - 1].revents & POLLIN);
        if (!out_.exit && (exit_signalled || worker_.exit_fd() < 0 || eof_)) {
            out_.exit = worker_.try_reap();
            // Whatever it wrote before dying is in the socket now: read it, then stop.
            if (out_.exit && !eof_) read_available();
        }
    }

    void queue(FrameType type, std::string_view payload) {
        outgoing_ += make_frame(type, payload);
        send_queued();
    }

    void send_queued() {
        while (sent_ < outgoing_.size()) {
            const ssize_t n = send_some();
            if (n > 0) {
                sent_ += static_cast<std::size_t>(n);
                // The worker has the ring's descriptor (with the config's first bytes).
                if (ring_) ring_->release_fd();
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                return;  // the rest when the socket has room (POLLOUT)
            } else {
                break;  // the worker is gone: its end will read as closed
            }
        }
        outgoing_.clear();
        sent_ = 0;
    }

    // The next bytes of outgoing_; the ring's memfd rides with the first ones (SCM_RIGHTS).
    ssize_t send_some() {
        iovec iov{outgoing_.data() + sent_, outgoing_.size() - sent_};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
        if (ring_ && ring_->fd() >= 0) {
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            const int fd = ring_->fd();
            std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
        }
        return ::sendmsg(worker_.socket(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    }

    void read_available() {
        for (int i = 0; i < kReadsPerRound && !eof_; ++i) {
            const std::span<char> room = decoder_.prepare(kReadChunk);
            const ssize_t n = ::recv(worker_.socket(), room.data(), room.size(), 0);
            if (n > 0) {
                if (discard_) continue;
                decoder_.commit(static_cast<std::size_t>(n));
                serve_frames();
            } else if (n == 0) {
                eof_ = true;
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                // Drained. A worker that has exited cannot write more: its stream is over.
                if (out_.exit) eof_ = true;
                break;
            } else if (errno != EINTR) {
                eof_ = true;
            }
        }
        if (eof_) expect_exit();
    }

    // ---- what the worker streams ------------------------------------------------------------

    void serve_frames() {
        while (!discard_) {
            auto frame = decoder_.next();
            if (!frame) return protocol_error(frame.status().message());
            if (!*frame) return;
            serve_frame(**frame);
        }
    }

    void serve_frame(const FrameView& frame) {
        if (out_.result) return protocol_error("a frame after the result");
        if (frame.type == FrameType::kItems) {
            serve_items(frame.payload);
            if (!discard_) queue(FrameType::kCredit, encode_credit(frame.payload.size()));
        } else if (frame.type == FrameType::kItemsInRing) {
            serve_ring_items(frame.payload);
        } else if (frame.type == FrameType::kResult) {
            auto result = decode_result(frame.payload);
            if (!result) return protocol_error(result.status().message());
            out_.result = std::move(result).value();
            expect_exit();
        } else {
            protocol_error("a host frame (type " + std::to_string(static_cast<int>(frame.type)) +
                           ") from the worker");
        }
    }

    // A run of items in the shared ring: checked against the ring this host made, copied out
    // (the worker can rewrite the ring at any time; only the copy is decoded), then served and
    // credited like a kItems frame.
    void serve_ring_items(std::string_view payload) {
        if (!ring_) return protocol_error("a shared-memory frame, and no ring was given");
        auto ref = decode_ring_ref(payload);
        if (!ref) return protocol_error(ref.status().message());
        if (auto st = ring_->copy_out(*ref, ring_copy_); !st.is_ok()) {
            return protocol_error(st.message());
        }
        serve_items(ring_copy_);
        if (!discard_) queue(FrameType::kCredit, encode_credit(ref->size));
    }

    void serve_items(std::string_view payload) {
        ItemReader items(payload);
        while (!discard_) {
            auto item = items.next();
            if (!item) return protocol_error(item.status().message());
            if (!*item) return;
            serve_item(**item);
        }
    }

    void serve_item(const Item& item) {
        switch (item.kind) {
            case ItemKind::kRecord:
            case ItemKind::kMarker:
                return serve_data(item);
            case ItemKind::kLog:
                return serve_log(item.data);
            case ItemKind::kStatistic:
                return serve_statistic(item.data);
            case ItemKind::kCheck:
                return serve_check(item.data);
        }
    }

    void serve_data(const Item& item) {
        RecordSink* sink = targets_.sink;
        if (!sink) return protocol_error("a record or marker outside fetch");
        if (sink_stopped_) return;  // past a stop nothing more is taken, as in-process
        const SinkResult r =
            item.kind == ItemKind::kRecord ? sink->record(item.data) : sink->checkpoint(item.data);
        if (r == SinkResult::kContinue) return;
        sink_stopped_ = true;
        const ah_stop_reason why = sink->stop_reason();
        send_stop(why != AH_STOP_NONE ? why : AH_STOP_HOST_ERROR);
    }

    void serve_log(std::string_view data) {
        auto line = decode_log(data);
        if (!line) return protocol_error(line.status().message());
        if (!targets_.log) return;
        const int level = std::clamp(line->level, 0, static_cast<int>(spdlog::level::critical));
        targets_.log->log(static_cast<spdlog::level::level_enum>(level), "{}", line->text);
    }

    void serve_statistic(std::string_view data) {
        auto stat = decode_statistic(data);
        if (!stat) return protocol_error(stat.status().message());
        if (targets_.statistics) targets_.statistics->record(&stat->as_abi());
    }

    void serve_check(std::string_view data) {
        if (!targets_.on_check || !*targets_.on_check) {
            return protocol_error("a check outside test");
        }
        auto check = decode_check(data);
        if (!check) return protocol_error(check.status().message());
        check->source = "plugin";
        check->name = redact(check->name.empty() ? "(unnamed)" : check->name);
        check->detail = redact(check->detail);
        check->remedy = redact(check->remedy);
        (*targets_.on_check)(*check);
    }

    WorkerProcess& worker_;
    SessionTargets& targets_;
    const CancelToken& cancel_;
    asset_sdk::Clock& clock_;
    const SessionLimits& limits_;
    SessionOutcome& out_;

    FrameDecoder decoder_;
    std::unique_ptr<HostRing> ring_;  // fetch: the shared ring
    std::string ring_copy_;           // the run being served, out of the ring
    std::string outgoing_;
    std::size_t sent_ = 0;
    bool eof_ = false;
    bool discard_ = false;
    bool sink_stopped_ = false;
    unsigned stops_sent_ = 0;
    std::optional<Steady> timeout_at_;
    std::optional<Steady> kill_at_;
    KillReason kill_reason_ = KillReason::kNone;
    std::optional<Steady> exit_by_;
};

}  // namespace

SessionOutcome run_session(WorkerSpawner& spawner, const WorkerConfig& config,
                           SessionTargets& targets, const CancelToken& cancel,
                           asset_sdk::Clock& clock, const SessionLimits& limits) {
    SessionOutcome out;
    const Steady started = clock.steady_now();
    auto worker = spawner.spawn(config.connector);
    if (!worker) {
        out.spawn_error = worker.status().message();
        return out;
    }
    out.pid = (*worker)->pid();
    Session(**worker, targets, cancel, clock, limits, out).run(config);
    out.ran = std::chrono::duration_cast<asset_sdk::Millis>(clock.steady_now() - started);
    return out;
}

}  // namespace asset_host::isolation
