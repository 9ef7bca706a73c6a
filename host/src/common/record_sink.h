// Where a fetch cycle's output goes. The plugin's emit()/checkpoint() calls arrive here, on the
// thread running fetch(). Implementations: NDJSON writer (cli/ndjson_sink.h, fetch --output),
// delivery pipeline (delivery/pipeline.h, fetch / run: batches to a destination, checkpoint
// persisted after acknowledgements). It lives in common/ so that the producer (plugin/) and the
// consumers (delivery/, cli/) share it without depending on each other.
#pragma once

#include <asset_host/plugin_abi.h>

#include <string_view>

namespace asset_host {

enum class SinkResult { kContinue, kStop };

class RecordSink {
public:
    virtual ~RecordSink() = default;
    // One record (a JSON object). May block while downstream is full (back-pressure), and
    // returns kStop when the cycle must end (shutdown, delivery failed).
    virtual SinkResult record(std::string_view json) = 0;
    // A checkpoint marker covering every record passed before it.
    virtual SinkResult checkpoint(std::string_view marker_json) = 0;
    // Why record()/checkpoint() return kStop (what the plugin's stop_reason() reports):
    // AH_STOP_SHUTDOWN, AH_STOP_DELIVERY_FAILED, or AH_STOP_NONE while they do not.
    virtual ah_stop_reason stop_reason() const = 0;
};

}  // namespace asset_host
