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

void write_line(std::FILE* f, std::string_view line) {
    std::string text = redact(line);
    text.push_back('\n');
    std::lock_guard lock(console_mutex());
    std::fwrite(text.data(), 1, text.size(), f);
    std::fflush(f);
}
}  // namespace

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
