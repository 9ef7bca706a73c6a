// journald priority prefixes: which JOURNAL_STREAM values match, which prefix each level gets.
#include "common/journal.h"

#include <doctest/doctest.h>

using namespace asset_host;

TEST_CASE("JOURNAL_STREAM is <device>:<inode> in decimal; anything else never matches") {
    CHECK(journal_stream_matches("64769:1234567", 64769, 1234567));
    CHECK_FALSE(journal_stream_matches("64769:1234568", 64769, 1234567));
    CHECK_FALSE(journal_stream_matches("64768:1234567", 64769, 1234567));
    CHECK_FALSE(journal_stream_matches("", 0, 0));
    CHECK_FALSE(journal_stream_matches(":", 0, 0));
    CHECK_FALSE(journal_stream_matches("0:", 0, 0));
    CHECK_FALSE(journal_stream_matches("0:0x", 0, 0));
    CHECK_FALSE(journal_stream_matches("-1:0", 0, 0));
    CHECK_FALSE(stderr_is_journal(std::nullopt));
}

TEST_CASE("syslog priorities of the log levels") {
    CHECK(journal_prefix(spdlog::level::critical) == "<2>");
    CHECK(journal_prefix(spdlog::level::err) == "<3>");
    CHECK(journal_prefix(spdlog::level::warn) == "<4>");
    CHECK(journal_prefix(spdlog::level::info) == "<6>");
    CHECK(journal_prefix(spdlog::level::debug) == "<7>");
    CHECK(journal_prefix(spdlog::level::trace) == "<7>");
}
