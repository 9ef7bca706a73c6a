// journald priority prefixes on log lines. Under systemd, stderr is a stream to the journal and
// systemd says so in JOURNAL_STREAM ("<device>:<inode>" of that stream); a line starting with
// "<N>" (syslog priority N) is stored at that priority, so `journalctl -p err` works. Only when
// stderr still is that stream (a shell redirection in ExecStart= would make it something else).
#pragma once

#include <spdlog/common.h>

#include <sys/types.h>

#include <optional>
#include <string_view>

namespace asset_host {

// Whether JOURNAL_STREAM's value names the file (device, inode).
bool journal_stream_matches(std::string_view journal_stream, dev_t dev, ino_t ino);

// JOURNAL_STREAM (nullopt: unset) against what fd 2 is now.
bool stderr_is_journal(const std::optional<std::string_view>& journal_stream);

// "<3>" for error, "<4>" warn, "<6>" info, "<7>" debug and trace, "<2>" critical (sd-daemon(3)).
std::string_view journal_prefix(spdlog::level::level_enum level);

}  // namespace asset_host
