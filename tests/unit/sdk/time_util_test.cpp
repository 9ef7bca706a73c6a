#include <asset_sdk/time_util.h>

#include <doctest/doctest.h>

using asset_sdk::format_duration;
using asset_sdk::format_iso8601_ms;
using asset_sdk::Millis;
using asset_sdk::parse_duration;
using asset_sdk::parse_http_date;
using asset_sdk::parse_iso8601;
using asset_sdk::SystemTime;
using asset_sdk::to_epoch_millis;
using namespace std::chrono_literals;

namespace {
std::int64_t ms_of(std::string_view iso) {
    auto t = parse_iso8601(iso);
    REQUIRE_MESSAGE(t.has_value(), "did not parse: " << iso);
    return to_epoch_millis(*t);
}
}  // namespace

TEST_CASE("parse_iso8601: UTC forms and known epoch values") {
    CHECK(ms_of("1970-01-01T00:00:00Z") == 0);
    CHECK(ms_of("1970-01-01T00:00:00.000Z") == 0);
    // Values cross-checked with `date -u -d ... +%s`.
    CHECK(ms_of("2024-12-23T00:00:00.000Z") == 1734912000000);
    CHECK(ms_of("2000-02-29T12:34:56Z") == 951827696000);
    CHECK(ms_of("1999-12-31T23:59:59.999Z") == 946684799999);
    CHECK(ms_of("2038-01-19T03:14:08Z") == 2147483648000);  // past 32-bit time_t
    CHECK(ms_of("1969-12-31T23:59:59.500Z") == -500);       // before the epoch, floored
    CHECK(ms_of("2024-12-23t00:00:00z") == 1734912000000);  // RFC 3339 allows lower case
}

TEST_CASE("parse_iso8601: offsets") {
    CHECK(ms_of("2024-12-23T01:00:00+01:00") == ms_of("2024-12-23T00:00:00Z"));
    CHECK(ms_of("2024-12-22T19:30:00-04:30") == ms_of("2024-12-23T00:00:00Z"));
    CHECK(ms_of("2024-12-23T05:45:00+0545") == ms_of("2024-12-23T00:00:00Z"));
    CHECK(ms_of("2024-01-01T00:00:00-00:00") == ms_of("2024-01-01T00:00:00Z"));
    // An offset moves the date across a year boundary.
    CHECK(ms_of("2023-12-31T23:00:00-02:00") == ms_of("2024-01-01T01:00:00Z"));
    CHECK_FALSE(parse_iso8601("2024-12-23T00:00:00+24:00"));
    CHECK_FALSE(parse_iso8601("2024-12-23T00:00:00+01:60"));
    CHECK_FALSE(parse_iso8601("2024-12-23T00:00:00+1:00"));
    CHECK_FALSE(parse_iso8601("2024-12-23T00:00:00+01:"));
}

TEST_CASE("parse_iso8601: fractional seconds of any length") {
    const std::int64_t base = ms_of("2024-06-01T10:00:00Z");
    CHECK(ms_of("2024-06-01T10:00:00.5Z") == base + 500);
    CHECK(ms_of("2024-06-01T10:00:00.12Z") == base + 120);
    CHECK(ms_of("2024-06-01T10:00:00.123Z") == base + 123);
    CHECK(ms_of("2024-06-01T10:00:00.123456Z") == base + 123);
    CHECK(ms_of("2024-06-01T10:00:00.999999999999Z") == base + 999);
    auto precise = parse_iso8601("2024-06-01T10:00:00.123456789Z");
    REQUIRE(precise);
    CHECK((*precise - *parse_iso8601("2024-06-01T10:00:00Z")) ==
          std::chrono::nanoseconds(123456789));
    CHECK_FALSE(parse_iso8601("2024-06-01T10:00:00.Z"));
}

