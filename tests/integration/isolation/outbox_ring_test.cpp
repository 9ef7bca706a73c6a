// The worker's outbox (isolation/outbox.h) writing into a real shared ring (shared_ring.h),
// read by a host thread the way the session reads it: frames off a socketpair, runs copied out
// of the host's read-only mapping, every frame credited. A small window and ring, so that the
// ring wraps many times, emit() waits for ring space and for credit, big items go inline
// between ring runs, and log lines that find no room go inline behind the run — the host must
// still see every item once, in the plugin's order.
// (An integration test by the labels' rule: it opens a socketpair.)
#include "isolation/frame.h"
#include "isolation/messages.h"
#include "isolation/outbox.h"
#include "isolation/shared_ring.h"
#include "socket_send.h"

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

using namespace asset_host::isolation;

namespace {

using testsupport::send_all;

struct HostView {
    std::vector<std::string> items;  // "<kind> <data>"
    std::size_t ring_frames = 0;
    std::size_t inline_frames = 0;
    std::uint64_t ring_bytes = 0;
    std::string error;
};

void collect(std::string_view payload, HostView& view) {
    ItemReader items(payload);
    for (auto item = items.next(); item && *item; item = items.next()) {
        view.items.push_back(std::to_string(static_cast<int>((*item)->kind)) + " " +
                             std::string((*item)->data));
    }
}

// The host's side until the result frame.
HostView read_as_host(int fd, const HostRing& ring) {
    HostView view;
    FrameDecoder decoder;
    std::string copy;
    for (;;) {
        auto frame = decoder.next();
        if (!frame) {
            view.error = frame.status().message();
            return view;
        }
        if (!*frame) {
            const std::span<char> room = decoder.prepare(64u << 10);
            const ssize_t n = ::recv(fd, room.data(), room.size(), 0);
            if (n <= 0) {
                view.error = "the stream ended without a result";
                return view;
            }
            decoder.commit(static_cast<std::size_t>(n));
            continue;
        }
        const FrameView f = **frame;
        if (f.type == FrameType::kResult) return view;
        std::uint64_t credit = 0;
        if (f.type == FrameType::kItemsInRing) {
            auto ref = decode_ring_ref(f.payload);
            if (!ref || !ring.copy_out(*ref, copy).is_ok()) {
                view.error = "a bad ring frame";
                return view;
            }
            ++view.ring_frames;
            view.ring_bytes += ref->size;
            credit = ref->size;
            collect(copy, view);
        } else {
            ++view.inline_frames;
            credit = f.payload.size();
            collect(f.payload, view);
        }
        send_all(fd, make_frame(FrameType::kCredit, encode_credit(credit)));
    }
}

// Runs `fill(outbox)` as the plugin's thread against a host thread (read_as_host) and a credit
// reader as in the worker, over a socketpair and a real ring of `window` and `flush`, then
// finishes the outbox (which unmaps the worker's mapping); returns what the host saw. `fill` adds
// the items (returning early is fine).
template <typename Fill>
HostView run_through_ring(const HostRing& ring, std::uint32_t window, std::uint32_t flush,
                          Fill fill) {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    const WorkerRingMapping mapping = map_worker_ring(ring.fd(), ring.size());
    REQUIRE(mapping.base != nullptr);
    HostView view;
    {
        Outbox outbox(fds[1], window, flush, mapping);
        // A host that refuses a frame stops reading: stop the outbox, so the test fails instead
        // of hanging on credit that never comes.
        std::thread host([&] {
            view = read_as_host(fds[0], ring);
            if (!view.error.empty()) outbox.stop(AH_STOP_HOST_ERROR);
        });
        // The host's frames come back on the same socket: a reader thread as in the worker.
        std::thread credits([&] {
            FrameDecoder decoder(64);
            for (;;) {
                const std::span<char> room = decoder.prepare(512);
                const ssize_t n = ::recv(fds[1], room.data(), room.size(), 0);
                if (n <= 0) return;
                decoder.commit(static_cast<std::size_t>(n));
                for (auto f = decoder.next(); f && *f; f = decoder.next()) {
                    if (auto bytes = decode_credit((*f)->payload)) outbox.credit(*bytes);
                }
            }
        });
        fill(outbox);
        outbox.finish({ResultCode::kOk, ""});
        host.join();
        ::shutdown(fds[0], SHUT_RDWR);
        credits.join();
    }
    ::close(fds[0]);
    ::close(fds[1]);
    return view;
}

}  // namespace

