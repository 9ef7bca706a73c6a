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
