#include "isolation/worker_main.h"

#include "common/logging.h"
#include "common/paths.h"
#include "common/record_sink.h"
#include "isolation/frame.h"
#include "isolation/memory_limit.h"
#include "isolation/messages.h"
#include "isolation/outbox.h"
#include "isolation/spawner.h"
#include "plugin/plugin_instance.h"
#include "plugin/plugin_loader.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <spdlog/sinks/base_sink.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

namespace asset_host::isolation {

namespace {

// Items that waited this long are sent even when the plugin is quiet (waiting for a page).
constexpr std::chrono::milliseconds kStaleAfter{20};
// A log line longer than this is cut: one line is not a place for megabytes.
constexpr std::size_t kMaxLogBytes = 64u << 10;

// Records and markers of the plugin's fetch, on their way to the host.
class RelaySink final : public RecordSink {
public:
    explicit RelaySink(Outbox& outbox) : outbox_(outbox) {}
    SinkResult record(std::string_view json) override { return take(ItemKind::kRecord, json); }
    SinkResult checkpoint(std::string_view marker) override {
        return take(ItemKind::kMarker, marker);
    }
    ah_stop_reason stop_reason() const override {
        return outbox_.too_large() ? AH_STOP_HOST_ERROR : outbox_.stop_reason();
    }

private:
    SinkResult take(ItemKind kind, std::string_view data) {
        return outbox_.add_data(kind, data) ? SinkResult::kContinue : SinkResult::kStop;
    }
    Outbox& outbox_;
};

// Every log line of the worker (the plugin's, the instance's warnings) goes to the host, which
// formats and redacts it.
class RelayLogSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit RelayLogSink(Outbox& outbox) : outbox_(outbox) {}

private:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const std::string_view text(msg.payload.data(),
                                    std::min<std::size_t>(msg.payload.size(), kMaxLogBytes));
        outbox_.add_other(ItemKind::kLog, encode_log(msg.level, text));
    }
    void flush_() override {}
    Outbox& outbox_;
};

// A frame from the host after kConfig: credit, or stop (a shutdown or a time-out also cancels
// the plugin; a delivery failure only makes its next emit() say stop, as in-process).
void handle_host_frame(const FrameView& frame, Outbox& outbox, CancelSource& cancel) {
    if (frame.type == FrameType::kCredit) {
        if (auto bytes = decode_credit(frame.payload)) outbox.credit(*bytes);
        return;
    }
    auto reason = decode_stop(frame.payload);
    if (frame.type != FrameType::kStop || !reason) ::_exit(2);  // the host never sends garbage
    outbox.stop(*reason);
    if (*reason != AH_STOP_DELIVERY_FAILED) cancel.cancel();
}

// Hands every whole frame the decoder holds to handle_host_frame(); a broken stream ends the
// worker (the host never sends garbage).
void handle_decoded(FrameDecoder& decoder, Outbox& outbox, CancelSource& cancel) {
    for (auto frame = decoder.next(); frame && *frame; frame = decoder.next()) {
        handle_host_frame(**frame, outbox, cancel);
    }
    if (!decoder.next()) ::_exit(2);
}

// The host's frames, read on a thread of their own so that a plugin blocked in emit() or
// sleeping still sees a stop; also sends items that waited. It sleeps until a frame comes or
// buffered items turn stale (Outbox::sleep_ms): no periodic wake-ups, which in a long cycle
// cost more CPU than the frames themselves. A closed socket means the host is gone: the
// worker ends at once. `early` is what read_config() received past the config frame: a stop
// the host sent while this worker was still starting is already out of the socket, where
// poll() would never see it.
void listen_to_host(int fd, std::string early, Outbox& outbox, CancelSource& cancel,
                    const std::atomic<bool>& quit) {
    FrameDecoder decoder(64);
    decoder.feed(early);
    handle_decoded(decoder, outbox, cancel);
    while (!quit.load()) {
        pollfd p[2] = {{fd, POLLIN, 0}, {outbox.wake_fd(), POLLIN, 0}};
        const int ready = ::poll(p, outbox.wake_fd() >= 0 ? 2 : 1, outbox.sleep_ms(kStaleAfter));
        if (ready > 0 && (p[1].revents & POLLIN)) {
            eventfd_t drained;
            ::eventfd_read(outbox.wake_fd(), &drained);
        }
        if (ready > 0 && p[0].revents) {
            const std::span<char> room = decoder.prepare(512);
            const ssize_t got = ::recv(fd, room.data(), room.size(), 0);
            if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) ::_exit(1);
            if (got > 0) decoder.commit(static_cast<std::size_t>(got));
            handle_decoded(decoder, outbox, cancel);
        }
        outbox.flush_stale(kStaleAfter);
    }
}

// Receives into `room`; a descriptor that came with the bytes (the shared ring's memfd, sent
// with the config frame's first bytes) is kept in `passed_fd` (close-on-exec), any other closed.
ssize_t receive(int fd, std::span<char> room, int& passed_fd) {
    iovec iov{room.data(), room.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t got = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (got <= 0) return got;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int received = -1;
            std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
            if (passed_fd < 0) {
                passed_fd = received;
            } else {
                ::close(received);
            }
        }
    }
    return got;
}