TEST_CASE(
    "outbox with a shared ring: every item arrives once and in order through many wraps, big "
    "items and log lines inline between runs") {
    constexpr std::uint32_t kWindow = 32u << 10;
    constexpr std::uint32_t kFlush = 8u << 10;
    auto ring = HostRing::create(ring_bytes_for(kWindow, kFlush));
    REQUIRE(ring);
    std::vector<std::string> expected;
    const HostView view = run_through_ring(**ring, kWindow, kFlush, [&](Outbox& outbox) {
        const auto add = [&](ItemKind kind, const std::string& data) {
            expected.push_back(std::to_string(static_cast<int>(kind)) + " " + data);
            if (kind == ItemKind::kRecord || kind == ItemKind::kMarker) {
                (void)outbox.add_data(kind, data);
            } else {
                outbox.add_other(kind, data);
            }
        };
        for (int i = 0; i < 4000; ++i) {
            // 40 .. ~3,000 bytes: runs end at every possible distance from the ring's end.
            add(ItemKind::kRecord, "{\"uid\":\"" + std::to_string(i) + "\",\"pad\":\"" +
                                       std::string(static_cast<std::size_t>(i * 37 % 3000), 'x') +
                                       "\"}");
            if (i % 250 == 0) add(ItemKind::kMarker, "{\"next\":" + std::to_string(i) + "}");
            if (i % 1000 == 500) add(ItemKind::kRecord, std::string(kMaxRingItem + 1, 'b'));
            if (i % 700 == 3) add(ItemKind::kLog, encode_log(2, "page " + std::to_string(i)));
        }
    });

    CHECK(view.error.empty());
    CHECK(view.items == expected);
    CHECK(view.ring_frames > 100);
    CHECK(view.inline_frames >= 4);                 // the big records, at least
    CHECK(view.ring_bytes > 10 * (*ring)->size());  // the ring was reused many times
}

TEST_CASE(
    "outbox with a shared ring: a run that reaches the ring's end exactly is never continued "
    "at its start") {
    // Items of 1,408 bytes tile the 176 KiB ring exactly (128 per lap), and a run is sent every
    // 6 items (8,448 >= the 8 KiB flush size): a lap ends in the middle of a run, at the ring's
    // very last byte. The next item must start a new run at offset 0, not extend the run past
    // the end (the host would refuse the frame as outside the ring).
    constexpr std::uint32_t kWindow = 32u << 10;
    constexpr std::uint32_t kFlush = 8u << 10;
    constexpr std::size_t kItem = 1408;
    REQUIRE(ring_bytes_for(kWindow, kFlush) % kItem == 0);
    auto ring = HostRing::create(ring_bytes_for(kWindow, kFlush));
    REQUIRE(ring);
    std::vector<std::string> expected;
    const HostView view = run_through_ring(**ring, kWindow, kFlush, [&](Outbox& outbox) {
        for (int i = 0; i < 1000; ++i) {
            std::string record = "{\"uid\":\"" + std::to_string(100000 + i) + "\"}";
            record.insert(record.size() - 1, kItem - kItemHeaderSize - record.size(), ' ');
            expected.push_back("1 " + record);
            if (!outbox.add_data(ItemKind::kRecord, record)) break;
        }
    });

    CHECK(view.error.empty());
    CHECK(view.items == expected);
    CHECK(view.ring_bytes == 1000 * kItem);  // every item went through the ring
}
