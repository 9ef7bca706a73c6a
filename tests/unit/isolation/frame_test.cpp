// The worker frame protocol's codec: frames and payloads round-trip, and whatever garbage the
// decoder is fed (bad headers, unknown types, oversized or truncated frames and items) ends in
// a clean protocol error, never an overflow.
#include "isolation/frame.h"
#include "isolation/messages.h"
#include "isolation/shared_ring.h"

#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>

using namespace asset_host::isolation;

namespace {

// Every frame the decoder hands out for `bytes` fed in pieces of `piece` bytes, or the error.
struct Decoded {
    std::vector<std::pair<FrameType, std::string>> frames;
    std::string error;
};

Decoded decode_all(const std::string& bytes, std::size_t piece,
                   std::size_t max_payload = kMaxFramePayload) {
    FrameDecoder decoder(max_payload);
    Decoded out;
    for (std::size_t at = 0; at < bytes.size() && out.error.empty(); at += piece) {
        decoder.feed(std::string_view(bytes).substr(at, piece));
        for (;;) {
            auto frame = decoder.next();
            if (!frame) {
                out.error = frame.status().message();
                break;
            }
            if (!*frame) break;
            out.frames.emplace_back((*frame)->type, std::string((*frame)->payload));
        }
    }
    return out;
}

}  // namespace

