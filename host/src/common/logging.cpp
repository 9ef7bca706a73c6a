#include "common/logging.h"

#include "common/console.h"
#include "common/journal.h"
#include "common/redactor.h"
#include "common/structured_log.h"

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <asset_sdk/json_writer.h>
#include <asset_sdk/time_util.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>

namespace asset_host {
namespace {

// "2026-11-28T14:49:47.123Z"
void append_utc_timestamp(std::chrono::system_clock::time_point t, spdlog::memory_buf_t& dest) {
    const std::string text = asset_sdk::format_iso8601_ms(t);
    dest.append(text.data(), text.data() + text.size());
}

void append(spdlog::memory_buf_t& dest, std::string_view s) {
    dest.append(s.data(), s.data() + s.size());
}

// A JSON string literal; invalid UTF-8 from a plugin becomes U+FFFD (JsonWriter's escaping).
std::string json_string(std::string_view s) {
    std::string out;
    asset_sdk::JsonWriter::escape_into(out, s);
    return out;
}

// The event being logged on this thread (log_event sets it around the call): spdlog formats
// synchronously in the calling thread, and a plugin's message can never pose as an event.
thread_local const LogEvent* t_event = nullptr;

// Formats a line in the chosen format, redacting the message first. Redaction happens here so
// that no code path (host or plugin log) can bypass it.
// `journal`: stderr is the journal, each line starts with its priority (common/journal.h).
class HostFormatter final : public spdlog::formatter {
public:
    HostFormatter(LogFormat format, bool journal) : format_(format), journal_(journal) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const std::string text = redact(std::string_view(msg.payload.data(), msg.payload.size()));
        const std::string_view connector(msg.logger_name.data(), msg.logger_name.size());
        const std::string_view level = log_level_name(msg.level);
        if (journal_) append(dest, journal_prefix(msg.level));
        if (format_ == LogFormat::kJson) {
            append(dest, "{\"ts\":\"");
            append_utc_timestamp(msg.time, dest);
            append(dest, "\",\"level\":\"");
            append(dest, level);
            append(dest, "\",\"connector\":");
            append(dest, connector.empty() ? std::string("null") : json_string(connector));
            if (t_event != nullptr) {
                append(dest, ",");
                append(dest, t_event->members());
            }
            append(dest, ",\"msg\":");
            append(dest, json_string(text));
            append(dest, "}\n");
            return;
        }
        append_utc_timestamp(msg.time, dest);
        append(dest, " ");
        append(dest, level);
        append(dest, " ");
        if (!connector.empty()) {
            append(dest, "[");
            append(dest, connector);
            append(dest, "] ");
        }
        // One event per line: a message with newlines (e.g. a plugin error) stays on one line,
        // and control characters from plugin data or server text are escaped, never sent raw
        // to the terminal (the json format escapes them too).
        std::string safe;
        append_terminal_safe(safe, text, /*keep_newlines=*/false);
        append(dest, safe);
        dest.push_back('\n');
    }

    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<HostFormatter>(format_, journal_);
    }

private:
    LogFormat format_;
    bool journal_;
};

struct LogState {
    std::mutex mu;
    std::shared_ptr<spdlog::sinks::sink> sink;
    std::shared_ptr<spdlog::logger> host;
    std::atomic<int> level{spdlog::level::info};
    std::atomic<LogFormat> format{LogFormat::kText};
    std::map<std::string, spdlog::level::level_enum> connector_levels;  // guarded by mu
    std::shared_ptr<spdlog::logger> diagnostics;  // every level: what print_error writes
};

LogState& state() {
    static LogState* s = [] {
        auto* st = new LogState();  // leaked: threads may log while static destructors run
        st->sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        st->sink->set_formatter(std::make_unique<HostFormatter>(LogFormat::kText, false));
        st->host = std::make_shared<spdlog::logger>("", st->sink);
        st->host->set_level(spdlog::level::info);
        st->diagnostics = std::make_shared<spdlog::logger>("", st->sink);
        st->diagnostics->set_level(spdlog::level::trace);
        // Stray spdlog::info(...) calls must not reach stdout (spdlog's default logger writes
        // there): route them through the host's sink, format and redaction.
        spdlog::set_default_logger(st->host);
        return st;
    }();
    return *s;
}

}  // namespace

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name) {
    if (name == "trace") return spdlog::level::trace;
    if (name == "debug") return spdlog::level::debug;
    if (name == "info") return spdlog::level::info;
    if (name == "warn" || name == "warning") return spdlog::level::warn;
    if (name == "error") return spdlog::level::err;
    return std::nullopt;
}

