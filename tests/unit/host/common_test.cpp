// Cancellation, redaction, log formatting helpers.
#include "common/cancellation.h"
#include "common/logging.h"
#include "common/redactor.h"

#include <doctest/doctest.h>

#include <thread>

using namespace asset_host;

TEST_CASE("a token follows its source and its source's parents") {
    CancelSource parent;
    CancelSource child(parent.token());
    CancelToken never;
    CHECK_FALSE(child.token().cancelled());
    CHECK_FALSE(never.cancelled());
    parent.cancel();
    CHECK(child.token().cancelled());
    CHECK(child.cancelled());
    CHECK_FALSE(never.cancelled());

    CancelSource other;
    CancelSource other_child(other.token());
    other_child.cancel();
    CHECK_FALSE(other.cancelled());  // cancellation flows down, never up
}

TEST_CASE("cancellation is visible across threads") {
    CancelSource s;
    std::thread t([&] { s.cancel(); });
    t.join();
    CHECK(s.token().cancelled());
}

TEST_CASE("the redactor masks every occurrence of every secret, longest first") {
    Redactor r;
    CHECK(r.redact("nothing registered") == "nothing registered");
    r.add("");
    CHECK(r.redact("ab c") == "ab c");  // an empty secret is ignored
    r.add("abc");
    r.add("abcdef");
    r.add("abc");
    CHECK(r.redact("token=abcdef, again abc and abcabc") == "token=***, again *** and ******");
    CHECK(r.redact("xxabcxx") == "xx***xx");
    CHECK(r.redact("ab c") == "ab c");
}

TEST_CASE("log level and format names") {
    CHECK(parse_log_level("warn") == spdlog::level::warn);
    CHECK(parse_log_level("warning") == spdlog::level::warn);
    CHECK(parse_log_level("error") == spdlog::level::err);
    CHECK_FALSE(parse_log_level("verbose").has_value());
    CHECK(log_level_name(spdlog::level::warn) == "warn");
    CHECK(parse_log_format("json") == LogFormat::kJson);
    CHECK_FALSE(parse_log_format("xml").has_value());
}
