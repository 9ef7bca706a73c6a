// The example plugin: N synthetic devices as OCSF Device Inventory Info records, with checkpoint
// markers, and knobs to be slow or to fail. Tests use it to prove plugin loading, streaming,
// checkpoint hand-back, cancellation and redaction; it is also the smallest complete plugin to
// copy from (one class, one macro: asset_host/plugin.hpp; records written with the SDK's OCSF
// envelope, asset_sdk/ocsf.h).
//
// Config (see kSchema): records, checkpoint_every, delay_ms, fail_after, fail_test, secret.
// Marker: {"next": n}: a fetch handed that marker resumes at device n. Markers must never hold
// secrets: the host stores them in plain files.
#include <asset_sdk/json_writer.h>
#include <asset_sdk/ocsf.h>
#include <asset_host/plugin.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

namespace {

constexpr const char* kSchema = R"json({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "records": {"type": "integer", "minimum": 0, "default": 10,
                "description": "How many devices a full cycle emits"},
    "checkpoint_every": {"type": "integer", "minimum": 1, "default": 100,
                         "description": "A checkpoint marker after every N records"},
    "delay_ms": {"type": "integer", "minimum": 0, "default": 0,
                 "description": "Pause before each record (a slow source)"},
    "fail_after": {"type": "integer", "minimum": -1, "default": -1,
                   "description": "Fail the cycle after emitting this many records (-1: never)"},
    "fail_test": {"type": "boolean", "default": false,
                  "description": "Make the second test check fail"},
    "fail_message": {"type": "string", "default": "",
                     "description": "Appended to the fail_after failure message (any bytes)"},
    "big_record_at": {"type": "integer", "minimum": -1, "default": -1,
                      "description": "Device N gets a hostname of big_record_bytes bytes (-1: none)"},
    "big_record_bytes": {"type": "integer", "minimum": 0, "default": 2097152,
                         "description": "Size of the big_record_at hostname"},
    "bad_record_at": {"type": "integer", "minimum": -1, "default": -1,
                      "description": "Device N is emitted as a JSON array, not an object (-1: none)"},
    "secret": {"type": "string", "x-secret": true,
               "description": "A pretend credential (the plugin logs it so tests can prove the host redacts it)"}
  }
})json";

using asset_sdk::Result;
using asset_sdk::Status;

struct Config {
    std::int64_t records = 10;
    std::int64_t checkpoint_every = 100;
    std::int64_t delay_ms = 0;
    std::int64_t fail_after = -1;
    bool fail_test = false;
    std::string fail_message;
    std::int64_t big_record_at = -1;
    std::int64_t big_record_bytes = 2 << 20;
    std::int64_t bad_record_at = -1;
    std::string secret;
};

Result<Config> parse_config(std::string_view text) {
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return asset_sdk::invalid_argument("config must be a JSON object");
    Config c;
    auto integer = [&](const char* key, std::int64_t& into, std::int64_t minimum) -> Status {
        const auto it = j.find(key);
        if (it == j.end()) return Status::ok();
        if (!it->is_number_integer() || it->get<std::int64_t>() < minimum) {
            return asset_sdk::invalid_argument(std::string(key) +
                                               " must be an integer >= " + std::to_string(minimum));
        }
        into = it->get<std::int64_t>();
        return Status::ok();
    };
    ASSET_RETURN_IF_ERROR(integer("records", c.records, 0));
    ASSET_RETURN_IF_ERROR(integer("checkpoint_every", c.checkpoint_every, 1));
    ASSET_RETURN_IF_ERROR(integer("delay_ms", c.delay_ms, 0));
    ASSET_RETURN_IF_ERROR(integer("fail_after", c.fail_after, -1));
    ASSET_RETURN_IF_ERROR(integer("big_record_at", c.big_record_at, -1));
    ASSET_RETURN_IF_ERROR(integer("big_record_bytes", c.big_record_bytes, 0));
    ASSET_RETURN_IF_ERROR(integer("bad_record_at", c.bad_record_at, -1));
    if (const auto it = j.find("fail_message"); it != j.end() && it->is_string()) {
        c.fail_message = it->get<std::string>();
    }
    if (const auto it = j.find("fail_test"); it != j.end()) {
        if (!it->is_boolean()) return asset_sdk::invalid_argument("fail_test must be a boolean");
        c.fail_test = it->get<bool>();
    }
    if (const auto it = j.find("secret"); it != j.end()) {
        if (!it->is_string()) return asset_sdk::invalid_argument("secret must be a string");
        c.secret = it->get<std::string>();
    }
    return c;
}

void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

class ExamplePlugin final : public asset_host::Plugin {
public:
    static Result<std::unique_ptr<ExamplePlugin>> create(std::string_view config_json,
                                                         asset_host::Host& host) {
        auto config = parse_config(config_json);
        if (!config) return config.status();
        auto plugin = std::unique_ptr<ExamplePlugin>(new ExamplePlugin(*config, host));
        if (!config->secret.empty()) {
            // Deliberately careless, so tests can prove the host redacts what plugins log.
            host.info("configured with secret " + config->secret);
        }
        return plugin;
    }