TEST_CASE("dates outside what SystemTime holds (1678-2261) are refused, not wrapped") {
    // Fuzz findings: converting such a time to nanoseconds overflowed (undefined behaviour).
    CHECK_FALSE(parse_iso8601("9999-12-31T23:59:59.999Z"));
    CHECK_FALSE(parse_iso8601("2262-04-12T00:00:00Z"));
    CHECK_FALSE(parse_iso8601("0001-01-01T00:00:00Z"));
    CHECK(parse_iso8601("2261-12-31T23:59:59Z"));
    CHECK(parse_iso8601("1678-01-01T00:00:00Z"));
    CHECK_FALSE(parse_http_date("Sun, b05 Nov 19904 8:49:37MT"));
    CHECK_FALSE(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"));
    CHECK(parse_http_date("Fri, 31 Dec 2100 23:59:59 GMT"));
}

TEST_CASE("parse_iso8601: leap years and invalid dates") {
    CHECK(parse_iso8601("2024-02-29T00:00:00Z"));
    CHECK(parse_iso8601("2000-02-29T00:00:00Z"));        // divisible by 400
    CHECK_FALSE(parse_iso8601("1900-02-29T00:00:00Z"));  // divisible by 100 only
    CHECK_FALSE(parse_iso8601("2023-02-29T00:00:00Z"));
    CHECK_FALSE(parse_iso8601("2023-02-30T00:00:00Z"));
    CHECK_FALSE(parse_iso8601("2023-04-31T00:00:00Z"));
    CHECK(parse_iso8601("2023-12-31T23:59:59Z"));
    CHECK_FALSE(parse_iso8601("2023-13-01T00:00:00Z"));
    CHECK_FALSE(parse_iso8601("2023-00-01T00:00:00Z"));
    CHECK_FALSE(parse_iso8601("2023-01-00T00:00:00Z"));
    CHECK_FALSE(parse_iso8601("2023-01-01T24:00:00Z"));
    CHECK_FALSE(parse_iso8601("2023-01-01T23:60:00Z"));
    CHECK_FALSE(parse_iso8601("2023-01-01T23:59:61Z"));
    // A leap second is accepted and lands on the next minute.
    CHECK(ms_of("2016-12-31T23:59:60Z") == ms_of("2017-01-01T00:00:00Z"));
}

TEST_CASE("parse_iso8601: malformed text") {
    for (const char* bad :
         {"", "2024", "2024-12-23", "2024-12-23T00:00:00", "2024-12-23T00:00Z",
          "2024-1-23T00:00:00Z", "24-12-23T00:00:00Z", "2024/12/23T00:00:00Z",
          "2024-12-23X00:00:00Z", "2024-12-23T00:00:00Zjunk", " 2024-12-23T00:00:00Z",
          "2024-12-23T0a:00:00Z", "2024-12-23T00:00:00.12a4Z", "２０２４-12-23T00:00:00Z"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_iso8601(bad));
    }
}

TEST_CASE("format_iso8601_ms: milliseconds, UTC, round trip") {
    CHECK(format_iso8601_ms(SystemTime{}) == "1970-01-01T00:00:00.000Z");
    CHECK(format_iso8601_ms(*parse_iso8601("2024-02-29T23:59:59.999+00:00")) ==
          "2024-02-29T23:59:59.999Z");
    CHECK(format_iso8601_ms(*parse_iso8601("2024-12-23T01:00:00.5+01:00")) ==
          "2024-12-23T00:00:00.500Z");
    // Sub-millisecond parts are truncated (floored), never rounded up into the next ms.
    CHECK(format_iso8601_ms(*parse_iso8601("2024-12-23T00:00:00.9999Z")) ==
          "2024-12-23T00:00:00.999Z");
    CHECK(format_iso8601_ms(SystemTime(Millis(-1))) == "1969-12-31T23:59:59.999Z");
    // Every day of a leap year formats back to what was parsed.
    for (int day = 0; day < 366; ++day) {
        const SystemTime t = *parse_iso8601("2024-01-01T12:00:00.042Z") + std::chrono::days(day);
        const std::string text = format_iso8601_ms(t);
        CAPTURE(text);
        REQUIRE(parse_iso8601(text));
        CHECK(*parse_iso8601(text) == t);
    }
    CHECK(format_iso8601_ms(*parse_iso8601("2024-01-01T12:00:00.042Z") + std::chrono::days(365))
              .starts_with("2024-12-31T"));
}

TEST_CASE("parse_http_date: IMF-fixdate and obsolete forms") {
    const std::int64_t expected = ms_of("1994-11-06T08:49:37Z");
    auto imf = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
    REQUIRE(imf);
    CHECK(to_epoch_millis(*imf) == expected);
    auto rfc850 = parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT");
    REQUIRE(rfc850);
    CHECK(to_epoch_millis(*rfc850) == expected);
    auto asctime = parse_http_date("Sun Nov  6 08:49:37 1994");
    REQUIRE(asctime);
    CHECK(to_epoch_millis(*asctime) == expected);
    CHECK(parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT "));  // surrounding OWS
    CHECK(to_epoch_millis(*parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT")) ==
          ms_of("2024-02-29T23:59:59Z"));

    // The date decides, not the weekday name (senders get it wrong); two-digit days in asctime.
    CHECK(to_epoch_millis(*parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT")) == expected);
    CHECK(to_epoch_millis(*parse_http_date("Wed Nov 16 08:49:37 1994")) ==
          ms_of("1994-11-16T08:49:37Z"));
    CHECK(to_epoch_millis(*parse_http_date("Thursday, 01-Jan-15 00:00:00 GMT")) ==
          ms_of("2015-01-01T00:00:00Z"));

    for (const std::string bad : {"", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
                                  "Sun, 6 Nov 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
                                  "Sun, 06 Foo 1994 08:49:37 GMT", "Thu, 29 Feb 2023 00:00:00 GMT",
                                  "Sun, 06 Nov 1994 25:49:37 GMT", "1994-11-06T08:49:37Z", "120"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_http_date(bad));
    }
}

TEST_CASE("parse_duration: units, combinations, bare seconds") {
    CHECK(parse_duration("500ms") == Millis(500));
    CHECK(parse_duration("30s") == Millis(30'000));
    CHECK(parse_duration("5m") == Millis(300'000));
    CHECK(parse_duration("24h") == Millis(86'400'000));
    CHECK(parse_duration("7d") == Millis(7 * 86'400'000LL));
    CHECK(parse_duration("1h30m") == Millis(5'400'000));
    CHECK(parse_duration("1d2h3m4s5ms") == Millis(93'784'005));
    CHECK(parse_duration("90") == Millis(90'000));
    CHECK(parse_duration("0") == Millis(0));
    CHECK(parse_duration("0s") == Millis(0));
    CHECK(parse_duration(" 20m ") == Millis(1'200'000));  // YAML may leave spaces
}

TEST_CASE("parse_duration: rejects negatives, junk and overflow") {
    for (const std::string bad : {"",
                                  " ",
                                  "-5s",
                                  "-1",
                                  "+5s",
                                  "5x",
                                  "s",
                                  "ms",
                                  "1.5h",
                                  "1h 30m",
                                  "30m1h",
                                  "5s5s",
                                  "1H",
                                  "5 s",
                                  "1hm",
                                  "10sec",
                                  "99999999999999999999",
                                  "9223372036854775807",
                                  "106751991167301d",
                                  "9223372036854775807ms1"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_duration(bad));
    }
    CHECK(parse_duration("9223372036854775807ms") == Millis(9223372036854775807LL));
}

TEST_CASE("format_duration: shortest exact rendering that parses back") {
    CHECK(format_duration(Millis(0)) == "0s");
    CHECK(format_duration(Millis(250)) == "250ms");
    CHECK(format_duration(Millis(45'000)) == "45s");
    CHECK(format_duration(Millis(5'400'000)) == "1h30m");
    CHECK(format_duration(Millis(86'400'000)) == "1d");
    CHECK(format_duration(Millis(93'784'005)) == "1d2h3m4s5ms");
    CHECK(format_duration(Millis(-1500)) == "-1s500ms");
    for (std::int64_t v : {1LL, 999LL, 1000LL, 61'001LL, 3'600'000LL, 7 * 86'400'000LL + 1}) {
        CAPTURE(v);
        CHECK(parse_duration(format_duration(Millis(v))) == Millis(v));
    }
}

TEST_CASE("format_duration: tenths of a second for measured times") {
    using asset_sdk::DurationPrecision;
    const auto tenths = [](std::int64_t ms) {
        return format_duration(Millis(ms), DurationPrecision::kTenths);
    };
    CHECK(tenths(0) == "0s");
    CHECK(tenths(250) == "250ms");
    CHECK(tenths(999) == "999ms");
    CHECK(tenths(1000) == "1.0s");
    CHECK(tenths(2345) == "2.3s");
    CHECK(tenths(2350) == "2.4s");  // to the nearest tenth, halves up
    CHECK(tenths(95'000) == "95.0s");
    CHECK(tenths(3'723'460) == "3723.5s");
    CHECK(tenths(-1500) == "-1.5s");
    CHECK(format_duration(Millis(2345)) == "2s345ms");  // exact stays the default
}

TEST_CASE("to_epoch_millis floors toward negative infinity") {
    CHECK(to_epoch_millis(SystemTime(std::chrono::microseconds(1999))) == 1);
    CHECK(to_epoch_millis(SystemTime(std::chrono::microseconds(-1))) == -1);
    CHECK(to_epoch_millis(SystemTime(std::chrono::seconds(1'700'000'000))) == 1'700'000'000'000);
}