// The first frame, read before anything else runs. One recv() may take more than the config
// frame (the host queues a stop right behind it when it is cancelled early): what follows it
// stays in `decoder`, for the listener. The ring's descriptor, if any, lands in `ring_fd`.
asset_sdk::Result<WorkerConfig> read_config(int fd, FrameDecoder& decoder, int& ring_fd) {
    for (;;) {
        auto frame = decoder.next();
        if (!frame) return frame.status();
        if (*frame) {
            if ((*frame)->type != FrameType::kConfig) {
                return asset_sdk::Status(asset_sdk::StatusCode::kProtocol,
                                         "the first frame is not a config frame");
            }
            return decode_config((*frame)->payload);
        }
        const std::span<char> room = decoder.prepare(64u << 10);
        const ssize_t got = receive(fd, room, ring_fd);
        if (got == 0) ::_exit(1);  // the host went away before saying anything
        if (got < 0 && errno != EINTR) ::_exit(1);
        if (got > 0) decoder.commit(static_cast<std::size_t>(got));
    }
}

WorkerResult run_fetch(PluginInstance& instance, const WorkerConfig& config, Outbox& outbox) {
    RelaySink sink(outbox);
    const FetchResult r = instance.fetch(sink, config.checkpoint, config.full);
    if (const std::size_t size = outbox.too_large()) {
        return {ResultCode::kFailed, "the plugin emitted a record of " + std::to_string(size) +
                                         " bytes; a worker relays records of at most " +
                                         std::to_string(kMaxFramePayload - kItemHeaderSize) +
                                         " bytes"};
    }
    switch (r.outcome) {
        case FetchResult::Outcome::kOk:
            return {ResultCode::kOk, ""};
        case FetchResult::Outcome::kCancelled:
            return {ResultCode::kCancelled, ""};
        default:
            return {ResultCode::kFailed,
                    r.error + (allocation_failed() ? " (an allocation failed: the worker "
                                                     "reached its memory limit)"
                                                   : "")};
    }
}

WorkerResult run_test(PluginInstance& instance, Outbox& outbox) {
    const asset_sdk::Status st = instance.test(
        [&outbox](const CheckResult& c) { outbox.add_other(ItemKind::kCheck, encode_check(c)); });
    if (st.is_ok()) return {ResultCode::kOk, ""};
    if (st.code() == asset_sdk::StatusCode::kCancelled) return {ResultCode::kCancelled, ""};
    return {ResultCode::kFailed, st.message()};
}

WorkerResult run_command(const WorkerConfig& config, Outbox& outbox, const CancelSource& cancel) {
    PluginLoadError error;
    const LoadedPlugin* plugin = load_plugin_file(config.plugin_file, error);
    if (!plugin) return {ResultCode::kLoadFailed, error.message};
    if (plugin->id != config.plugin_id) {
        return {ResultCode::kLoadFailed, config.plugin_file + " now provides plugin \"" +
                                             plugin->id + "\", not \"" + config.plugin_id + "\""};
    }
    Manifest manifest;
    manifest.file = config.manifest_file;
    manifest.name = config.connector;
    manifest.plugin = config.plugin_id;
    manifest.config = nlohmann::json::parse(config.config_json, nullptr, false);
    if (manifest.config.is_discarded()) return {ResultCode::kBadRequest, "config is not JSON"};
    auto instance = PluginInstance::create(
        *plugin, manifest, cancel.token(), [&outbox](const ah_statistic& stat) {
            outbox.add_other(ItemKind::kStatistic, encode_statistic(stat));
        });
    if (!instance) return {ResultCode::kConfigRejected, instance.status().message()};
    switch (config.command) {
        case WorkerCommand::kConfigure:
            return {ResultCode::kOk, ""};
        case WorkerCommand::kTest:
            return run_test(**instance, outbox);
        default:
            return run_fetch(**instance, config, outbox);
    }
}

bool is_socket(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

}  // namespace

int worker_main(int, char**) {
    if (!is_socket(kWorkerFd)) {
        std::fprintf(stderr,
                     "%s is internal: asset-host starts it for connectors with "
                     "isolation: process\n",
                     kWorkerExecutable);
        return 2;
    }
    // Processes the plugin starts must not inherit the channel.
    ::fcntl(kWorkerFd, F_SETFD, FD_CLOEXEC);
    FrameDecoder decoder;
    int ring_fd = -1;
    auto config = read_config(kWorkerFd, decoder, ring_fd);
    const WorkerConfig c = config ? *config : WorkerConfig{};
    // Mapped before the memory limit applies, and the descriptor closed: the plugin never
    // sees it. No ring (or one that cannot be mapped): items travel inline.
    const WorkerRingMapping ring = map_worker_ring(ring_fd, c.ring_bytes);
    if (ring_fd >= 0) ::close(ring_fd);
    Outbox outbox(kWorkerFd, c.window_bytes, c.flush_bytes, ring);
    if (!config) {
        outbox.finish({ResultCode::kBadRequest, config.status().message()});
        return 2;
    }
    route_logging_to(std::make_shared<RelayLogSink>(outbox),
                     static_cast<spdlog::level::level_enum>(c.log_level));
    if (const std::string warning = apply_memory_limit(c.memory_limit); !warning.empty()) {
        host_log().warn("{}", warning);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);  // before any thread, as libcurl asks

    CancelSource cancel;
    std::atomic<bool> quit{false};
    std::thread listener(listen_to_host, kWorkerFd, std::string(decoder.unread()), std::ref(outbox),
                         std::ref(cancel), std::cref(quit));
    const WorkerResult result = run_command(c, outbox, cancel);
    outbox.finish(result);
    quit.store(true);
    outbox.wake();
    listener.join();
    return 0;
}

}  // namespace asset_host::isolation