std::optional<LogFormat> parse_log_format(std::string_view name) {
    if (name == "text") return LogFormat::kText;
    if (name == "json") return LogFormat::kJson;
    return std::nullopt;
}

std::string_view log_level_name(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace:
            return "trace";
        case spdlog::level::debug:
            return "debug";
        case spdlog::level::info:
            return "info";
        case spdlog::level::warn:
            return "warn";
        case spdlog::level::err:
            return "error";
        case spdlog::level::critical:
            return "critical";
        default:
            return "off";
    }
}

void setup_logging(spdlog::level::level_enum level, LogFormat format) {
    LogState& s = state();
    std::lock_guard lock(s.mu);
    const char* journal_stream = std::getenv("JOURNAL_STREAM");
    const bool journal = stderr_is_journal(
        journal_stream ? std::optional<std::string_view>(journal_stream) : std::nullopt);
    s.sink->set_formatter(std::make_unique<HostFormatter>(format, journal));
    s.level.store(level);
    s.format.store(format);
    s.host->set_level(level);
}

void route_logging_to(std::shared_ptr<spdlog::sinks::sink> sink, spdlog::level::level_enum level) {
    LogState& s = state();
    std::lock_guard lock(s.mu);
    s.sink = std::move(sink);
    s.host->sinks().assign(1, s.sink);
    s.level.store(level);
    s.host->set_level(level);
}

spdlog::logger& host_log() {
    return *state().host;
}

std::shared_ptr<spdlog::logger> host_logger() {
    return state().host;
}

std::shared_ptr<spdlog::logger> connector_logger(const std::string& connector) {
    LogState& s = state();
    std::lock_guard lock(s.mu);  // s.sink may be replaced (route_logging_to)
    auto logger = std::make_shared<spdlog::logger>(connector, s.sink);
    auto level = static_cast<spdlog::level::level_enum>(s.level.load());
    if (auto it = s.connector_levels.find(connector); it != s.connector_levels.end()) {
        level = it->second;
    }
    logger->set_level(level);
    return logger;
}

LogFormat current_log_format() {
    return state().format.load();
}

spdlog::logger& diagnostic_log() {
    return *state().diagnostics;
}

void set_connector_log_level(const std::string& connector,
                             std::optional<spdlog::level::level_enum> level) {
    LogState& s = state();
    std::lock_guard lock(s.mu);
    if (level) {
        s.connector_levels[connector] = *level;
    } else {
        s.connector_levels.erase(connector);
    }
}

LogEvent::LogEvent(std::string_view name) {
    members_ = "\"event\":" + json_string(name);
}

void LogEvent::key(std::string_view k) {
    members_ += ',';
    members_ += json_string(k);
    members_ += ':';
}

LogEvent& LogEvent::field(std::string_view k, std::string_view value) {
    key(k);
    members_ += json_string(redact(value));
    return *this;
}

LogEvent& LogEvent::field(std::string_view k, std::uint64_t value) {
    key(k);
    members_ += std::to_string(value);
    return *this;
}

LogEvent& LogEvent::field(std::string_view k, double value) {
    key(k);
    std::string out;
    asset_sdk::JsonWriter(out).value(value);
    members_ += out;
    return *this;
}

LogEvent& LogEvent::null_field(std::string_view k) {
    key(k);
    members_ += "null";
    return *this;
}

void log_event(spdlog::logger& log, spdlog::level::level_enum level, const LogEvent& event,
               std::string_view text) {
    t_event = &event;
    log.log(level, "{}", text);
    t_event = nullptr;
}

}  // namespace asset_host
