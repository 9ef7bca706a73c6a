#include <asset_sdk/text.h>

#include <doctest/doctest.h>

using asset_sdk::trim;

TEST_CASE("trim: spaces, tabs, CR and LF at both ends, nothing inside") {
    CHECK(trim("  a b\t") == "a b");
    CHECK(trim("\r\n{\"k\": 1}\n") == "{\"k\": 1}");
    CHECK(trim("value\r\n") == "value");
    CHECK(trim("") == "");
    CHECK(trim(" \t\r\n ") == "");
    CHECK(trim("x") == "x");
    CHECK(trim("\va\f") == "\va\f");  // other control characters are content, not padding
}

TEST_CASE("iequals, icontains and one_line") {
    CHECK(asset_sdk::iequals("DPoP", "dpop"));
    CHECK_FALSE(asset_sdk::iequals("DPoP", "dpop "));
    CHECK(asset_sdk::icontains("WWW-Authenticate: Bearer", "bearer"));
    CHECK_FALSE(asset_sdk::icontains("ab", "abc"));
    CHECK(asset_sdk::one_line("a\n\n b\tc ", 100) == "a b c");
    CHECK(asset_sdk::one_line("abcdef", 3) == "abc...");
}

TEST_CASE("scrub_credentials: token-like runs of 32+ characters go, the rest stays one line") {
    using asset_sdk::scrub_credentials;
    CHECK(scrub_credentials("a\nb\tc", 10) == "a b c");
    CHECK(scrub_credentials(std::string(40, 'x') + " tail", 300) == "[redacted] tail");
    CHECK(scrub_credentials(std::string(31, 'x'), 300) == std::string(31, 'x'));
    CHECK(scrub_credentials(std::string(500, 'y') + "z", 20).find('y') == std::string::npos);
    CHECK(scrub_credentials("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIwb2EifQ.sig was refused", 300) ==
          "[redacted] was refused");
    CHECK(scrub_credentials("see https://dev-12345678.oktapreview.com/oauth2/v1/token", 300) ==
          "see https://dev-12345678.oktapreview.com/oauth2/v1/token");
}

TEST_CASE("find_invalid_utf8: the offset of the first byte that starts no valid sequence") {
    using asset_sdk::find_invalid_utf8;
    constexpr auto npos = std::string_view::npos;
    CHECK(find_invalid_utf8("") == npos);
    CHECK(find_invalid_utf8("plain ascii\n\t") == npos);
    CHECK(find_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91") == npos);
    CHECK(find_invalid_utf8("ab\x80") == 2);                    // stray continuation byte
    CHECK(find_invalid_utf8("\xC3\xA9\x9E\x8C\x8C\xBF") == 2);  // a run of continuations
    CHECK(find_invalid_utf8("x\xC0\xAF") == 1);                 // overlong '/'
    CHECK(find_invalid_utf8("\xED\xA0\x80") == 0);              // UTF-16 surrogate D800
    CHECK(find_invalid_utf8("\xF4\x90\x80\x80") == 0);          // above U+10FFFF
    CHECK(find_invalid_utf8("ok\xE2\x82") == 2);                // cut at the end
    CHECK(find_invalid_utf8("\xFF") == 0);
}
