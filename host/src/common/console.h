// Messages for the person at the terminal, as opposed to log lines: diagnostics (config errors,
// load errors, usage) as plain lines on stderr, and command output on stdout. Both go through the
// redactor, like logs.
#pragma once

#include <string_view>

namespace asset_host {

// One line on stderr ("\n" appended), redacted. Thread-safe.
void print_error(std::string_view line);
// One line on stdout ("\n" appended), redacted. Thread-safe.
void print_out(std::string_view line);

}  // namespace asset_host
