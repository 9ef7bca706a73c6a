#include "common/journal.h"

#include <sys/stat.h>

#include <charconv>

namespace asset_host {

namespace {

bool parse_number(std::string_view text, unsigned long long& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

bool journal_stream_matches(std::string_view journal_stream, dev_t dev, ino_t ino) {
    const std::size_t colon = journal_stream.find(':');
    if (colon == std::string_view::npos) return false;
    unsigned long long want_dev = 0;
    unsigned long long want_ino = 0;
    if (!parse_number(journal_stream.substr(0, colon), want_dev) ||
        !parse_number(journal_stream.substr(colon + 1), want_ino)) {
        return false;
    }
    return want_dev == static_cast<unsigned long long>(dev) &&
           want_ino == static_cast<unsigned long long>(ino);
}

bool stderr_is_journal(const std::optional<std::string_view>& journal_stream) {
    if (!journal_stream) return false;
    struct stat st {};
    if (::fstat(2, &st) != 0) return false;
    return journal_stream_matches(*journal_stream, st.st_dev, st.st_ino);
}

std::string_view journal_prefix(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::critical:
            return "<2>";
        case spdlog::level::err:
            return "<3>";
        case spdlog::level::warn:
            return "<4>";
        case spdlog::level::info:
            return "<6>";
        default:
            return "<7>";
    }
}

}  // namespace asset_host
