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
