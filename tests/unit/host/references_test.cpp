// ${env:NAME} / ${file:PATH} / ${cred:NAME} resolution, with the exact errors a manifest author
// sees.
#include "config/references.h"

#include "temp_dir.h"

#include <doctest/doctest.h>
#include "string_list.h"

#include <unistd.h>

#include <map>

using namespace asset_host;
using nlohmann::json;

namespace {
EnvLookup fake_env(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}
}  // namespace

TEST_CASE("env and file references resolve inside strings; other values are untouched") {
    testsupport::TempDir dir;
    dir.write("secrets/token.txt", "s3cr3t\n");
    json doc = json::parse(R"({
        "config": {"token": "${env:TOKEN}", "header": "Bearer ${env:TOKEN}!",
                   "from_file": "${file:secrets/token.txt}", "n": 5, "plain": "text",
                   "list": ["${env:EMPTY}", "x"]},
        "literal": "cost: $$5 and $${env:NOT_A_REF}"
    })");
    const auto r = resolve_references(doc, dir.path(), fake_env({{"TOKEN", "abc"}, {"EMPTY", ""}}));
    CHECK(r.errors.empty());
    CHECK(doc["config"]["token"] == "abc");
    CHECK(doc["config"]["header"] == "Bearer abc!");
    CHECK(doc["config"]["from_file"] == "s3cr3t");  // one trailing newline removed
    CHECK(doc["config"]["n"] == 5);
    CHECK(doc["config"]["list"][0] == "");
    CHECK(doc["literal"] == "cost: $$5 and ${env:NOT_A_REF}");
    CHECK(r.referenced_paths == std::set<std::string>{"config.token", "config.header",
                                                      "config.from_file", "config.list[0]"});
    CHECK(r.failed_paths.empty());
}

TEST_CASE("an absolute file path is used as is; only one trailing newline is removed") {
    testsupport::TempDir dir;
    const auto file = dir.write("k", "line1\nline2\n\n");
    json doc = {{"k", "${file:" + file.string() + "}"}};
    const auto r = resolve_references(doc, "/nonexistent", fake_env({}));
    CHECK(r.errors.empty());
    CHECK(doc["k"] == "line1\nline2\n");
}

TEST_CASE("each bad reference is one error naming the key and the reference, never a value") {
    testsupport::TempDir dir;
    std::filesystem::create_directories(dir / "adir");
    json doc = json::parse(R"({
        "config": {"api_token": "${env:OKTA_API_TOKEN}", "key": "${file:missing.pem}",
                   "d": "${file:adir}", "bad": "${vault:x}", "open": "abc${env:X",
                   "name": "${env:1BAD}"}
    })");
    const auto r = resolve_references(doc, dir.path(), fake_env({}));
    const std::string missing = (dir / "missing.pem").string();
    const std::string adir = (dir / "adir").string();
    CHECK(r.errors == std::vector<std::string>{
                          "config.api_token: environment variable OKTA_API_TOKEN is not set "
                          "(referenced as ${env:OKTA_API_TOKEN})",
                          "config.bad: unknown reference kind \"vault\" (use ${env:NAME}, "
                          "${file:PATH} or ${cred:NAME}; write $${ for a literal ${)",
                          "config.d: cannot read file " + adir +
                              ": Is a directory (referenced as ${file:adir})",
                          "config.key: cannot read file " + missing +
                              ": No such file or directory (referenced as ${file:missing.pem})",
                          "config.name: invalid environment variable name in ${env:1BAD}",
                          "config.open: unterminated reference: \"${\" without a closing \"}\" "
                          "(write $${ for a literal ${)"});
    CHECK(r.failed_paths.size() == 6);
    CHECK(doc["config"]["api_token"] == "${env:OKTA_API_TOKEN}");  // left as written
}

TEST_CASE("a referenced value that is not UTF-8 is refused without showing it") {
    testsupport::TempDir dir;
    dir.write("key.bin", std::string("s3cr\xFF\xFEt\n"));
    json doc = {{"config", {{"a", "${file:key.bin}"}, {"b", "x${env:LATIN1}"}}}};
    const auto r = resolve_references(doc, dir.path(), fake_env({{"LATIN1", "caf\xE9"}}));
    CHECK(r.errors == std::vector<std::string>{
                          "config.a: the referenced value is not valid UTF-8 text (save it as "
                          "UTF-8)",
                          "config.b: the referenced value is not valid UTF-8 text (save it as "
                          "UTF-8)"});
    CHECK(r.failed_paths == std::set<std::string>{"config.a", "config.b"});
    CHECK(doc["config"]["a"] == "${file:key.bin}");  // left as written
}

TEST_CASE("a file that cannot be read for permissions says so") {
    if (::geteuid() == 0) return;  // root reads everything; the other cases cover the path
    testsupport::TempDir dir;
    const auto file = dir.write("locked", "x");
    std::filesystem::permissions(file, std::filesystem::perms::none);
    json doc = {{"k", "${file:locked}"}};
    const auto r = resolve_references(doc, dir.path(), fake_env({}));
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] == "k: cannot read file " + file.string() +
                             ": Permission denied (referenced as ${file:locked})");
}

TEST_CASE("cred references read $CREDENTIALS_DIRECTORY/NAME, as systemd's LoadCredential= gives") {
    testsupport::TempDir dir;
    dir.write("creds/okta-api-token", "tok3n\n");
    json doc = {{"config",
                 {{"api_token", "${cred:okta-api-token}"}, {"h", "SSWS ${cred:okta-api-token}"}}}};
    const auto r = resolve_references(
        doc, "/nonexistent", fake_env({{"CREDENTIALS_DIRECTORY", (dir / "creds").string()}}));
    CHECK(r.errors.empty());
    CHECK(doc["config"]["api_token"] == "tok3n");  // the trailing newline removed, as ${file:}
    CHECK(doc["config"]["h"] == "SSWS tok3n");
    CHECK(r.referenced_paths == std::set<std::string>{"config.api_token", "config.h"});
}

TEST_CASE("cred reference errors: no CREDENTIALS_DIRECTORY, a missing credential, a bad name") {
    testsupport::TempDir dir;
    json doc = {{"a", "${cred:okta-api-token}"}, {"b", "${cred:../etc/passwd}"}, {"c", "${cred:}"}};
    auto r = resolve_references(doc, dir.path(), fake_env({}));
    CHECK(r.errors == std::vector<std::string>{
                          "a: ${cred:okta-api-token} needs CREDENTIALS_DIRECTORY, which is not "
                          "set: systemd sets it for a service with LoadCredential=okta-api-token",
                          "b: invalid credential name in ${cred:../etc/passwd} (a file name, "
                          "without '/')",
                          "c: invalid credential name in ${cred:} (a file name, without '/')"});
    CHECK(r.failed_paths.size() == 3);
    CHECK(doc["a"] == "${cred:okta-api-token}");  // left as written

    json missing = {{"a", "${cred:sekoia-api-key}"}};
    r = resolve_references(missing, dir.path(),
                           fake_env({{"CREDENTIALS_DIRECTORY", dir.path().string()}}));
    CHECK(r.errors ==
          std::vector<std::string>{
              "a: cannot read credential sekoia-api-key (" + (dir / "sekoia-api-key").string() +
              "): No such file or directory (referenced as ${cred:sekoia-api-key}; "
              "does the service have LoadCredential=sekoia-api-key?)"});
}

TEST_CASE("key paths use dots and [index]") {
    CHECK(join_key_path("", "config") == "config");
    CHECK(join_key_path("config", "a") == "config.a");
    CHECK(join_index_path("config.list", 2) == "config.list[2]");
}
