// Log lines that are data: events with fields, per-connector levels, and the one path by which
// every line on stderr is written (so that with --log-format json every line is one JSON
// object, diagnostics included).
//
// An event is a log line with a name and fields. In JSON mode its fields are members of the
// line's object beside ts/level/connector/msg:
//   {"ts":"...","level":"info","connector":"okta-devices","event":"cycle_end","records":1200,...,"msg":"cycle
//   ..."}
// In text mode only the message is written, as before.
#pragma once

#include "common/logging.h"

#include <spdlog/logger.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asset_host {

class LogEvent {
public:
    explicit LogEvent(std::string_view name);

    // Values are redacted like messages. Keys are plain words chosen by the host.
    LogEvent& field(std::string_view key, std::string_view value);
    LogEvent& field(std::string_view key, const char* value) {
        return field(key, std::string_view(value));
    }
    LogEvent& field(std::string_view key, std::uint64_t value);
    LogEvent& field(std::string_view key, double value);
    LogEvent& null_field(std::string_view key);

    // `"event":"<name>",<fields>` — the members the JSON formatter inserts.
    const std::string& members() const { return members_; }

private:
    void key(std::string_view k);
    std::string members_;
};

// Logs `text` as the event `event` (fields in JSON mode, `text` alone in text mode).
void log_event(spdlog::logger& log, spdlog::level::level_enum level, const LogEvent& event,
               std::string_view text);

// The format chosen by setup_logging() (text before it is called).
LogFormat current_log_format();

// The logger of diagnostics (print_error in JSON mode, command-line errors): the host's sink and
// format, no connector, every level (a diagnostic is never filtered out by --log-level).
spdlog::logger& diagnostic_log();

// The level of one connector's logger (the manifest's log_level), instead of the global one;
// nullopt: the global level again. Applies to loggers made by connector_logger() afterwards.
void set_connector_log_level(const std::string& connector,
                             std::optional<spdlog::level::level_enum> level);

}  // namespace asset_host
