#include "common/console.h"

#include "common/redactor.h"
#include "common/structured_log.h"

#include <cstdio>
#include <mutex>
#include <string>

namespace asset_host {
namespace {
std::mutex& console_mutex() {
    static std::mutex mu;
    return mu;
}

void append_hex_escape(std::string& out, const char* prefix, unsigned value, int digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.append(prefix);
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        out.push_back(kHex[(value >> shift) & 0xf]);
}

void write_line(std::FILE* f, std::string_view line) {
    std::string text;
    append_terminal_safe(text, redact(line), /*keep_newlines=*/true);
    text.push_back('\n');
    std::lock_guard lock(console_mutex());
    std::fwrite(text.data(), 1, text.size(), f);
    std::fflush(f);
}
}  // namespace

void append_terminal_safe(std::string& out, std::string_view text, bool keep_newlines) {
    out.reserve(out.size() + text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n' || c == '\r') {
            if (c == '\n' && keep_newlines) {
                out.push_back('\n');
            } else if (keep_newlines) {
                append_hex_escape(out, "\\x", c, 2);
            } else {
                out.push_back(' ');  // one event per line
            }
        } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
            append_hex_escape(out, "\\x", c, 2);
        } else if (c == 0xc2 && i + 1 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            // U+0080..U+009F in UTF-8: the C1 controls (0x9b is CSI on some terminals).
            append_hex_escape(out, "\\u00", static_cast<unsigned char>(text[++i]), 2);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
}

// In JSON mode a diagnostic is a log line too (every line on stderr is one JSON object):
// "warning: ..." lines at warn level without the prefix, the others at error level.
void print_error(std::string_view line) {
    if (current_log_format() != LogFormat::kJson) return write_line(stderr, line);
    constexpr std::string_view kWarning = "warning: ";
    if (line.substr(0, kWarning.size()) == kWarning) {
        diagnostic_log().warn("{}", line.substr(kWarning.size()));
    } else {
        diagnostic_log().error("{}", line);
    }
}
void print_out(std::string_view line) {
    write_line(stdout, line);
}

}  // namespace asset_host
