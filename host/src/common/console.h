// Messages for the person at the terminal, as opposed to log lines: diagnostics (config errors,
// load errors, usage) as plain lines on stderr, and command output on stdout. Both go through the
// redactor, like logs.
#pragma once

#include <string>
#include <string_view>

namespace asset_host {

// Appends `text` made safe for a terminal: control characters that a terminal would act on —
// C0 (ESC, BEL, backspace, ...) except tab, DEL, and the C1 controls U+0080..U+009F — are
// written as visible escapes (\x1b, \x07, \u009b) instead of raw bytes: plugin data and server
// text must not recolour, retitle, move the cursor or ring the terminal. Line feeds are kept
// (`keep_newlines`, for multi-line output) or become one space (log lines), as do CRs.
void append_terminal_safe(std::string& out, std::string_view text, bool keep_newlines);

// One line on stderr ("\n" appended), redacted, control characters escaped. Thread-safe.
void print_error(std::string_view line);
// One line on stdout ("\n" appended), redacted, control characters escaped. Thread-safe.
void print_out(std::string_view line);

}  // namespace asset_host
