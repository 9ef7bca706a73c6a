// YAML -> JSON with the YAML 1.2 core schema, and the errors a manifest author sees.
#include "config/yaml_json.h"

#include <doctest/doctest.h>

using asset_host::yaml_to_json;
using nlohmann::json;

namespace {
json parse_ok(const std::string& text) {
    auto r = yaml_to_json(text, "m.yaml");
    REQUIRE_MESSAGE(r.is_ok(), r.status().message());
    return *r;
}
std::string parse_error(const std::string& text) {
    auto r = yaml_to_json(text, "manifests/m.yaml");
    REQUIRE(!r.is_ok());
    return r.status().message();
}
}  // namespace

TEST_CASE("plain scalars are typed by the core schema") {
    const json j = parse_ok(
        "a: null\nb: ~\nc:\nd: NULL\n"
        "t: true\nf: False\nu: TRUE\n"
        "i: 42\nn: -7\np: +3\nh: 0x1F\no: 0o17\n"
        "x: 1.5\ne: -2e3\nd2: .5\n"
        "s: hello\nv: 1.2.3\nw: 0x\nz: yes\n");
    CHECK(j["a"].is_null());
    CHECK(j["b"].is_null());
    CHECK(j["c"].is_null());
    CHECK(j["d"].is_null());
    CHECK(j["t"] == true);
    CHECK(j["f"] == false);
    CHECK(j["u"] == true);
    CHECK(j["i"] == 42);
    CHECK(j["i"].is_number_integer());
    CHECK(j["n"] == -7);
    CHECK(j["p"] == 3);
    CHECK(j["h"] == 31);
    CHECK(j["o"] == 15);
    CHECK(j["x"] == 1.5);
    CHECK(j["x"].is_number_float());
    CHECK(j["e"] == -2000.0);
    CHECK(j["d2"] == 0.5);
    CHECK(j["s"] == "hello");
    CHECK(j["v"] == "1.2.3");
    CHECK(j["w"] == "0x");
    CHECK(j["z"] == "yes");  // YAML 1.1 booleans are plain strings in 1.2
}

TEST_CASE("quoted, block and !!str scalars are always strings") {
    const json j = parse_ok("a: \"42\"\nb: 'true'\nc: !!str 7\nd: \"\"\ne: |\n  line\nf: 'null'\n");
    CHECK(j["a"] == "42");
    CHECK(j["b"] == "true");
    CHECK(j["c"] == "7");
    CHECK(j["d"] == "");
    CHECK(j["e"] == "line\n");
    CHECK(j["f"] == "null");
}

TEST_CASE("nested mappings and sequences keep their shape") {
    const json j = parse_ok("config:\n  list: [1, two, {k: v}]\n  map: {x: 1}\n");
    CHECK(j == json::parse(R"({"config":{"list":[1,"two",{"k":"v"}],"map":{"x":1}}})"));
}

TEST_CASE("an empty document is null") {
    CHECK(parse_ok("").is_null());
}

TEST_CASE("duplicate keys are errors with their position") {
    CHECK(parse_error("name: a\nplugin: p\nname: b\n") ==
          "manifests/m.yaml:3:1: duplicate key \"name\"");
    CHECK(parse_error("config:\n  x: 1\n  x: 2\n") == "manifests/m.yaml:3:3: duplicate key \"x\"");
}

TEST_CASE("invalid YAML names the file, line and column") {
    CHECK(parse_error("name: a\nconfig: [1, 2\n") ==
          "manifests/m.yaml:3:1: invalid YAML: end of sequence flow not found");
    CHECK(parse_error("a: 1\n  b: 2\n") == "manifests/m.yaml:2:4: invalid YAML: illegal map value");
}

