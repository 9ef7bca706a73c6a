// Logging for the whole host: spdlog, to stderr only (stdout carries command output), in one of
// two formats, every line redacted (common/redactor.h).
//   text: 2026-11-28T14:49:47.123Z info [okta-devices] message
//   json: {"ts":"2026-11-28T14:49:47.123Z","level":"info","connector":"okta-devices","msg":"..."}
// Lines that are not about one connector have no "[...]" (text) and "connector": null (json).
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace asset_host {

enum class LogFormat { kText, kJson };

// "trace" | "debug" | "info" | "warn" | "error" (also "warning"); nullopt otherwise.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);
std::optional<LogFormat> parse_log_format(std::string_view name);
// The name used in log lines and in --log-level: "warn" rather than spdlog's "warning".
std::string_view log_level_name(spdlog::level::level_enum level);

// Configures logging once, early in main(). Before it is called, logging goes to stderr at info
// level in text format.
void setup_logging(spdlog::level::level_enum level, LogFormat format);

// Sends every log line to `sink` instead of stderr, unformatted and unredacted, at `level`: a
// worker process (isolation: process) relays its lines to the host this way, and the host
// formats and redacts them. Call before any connector logger is made.
void route_logging_to(std::shared_ptr<spdlog::sinks::sink> sink, spdlog::level::level_enum level);

// The host's own logger (no connector).
spdlog::logger& host_log();
// The same logger, shared: for components that hold a logger and default to the host's.
std::shared_ptr<spdlog::logger> host_logger();
// A logger whose lines carry `connector`; shares the host's sink and level. Cheap to keep.
std::shared_ptr<spdlog::logger> connector_logger(const std::string& connector);

}  // namespace asset_host
