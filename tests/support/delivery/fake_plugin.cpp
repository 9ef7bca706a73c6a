#include "fake_plugin.h"

#include "delivery_test_util.h"

#include <nlohmann/json.hpp>

namespace deliverytest {

using asset_host::FetchResult;
using asset_host::SinkResult;
using nlohmann::json;

FetchResult FakePlugin::operator()(asset_host::RecordSink& sink,
                                   const std::optional<std::string>& checkpoint, bool full) {
    seen_checkpoint = checkpoint;
    seen_full = full;
    std::uint64_t next = 0;
    if (checkpoint && !full) next = json::parse(*checkpoint)["next"].get<std::uint64_t>();
    const std::string mode = next == 0 ? "full" : "incremental";
    auto marker = [&](std::uint64_t n) {
        return json{{"next", n}, {"mode", mode}, {"skipped", 2}}.dump();
    };
    std::uint64_t emitted = 0;
    for (std::uint64_t i = next + 1; i <= total; ++i) {
        if (fail_after > 0 && emitted == fail_after) return {FetchResult::Outcome::kError, "boom"};
        if (cancel_after > 0 && emitted == cancel_after && to_cancel) to_cancel->cancel();
        if (sink.record(device_record(i)) == SinkResult::kStop) {
            return {FetchResult::Outcome::kCancelled, ""};
        }
        ++emitted;
        if (i % marker_every == 0 && sink.checkpoint(marker(i)) == SinkResult::kStop) {
            return {FetchResult::Outcome::kCancelled, ""};
        }
    }
    if (sink.checkpoint(marker(total)) == SinkResult::kStop) {
        return {FetchResult::Outcome::kCancelled, ""};
    }
    return {};
}

}  // namespace deliverytest