    Status test(asset_host::CheckReporter& report) override {
        report.ok("config", "will emit " + std::to_string(config_.records) +
                                " records, a checkpoint every " +
                                std::to_string(config_.checkpoint_every));
        if (config_.fail_test) {
            report.fail("source", "the source is unreachable (fail_test is true)",
                        "set fail_test: false in the manifest's config");
        } else if (config_.records == 0) {
            report.warn("source", "reachable, but there is nothing to fetch (records is 0)",
                        "set records to a positive number");
        } else {
            report.ok("source", "reachable (synthetic)");
        }
        return Status::ok();
    }

    Status fetch(const asset_host::FetchRequest& request) override {
        std::int64_t next = 0;
        if (request.checkpoint && !request.full) {
            const auto marker = nlohmann::json::parse(*request.checkpoint, nullptr, false);
            if (!marker.is_object() || !marker.contains("next") ||
                !marker["next"].is_number_integer() || marker["next"].get<std::int64_t>() < 0) {
                return asset_sdk::invalid_argument(
                    "unusable checkpoint marker (want {\"next\": n})");
            }
            next = marker["next"].get<std::int64_t>();
        }
        host_.debug("fetch starts at device " + std::to_string(next) + " of " +
                    std::to_string(config_.records));
        const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        std::int64_t emitted = 0;
        for (std::int64_t n = next; n < config_.records; ++n) {
            if (config_.fail_after >= 0 && emitted == config_.fail_after) {
                std::string message =
                    "simulated failure after " + std::to_string(emitted) + " records";
                // Deliberately careless again: the host must redact errors too.
                if (!config_.secret.empty()) message += " (secret " + config_.secret + ")";
                if (!config_.fail_message.empty()) message += ": " + config_.fail_message;
                return Status(asset_sdk::StatusCode::kInternal, message);
            }
            if (!pause()) return asset_sdk::cancelled();
            build_record(n, now);
            if (n == config_.bad_record_at) record_ = "[\"example-" + std::to_string(n) + "\"]";
            if (!host_.emit(record_)) return asset_sdk::cancelled();
            ++emitted;
            if ((n + 1) % config_.checkpoint_every == 0 && !mark(n + 1)) {
                return asset_sdk::cancelled();
            }
        }
        const std::int64_t end = std::max(next, config_.records);
        if (end % config_.checkpoint_every != 0 || emitted == 0) {
            if (!mark(end)) return asset_sdk::cancelled();
        }
        return Status::ok();
    }

private:
    ExamplePlugin(Config config, asset_host::Host& host) : config_(std::move(config)), host_(host) {
        record_.reserve(1024);
    }

    // Sleeps delay_ms in short slices so cancellation is noticed within ~10 ms.
    bool pause() {
        if (host_.cancelled()) return false;
        if (config_.delay_ms <= 0) return true;
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.delay_ms);
        while (std::chrono::steady_clock::now() < deadline) {
            if (host_.cancelled()) return false;
            const auto left = deadline - std::chrono::steady_clock::now();
            std::this_thread::sleep_for(
                std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(10)));
        }
        return !host_.cancelled();
    }

    bool mark(std::int64_t next) {
        marker_.assign("{\"next\":");
        append_int(marker_, next);
        marker_.push_back('}');
        return host_.checkpoint(marker_);
    }

    // One OCSF Device Inventory Info event (class 5001, activity Collect), into a reused buffer.
    void build_record(std::int64_t n, std::int64_t now) {
        static constexpr struct {
            int type_id;
            const char* type;
            const char* os_name;
            const char* os_type;
            int os_type_id;
        } kKinds[] = {{2, "Desktop", "Windows", "windows", 100},
                      {2, "Desktop", "macOS", "macos", 300},
                      {5, "Mobile", "Android", "android", 201},
                      {1, "Server", "Linux", "linux", 200}};
        static const asset_sdk::ocsf::Envelope kEnvelope({asset_sdk::ocsf::kDeviceInventoryInfo,
                                                          asset_sdk::ocsf::kActivityCollect,
                                                          asset_sdk::ocsf::Severity::kInformational,
                                                          {"asset-host example", "asset-host", ""},
                                                          "1.6.0",
                                                          asset_sdk::ocsf::TimeUnit::kSeconds});
        const auto& k = kKinds[n % 4];
        record_.clear();
        asset_sdk::JsonWriter w(record_);
        kEnvelope.begin(w, now * 1000);
        w.key("device").begin_object();
        w.field("type_id", k.type_id).field("type", k.type);
        name_.assign("example-");
        append_int(name_, n);
        w.field("uid", std::string_view(name_));
        name_.append(".example.test");
        if (n == config_.big_record_at) {
            name_.resize(static_cast<std::size_t>(config_.big_record_bytes), 'h');
        }
        w.field("hostname", std::string_view(name_));
        w.key("os").begin_object();
        w.field("name", k.os_name).field("type", k.os_type).field("type_id", k.os_type_id);
        w.end_object();
        w.end_object();
        w.end_object();
    }

    Config config_;
    asset_host::Host& host_;
    std::string record_;
    std::string name_;  // the device's uid, then its hostname
    std::string marker_;
};

}  // namespace

ASSET_HOST_PLUGIN(ExamplePlugin, "example", "1.0.0",
                  "Synthetic devices for tests and demos (configurable to be slow or to fail)",
                  "ocsf/5001", kSchema)
