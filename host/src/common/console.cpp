#include "common/console.h"

#include "common/redactor.h"

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

void print_error(std::string_view line) {
    write_line(stderr, line);
}
void print_out(std::string_view line) {
    write_line(stdout, line);
}

}  // namespace asset_host
