// JSON text repair: complete-but-undecodable documents are told from cut or broken ones, and
// every undecodable string is made decodable while the rest of the text stays byte-identical.
#include <asset_sdk/json_repair.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using asset_sdk::json_structure_complete;
using asset_sdk::JsonRepairCounts;
using asset_sdk::repair_json_strings;

namespace {

const std::string kFffd = "\xEF\xBF\xBD";

std::string repaired(std::string_view text, JsonRepairCounts* counts = nullptr) {
    std::string out;
    const JsonRepairCounts c = repair_json_strings(text, out);
    if (counts) *counts = c;
    return out;
}

}  // namespace

TEST_CASE("structure: whole arrays and objects pass, whatever their strings hold") {
    CHECK(json_structure_complete("[]"));
    CHECK(json_structure_complete(" \n[1, {\"a\": [\"]\", \"\\\"}\"]}] \r\n"));
    CHECK(json_structure_complete("{\"a\":\"x\\ud800\"}"));
    CHECK(json_structure_complete("[\"raw \xff bytes and \x01 control\"]"));
    CHECK(json_structure_complete("[{\"a\" \"values are not checked\"}]"));
}

TEST_CASE("structure: cut, unbalanced, mismatched or followed by more: not complete") {
    CHECK_FALSE(json_structure_complete(""));
    CHECK_FALSE(json_structure_complete("   "));
    CHECK_FALSE(json_structure_complete("\"a string\""));
    CHECK_FALSE(json_structure_complete("42"));
    CHECK_FALSE(json_structure_complete("[{\"a\":1}"));              // cut
    CHECK_FALSE(json_structure_complete("[{\"a\":\"cut in a str"));  // cut inside a string
    CHECK_FALSE(json_structure_complete("[\"x\\\"]"));               // the quote is escaped
    CHECK_FALSE(json_structure_complete("[{\"a\":1]}"));             // mismatched
    CHECK_FALSE(json_structure_complete("[1]]"));
    CHECK_FALSE(json_structure_complete("[1] [2]"));          // trailing content
    CHECK_FALSE(json_structure_complete("[1,{\"broken\":"));  // okta-sim malformed_json
}

TEST_CASE("repair: valid text comes out byte-identical with no counts") {
    const std::string text =
        "[{\"a\":\"caf\xc3\xa9 \\ud83d\\udcbb \\u00e9 \\n\\t\\\"\\\\\\/\\b\\f\\r\"},"
        "{\"emoji\":\"\xf0\x9f\x92\xbb\"}, 1.5, true, null]";
    JsonRepairCounts counts;
    CHECK(repaired(text, &counts) == text);
    CHECK(counts.total() == 0);
}

TEST_CASE("repair: lone surrogate escapes become U+FFFD; pairs are kept") {
    JsonRepairCounts c;
    // Jackson cutting a string inside an emoji: the high surrogate alone, at the end.
    CHECK(repaired(R"(["Zoë's laptop \ud83d"])", &c) == "[\"Zoë's laptop " + kFffd + "\"]");
    CHECK(c.lone_surrogates == 1);
    CHECK(c.first_offset == 16);
    CHECK(repaired(R"(["\udc00x\uD800\uD800\ud83d\udcbb"])", &c) ==
          "[\"" + kFffd + "x" + kFffd + kFffd + "\\ud83d\\udcbb\"]");
    CHECK(c.lone_surrogates == 3);
    CHECK(repaired(R"(["\ud800\u0041"])", &c) == "[\"" + kFffd + "\\u0041\"]");
    CHECK(c.lone_surrogates == 1);
}

TEST_CASE("repair: invalid UTF-8, invalid escapes and control characters") {
    JsonRepairCounts c;
    // Maximal subparts: "\xe2\x82" is one truncated sequence, "\xff" another.
    CHECK(repaired("[\"a\xe2\x82z\xff\"]", &c) == "[\"a" + kFffd + "z" + kFffd + "\"]");
    CHECK(c.invalid_utf8 == 2);
    CHECK(c.first_offset == 3);
    CHECK(repaired("[\"\xed\xa0\x80\"]", &c) == "[\"" + kFffd + kFffd + kFffd + "\"]");  // CESU
    CHECK(repaired(R"(["\q\u12G4"])", &c) == "[\"" + kFffd + kFffd + "12G4\"]");
    CHECK(c.invalid_escapes == 2);
    CHECK(repaired("[\"tab\there\x01\x1f\"]", &c) == "[\"tab\\u0009here\\u0001\\u001f\"]");
    CHECK(c.control_chars == 3);
    CHECK(c.total() == 3);
}

TEST_CASE("repair: bytes outside strings are left alone; keys are repaired too") {
    JsonRepairCounts c;
    CHECK(repaired("[\x01 1, \xff]", &c) == "[\x01 1, \xff]");
    CHECK(c.total() == 0);
    CHECK(repaired("{\"k\\ud800\":\"v\"}", &c) == "{\"k" + kFffd + "\":\"v\"}");
    CHECK(c.lone_surrogates == 1);
    // A text cut inside an escape keeps the backslash: the structure check refuses it anyway.
    CHECK(repaired("[\"\\", &c) == "[\"\\");
    CHECK(repaired("[\"\\u12", &c) == "[\"" + kFffd + "12");
}

TEST_CASE("repair: the result of a complete page always parses") {
    const std::string nasty =
        "[{\"id\":\"a\\ud800\",\"n\":\"\xc0\xaf\x7f\x01\\x\"},{\"id\":\"b\\udfff\\ud800\"}]";
    REQUIRE(json_structure_complete(nasty));
    CHECK_THROWS(nlohmann::json::parse(nasty));
    const auto parsed = nlohmann::json::parse(repaired(nasty));
    CHECK(parsed[0]["id"] == "a" + kFffd);
    CHECK(parsed[0]["n"] == kFffd + kFffd + "\x7f\x01" + kFffd);
    CHECK(parsed[1]["id"] == "b" + kFffd + kFffd);
}