TEST_CASE("frames round-trip whole and byte by byte") {
    std::string stream = make_frame(FrameType::kItems, "abc");
    stream += make_frame(FrameType::kResult, "");
    stream += make_frame(FrameType::kCredit, std::string(100'000, 'x'));
    for (std::size_t piece : {1u, 7u, 4096u, 1u << 20}) {
        const Decoded d = decode_all(stream, piece);
        CHECK(d.error.empty());
        REQUIRE(d.frames.size() == 3);
        CHECK(d.frames[0] == std::make_pair(FrameType::kItems, std::string("abc")));
        CHECK(d.frames[1].first == FrameType::kResult);
        CHECK(d.frames[1].second.empty());
        CHECK(d.frames[2].second.size() == 100'000);
    }
}

TEST_CASE("a wrong magic byte, an unknown type or an oversized frame is a protocol error") {
    std::string bad_magic = make_frame(FrameType::kItems, "abc");
    bad_magic[0] = 'X';
    CHECK(decode_all(bad_magic, 64).error.find("bad frame header") != std::string::npos);

    std::string unknown = make_frame(FrameType::kItems, "abc");
    unknown[1] = 0x7f;
    CHECK(decode_all(unknown, 64).error == "unknown frame type 0x7f");

    const std::string big = make_frame(FrameType::kItems, std::string(65, 'x'));
    CHECK(decode_all(big, 64, 64).error == "a frame of 65 bytes is over the limit of 64");

    // A header claiming 4 GiB never makes the decoder allocate it.
    std::string huge = make_frame(FrameType::kItems, "");
    huge[4] = huge[5] = huge[6] = huge[7] = '\xff';
    CHECK(decode_all(huge, 64).error.find("over the limit") != std::string::npos);
}

TEST_CASE("once broken, the decoder stays broken") {
    FrameDecoder decoder;
    decoder.feed("garbage!");
    CHECK_FALSE(decoder.next());
    decoder.feed(make_frame(FrameType::kItems, "ok"));
    CHECK_FALSE(decoder.next());
}

TEST_CASE("a frame cut short is pending, not delivered") {
    const std::string frame = make_frame(FrameType::kItems, "abcdef");
    FrameDecoder decoder;
    decoder.feed(std::string_view(frame).substr(0, frame.size() - 1));
    auto next = decoder.next();
    REQUIRE(next);
    CHECK_FALSE(*next);
    CHECK(decoder.pending() == frame.size() - 1);
}

TEST_CASE("random garbage never crashes the decoder or the item reader") {
    std::mt19937 rng(20261201);
    for (int round = 0; round < 2000; ++round) {
        std::string bytes(rng() % 200, '\0');
        for (char& c : bytes) c = static_cast<char>(rng());
        if (round % 2 == 0 && bytes.size() >= 8) {  // often a plausible header
            bytes[0] = static_cast<char>(kFrameMagic);
            bytes[1] = static_cast<char>(FrameType::kItems);
            bytes[2] = bytes[3] = 0;
            const std::uint32_t size = static_cast<std::uint32_t>(bytes.size() - 8);
            std::memcpy(bytes.data() + 4, &size, 4);
        }
        const Decoded d = decode_all(bytes, 1 + rng() % 16);
        for (const auto& [type, payload] : d.frames) {
            ItemReader items(payload);
            for (auto item = items.next(); item && *item; item = items.next()) {
                (void)decode_log((*item)->data);
                (void)decode_statistic((*item)->data);
                (void)decode_check((*item)->data);
            }
            (void)decode_result(payload);
            (void)decode_config(payload);
        }
    }
}

TEST_CASE("payloads round-trip") {
    WorkerConfig config;
    config.command = WorkerCommand::kTest;
    config.plugin_file = "plugins/x.so";
    config.plugin_id = "x";
    config.connector = "c";
    config.manifest_file = "manifests/c.yaml";
    config.config_json = R"({"token":"s"})";
    config.checkpoint = std::string("{\"next\":2}");
    config.full = true;
    config.memory_limit = 512u << 20;
    config.ring_bytes = 1u << 21;
    auto decoded = decode_config(encode_config(config));
    REQUIRE(decoded);
    CHECK(decoded->command == WorkerCommand::kTest);
    CHECK(decoded->config_json == config.config_json);
    CHECK(decoded->checkpoint == config.checkpoint);
    CHECK(decoded->full);
    CHECK(decoded->memory_limit == config.memory_limit);
    CHECK(decoded->ring_bytes == config.ring_bytes);
    CHECK_FALSE(decode_config(encode_config(config) + "x"));  // trailing bytes
    config.ring_bytes = static_cast<std::uint32_t>(kMaxRingBytes + 1);
    CHECK_FALSE(decode_config(encode_config(config)));

    auto ref = decode_ring_ref(encode_ring_ref({4096, 300}));
    REQUIRE(ref);
    CHECK(ref->offset == 4096u);
    CHECK(ref->size == 300u);
    CHECK_FALSE(decode_ring_ref(encode_ring_ref({1, 2}) + "x"));
    CHECK_FALSE(decode_ring_ref("1234567"));

    auto result = decode_result(encode_result({ResultCode::kFailed, "boom"}));
    REQUIRE(result);
    CHECK(result->code == ResultCode::kFailed);
    CHECK(result->message == "boom");
    CHECK_FALSE(decode_result(std::string(1, '\x63')));

    CHECK(*decode_credit(encode_credit(12345)) == 12345u);
    CHECK(*decode_stop(encode_stop(AH_STOP_CYCLE_TIMEOUT)) == AH_STOP_CYCLE_TIMEOUT);
    CHECK_FALSE(decode_stop(encode_stop(static_cast<ah_stop_reason>(99))));

    std::string items;
    append_item(items, ItemKind::kRecord, R"({"uid":"a"})");
    append_item(items, ItemKind::kMarker, R"({"next":1})");
    ItemReader reader(items);
    CHECK((*reader.next())->kind == ItemKind::kRecord);
    CHECK((*reader.next())->data == R"({"next":1})");
    CHECK_FALSE(*reader.next());
    ItemReader truncated(std::string_view(items).substr(0, items.size() - 1));
    (void)truncated.next();
    CHECK_FALSE(truncated.next());
}

TEST_CASE("a shared-memory frame must name bytes inside the ring the host made") {
    CHECK(check_ring_ref({0, 8192}, 8192).is_ok());
    CHECK(check_ring_ref({8191, 1}, 8192).is_ok());
    const asset_sdk::Status past_end = check_ring_ref({8000, 193}, 8192);
    CHECK(past_end.code() == asset_sdk::StatusCode::kProtocol);
    CHECK(past_end.message() ==
          "a shared-memory frame of 193 bytes at offset 8000 is outside the ring of 8192 bytes");
    CHECK_FALSE(check_ring_ref({8192, 1}, 8192).is_ok());
    CHECK_FALSE(check_ring_ref({0, 0}, 8192).is_ok());  // an empty run is no run
    // offset + size wraps in 32 bits: still refused
    CHECK_FALSE(check_ring_ref({0xFFFFFFFFu, 2}, 8192).is_ok());
    CHECK_FALSE(check_ring_ref({0, 0xFFFFFFFFu}, std::size_t{1} << 33).is_ok());  // > a frame

    // The ring's size covers the window, the run being written and a wrap's padding.
    CHECK(ring_bytes_for(kDefaultWindowBytes, kDefaultFlushBytes) >=
          kDefaultWindowBytes + 2 * (kDefaultFlushBytes + kMaxRingItem));
    CHECK(ring_bytes_for(kDefaultWindowBytes, kDefaultFlushBytes) % 4096 == 0);
}