TEST_CASE("what JSON cannot hold is refused") {
    CHECK(parse_error("a: 1\n---\nb: 2\n") ==
          "manifests/m.yaml: more than one YAML document (\"---\"); one connector per file");
    CHECK(parse_error("a: .inf\n") ==
          "manifests/m.yaml:1:4: .inf and .nan have no JSON equivalent (quote the value to make it "
          "a string)");
    CHECK(parse_error("a: 99999999999999999999\n") ==
          "manifests/m.yaml:1:4: integer out of range (quote it to make it a string)");
    CHECK(parse_error("? [1]\n: 2\n") ==
          "manifests/m.yaml:1:3: mapping keys must be plain strings");
    CHECK(parse_error("a: !custom x\n") ==
          "manifests/m.yaml:1:4: unsupported tag !custom (only !!str is allowed; quote the value "
          "instead)");
}

TEST_CASE("a file that is not UTF-8 is refused at the first bad byte, before any parsing") {
    // Stray continuation bytes in a value (found by the manifest fuzz target: they reached
    // valijson's length check, which reads out of bounds on them).
    CHECK(parse_error("name: a\nconfig:\n  base_url: \"https://u\xC6\x8F\x9E\x8C.okta.com\"\n") ==
          "manifests/m.yaml:3:25: not valid UTF-8 (byte 0x9E); save the file as UTF-8");
    CHECK(parse_error("# caf\xE9 in Latin-1\nname: a\n") ==
          "manifests/m.yaml:1:6: not valid UTF-8 (byte 0xE9); save the file as UTF-8");
    CHECK(parse_error("k: \xED\xA0\x80\n") ==  // an encoded UTF-16 surrogate
          "manifests/m.yaml:1:4: not valid UTF-8 (byte 0xED); save the file as UTF-8");
    CHECK(parse_ok("k: \"caf\xC3\xA9 \xF0\x9F\x94\x91\"\n")["k"] == "caf\xC3\xA9 \xF0\x9F\x94\x91");
}

TEST_CASE("control characters YAML does not allow are refused before yaml-cpp sees them") {
    // A NUL inside a quoted scalar made yaml-cpp allocate without end (found by the fuzzer).
    CHECK(parse_error(std::string("name: a\nconfig:\n  base_url: \"https\0\0://x\"\n", 42)) ==
          "manifests/m.yaml:3:19: control character 0x00 is not allowed in YAML (remove it; "
          "write \"\\x..\" escapes in a double-quoted string)");
    CHECK(parse_error("a: b\x1B[31m\n") ==
          "manifests/m.yaml:1:5: control character 0x1B is not allowed in YAML (remove it; "
          "write \"\\x..\" escapes in a double-quoted string)");
    CHECK(parse_error("a: \x7F\n") ==
          "manifests/m.yaml:1:4: control character 0x7F is not allowed in YAML (remove it; "
          "write \"\\x..\" escapes in a double-quoted string)");
    // A tab in a quoted string, CRLF line ends and escapes stay allowed.
    const json j = parse_ok("a: \"x\ty\"\r\nc: \"nul\\x00\"\n");
    CHECK(j["a"] == "x\ty");
    CHECK(j["c"] == std::string("nul\0", 4));
}

TEST_CASE("input on which yaml-cpp 0.7's LoadAll loops forever is an error at once") {
    // ",anm" (found by the manifest fuzz target) and "," (yaml-cpp issue 1040): the parser
    // reported empty documents without end.
    CHECK(parse_error(",anm") == "manifests/m.yaml:1:1: invalid YAML: unexpected \",\"");
    CHECK(parse_error("\n  ,\n") == "manifests/m.yaml:2:3: invalid YAML: unexpected \",\"");
    CHECK(parse_error("a: 1\n---\nb: 2\n") ==
          "manifests/m.yaml: more than one YAML document (\"---\"); one connector per file");
    CHECK(parse_ok("---\na: 1\n...\n")["a"] == 1);
    CHECK(parse_ok("# only a comment\n").is_null());
}

TEST_CASE("64-bit integers survive") {
    const json j = parse_ok("min: -9223372036854775808\nmax: 18446744073709551615\n");
    CHECK(j["min"] == std::numeric_limits<std::int64_t>::min());
    CHECK(j["max"] == std::numeric_limits<std::uint64_t>::max());
}
