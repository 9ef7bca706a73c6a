#include <asset_sdk/json_writer.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

using asset_sdk::JsonWriter;

namespace {
std::string escaped(std::string_view s) {
    std::string out;
    JsonWriter::escape_into(out, s);
    return out;
}
}  // namespace

TEST_CASE("escaping of quotes, backslashes and control characters") {
    CHECK(escaped("plain") == R"("plain")");
    CHECK(escaped("a\"b\\c/d") == R"("a\"b\\c/d")");
    CHECK(escaped("\b\f\n\r\t") == R"("\b\f\n\r\t")");
    CHECK(escaped(std::string_view("\x00\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\x7f\"");
    CHECK(escaped("") == R"("")");
}

TEST_CASE("valid UTF-8 passes through unchanged") {
    const std::string s = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91 \xEF\xBF\xBF \xF4\x8F\xBF\xBF";
    CHECK(escaped(s) == "\"" + s + "\"");
}

TEST_CASE("invalid UTF-8 becomes U+FFFD, one per maximal subpart") {
    const std::string r = "\xEF\xBF\xBD";
    CHECK(escaped("a\xFF"
                  "b") == "\"a" + r + "b\"");                           // impossible byte
    CHECK(escaped("\x80") == "\"" + r + "\"");                          // lone continuation
    CHECK(escaped("\xC0\xAF") == "\"" + r + r + "\"");                  // overlong '/' (C0 lead)
    CHECK(escaped("\xE0\x80\xAF") == "\"" + r + r + r + "\"");          // overlong 3-byte
    CHECK(escaped("\xF0\x80\x80\xAF") == "\"" + r + r + r + r + "\"");  // overlong 4-byte
    CHECK(escaped("\xED\xA0\x80") == "\"" + r + r + r + "\"");          // UTF-16 surrogate D800
    CHECK(escaped("\xF4\x90\x80\x80") == "\"" + r + r + r + r + "\"");  // above U+10FFFF
    CHECK(escaped("\xE2\x82") == "\"" + r + "\"");                      // truncated at the end
    CHECK(escaped("\xE2\x82x") == "\"" + r + "x\"");                    // truncated before ASCII
    CHECK(escaped("\xF0\x9F\x94") == "\"" + r + "\"");
    CHECK(escaped("\xC3\"") == "\"" + r + "\\\"\"");  // quote after a broken lead
}

TEST_CASE("nested objects and arrays get commas right; output parses") {
    std::string out;
    JsonWriter w(out);
    w.begin_object()
        .field("class_uid", 5001)
        .field("name", "dev \"1\"")
        .key("device")
        .begin_object()
        .field("managed", true)
        .key("ips")
        .begin_array()
        .value("10.0.0.1")
        .value("10.0.0.2")
        .begin_array()
        .end_array()
        .begin_object()
        .end_object()
        .null()
        .end_array()
        .field("ratio", 0.25)
        .key("owner")
        .null()
        .key("raw")
        .raw(R"({"x":[1,2]})")
        .end_object()
        .field("last", false)
        .end_object();
    CHECK(out ==
          R"({"class_uid":5001,"name":"dev \"1\"","device":{"managed":true,"ips":["10.0.0.1",)"
          R"("10.0.0.2",[],{},null],"ratio":0.25,"owner":null,"raw":{"x":[1,2]}},"last":false})");
    const auto parsed = nlohmann::json::parse(out);
    CHECK(parsed["device"]["ips"].size() == 5);
    CHECK(parsed["device"]["raw"]["x"][1] == 2);
}

TEST_CASE("writer appends and can be reused after clear()") {
    std::string out = "prefix:";
    JsonWriter(out).begin_array().value(1).value(2).end_array();
    CHECK(out == "prefix:[1,2]");
    out.clear();
    JsonWriter(out).begin_array().end_array();
    CHECK(out == "[]");
}

TEST_CASE("64 levels of nesting keep per-level comma state") {
    std::string out;
    JsonWriter w(out);
    for (int i = 0; i < 64; ++i) {
        w.begin_array();
        w.value(i);  // each level already has an element before the next level opens
    }
    for (int i = 0; i < 64; ++i) {
        w.value("x");
        w.end_array();
    }
    const auto parsed = nlohmann::json::parse(out);
    const nlohmann::json* level = &parsed;
    for (int i = 0; i < 63; ++i) {
        REQUIRE(level->size() == 3);  // [i, [...], "x"]
        CHECK((*level)[0] == i);
        CHECK((*level)[2] == "x");
        level = &(*level)[1];
    }
    CHECK(level->size() == 2);  // innermost: [63, "x"]
}

TEST_CASE("integers and doubles: exact and round-trippable; non-finite is null") {
    std::string out;
    JsonWriter w(out);
    w.begin_array()
        .value(std::numeric_limits<std::int64_t>::min())
        .value(std::numeric_limits<std::int64_t>::max())
        .value(std::numeric_limits<std::uint64_t>::max())
        .value(static_cast<const char*>(nullptr))
        .value(0.1)
        .value(1e300)
        .value(-2.5e-300)
        .value(1.0 / 3.0)
        .value(std::numeric_limits<double>::quiet_NaN())
        .value(std::numeric_limits<double>::infinity())
        .value(-std::numeric_limits<double>::infinity())
        .end_array();
    const auto parsed = nlohmann::json::parse(out);
    CHECK(parsed[0].get<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
    CHECK(parsed[1].get<std::int64_t>() == std::numeric_limits<std::int64_t>::max());
    CHECK(parsed[2].get<std::uint64_t>() == std::numeric_limits<std::uint64_t>::max());
    CHECK(parsed[3].is_null());
    CHECK(parsed[4].get<double>() == 0.1);
    CHECK(parsed[5].get<double>() == 1e300);
    CHECK(parsed[6].get<double>() == -2.5e-300);
    CHECK(parsed[7].get<double>() == 1.0 / 3.0);
    CHECK(parsed[8].is_null());
    CHECK(parsed[9].is_null());
    CHECK(parsed[10].is_null());
    CHECK(out.find("18446744073709551615") != std::string::npos);
}

TEST_CASE("keys are escaped and invalid UTF-8 in values still yields parseable JSON") {
    std::string out;
    JsonWriter(out).begin_object().field("k\"\n", "bad\xFF\xFEtail").end_object();
    const auto parsed = nlohmann::json::parse(out);  // throws on invalid UTF-8
    CHECK(parsed["k\"\n"] == "bad\xEF\xBF\xBD\xEF\xBF\xBDtail");
}

// Literal keys ("uid"_key) are written from text built at compile time, without the escaper: the
// same bytes as key(std::string_view) must come out in every position a key can take (first
// member, after a member, after a nested container, in nested objects).
TEST_CASE("literal keys write the same bytes as escaped keys") {
    using namespace asset_sdk::json_literals;
    const auto document = [](bool literal) {
        std::string out = "x";  // the writer appends
        JsonWriter w(out);
        const auto key = [&](asset_sdk::JsonKey k) -> JsonWriter& {
            return literal ? w.key(k) : w.key(k.name());
        };
        w.begin_object();
        key("uid"_key).value("d-1");
        key("name"_key).value("n");
        key("os"_key).begin_object();
        key("type"_key).value("Linux");
        key("type_id"_key).value(200);
        w.end_object();
        key("imei_list"_key).begin_array().value("1").end_array();
        key("empty"_key).begin_object().end_object();
        key(""_key).null();
        key("a_b-c.d e/f~0"_key).value(true);
        w.end_object();
        return out;
    };
    const std::string escaped_keys = document(false);
    CHECK(document(true) == escaped_keys);
    CHECK(escaped_keys ==
          R"(x{"uid":"d-1","name":"n","os":{"type":"Linux","type_id":200},"imei_list":["1"],)"
          R"("empty":{},"":null,"a_b-c.d e/f~0":true})");
}

TEST_CASE("a literal key's text: the comma, the quoted key and the colon") {
    using namespace asset_sdk::json_literals;
    CHECK("uid"_key.with_comma() == R"(,"uid":)");
    CHECK("uid"_key.name() == "uid");
    CHECK(""_key.with_comma() == R"(,"":)");
    CHECK(""_key.name().empty());
    std::string out;
    JsonWriter(out).begin_object().field("a"_key, 1).field("b"_key, "x").end_object();
    CHECK(out == R"({"a":1,"b":"x"})");
}

TEST_CASE("members(): already-written members join the object with the right commas") {
    std::string out;
    JsonWriter w(out);
    w.begin_object().members(R"("a":1,"b":[2])").members("").field("c", 3);
    w.key("o").begin_object().members(R"("d":{})").end_object();
    w.key("e").begin_object().members("").end_object();
    w.members(R"("f":null)").end_object();
    CHECK(out == R"({"a":1,"b":[2],"c":3,"o":{"d":{}},"e":{},"f":null})");
}
