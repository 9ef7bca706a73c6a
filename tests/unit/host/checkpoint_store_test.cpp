// The checkpoint store: one file per connector, atomic replacement, markers kept verbatim.
#include "state/checkpoint_store.h"

#include "temp_dir.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>

using namespace asset_host;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> dir_entries(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}
}  // namespace

TEST_CASE("no checkpoint yet is not an error") {
    testsupport::TempDir tmp;
    CheckpointStore store(tmp / "state");
    auto r = store.load("okta-devices");
    REQUIRE(r.is_ok());
    CHECK_FALSE(r->has_value());
}

TEST_CASE("save creates the directory and a 0600 file; load returns what was saved") {
    testsupport::TempDir tmp;
    CheckpointStore store(tmp / "state");
    REQUIRE(store.save("okta-devices", "okta_device", R"( {"next": "abc", "n": [1, 2]} )").is_ok());
    const fs::path file = tmp / "state" / "okta-devices.json";
    CHECK(store.path_for("okta-devices") == file);
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    const auto doc = nlohmann::json::parse(testsupport::read_file(file));
    CHECK(doc["connector"] == "okta-devices");
    CHECK(doc["plugin"] == "okta_device");
    CHECK(doc["marker"] == nlohmann::json::parse(R"({"next": "abc", "n": [1, 2]})"));
    CHECK(doc["updated_at"].get<std::string>().size() == 24);  // 2026-11-28T14:49:47.123Z

    auto loaded = store.load("okta-devices");
    REQUIRE(loaded.is_ok());
    REQUIRE(loaded->has_value());
    CHECK((*loaded)->connector == "okta-devices");
    CHECK((*loaded)->plugin == "okta_device");
    CHECK(nlohmann::json::parse((*loaded)->marker_json) == doc["marker"]);
    CHECK(dir_entries(tmp / "state") == std::vector<std::string>{"okta-devices.json"});
}

TEST_CASE("load returns the marker text byte for byte, not a re-serialisation") {
    // The delivery pipeline skips rewriting a checkpoint whose marker text is unchanged, so the
    // text loaded must be the text saved: key order, number spelling and escapes included.
    testsupport::TempDir tmp;
    CheckpointStore store(tmp.path());
    for (const std::string& marker :
         {std::string(R"({"v":1,"org":"https://a","mode":"full","n":[1.50,2e3],"s":"\u00e9\/"})"),
          std::string(R"({"z": {"b": 2, "a": 1}, "a": []})"), std::string(R"(["x", {"k": 0}])"),
          std::string("42"), std::string(R"("text")"), std::string("-0.0")}) {
        REQUIRE(store.save("c", "p", "  " + marker + "\n").is_ok());
        auto loaded = store.load("c");
        REQUIRE(loaded.is_ok());
        REQUIRE(loaded->has_value());
        CHECK((*loaded)->marker_json == marker);
    }
}

TEST_CASE("a second save replaces the first and leaves no temporary file") {
    testsupport::TempDir tmp;
    CheckpointStore store(tmp.path());
    REQUIRE(store.save("c", "p", R"({"next":1})").is_ok());
    REQUIRE(store.save("c", "p", R"({"next":2})").is_ok());
    CHECK(nlohmann::json::parse((*store.load("c"))->marker_json) == nlohmann::json{{"next", 2}});
    CHECK(dir_entries(tmp.path()) == std::vector<std::string>{"c.json"});
}

TEST_CASE("a marker that is not JSON is refused and the stored checkpoint is kept") {
    testsupport::TempDir tmp;
    CheckpointStore store(tmp.path());
    REQUIRE(store.save("c", "p", R"({"next":1})").is_ok());
    const std::string before = testsupport::read_file(tmp / "c.json");
    for (const char* bad : {"{next: 2}", "", "  ", "[1,", "1 2"}) {
        const auto st = store.save("c", "p", bad);
        CHECK(st.code() == asset_sdk::StatusCode::kInvalidArgument);
        CHECK(st.message() == "checkpoint marker from plugin p is not valid JSON; not stored");
    }
    CHECK(testsupport::read_file(tmp / "c.json") == before);
    CHECK(dir_entries(tmp.path()) == std::vector<std::string>{"c.json"});
}

TEST_CASE("reset removes the file and is idempotent") {
    testsupport::TempDir tmp;
    CheckpointStore store(tmp.path());
    REQUIRE(store.save("c", "p", "42").is_ok());
    REQUIRE(store.reset("c").is_ok());
    CHECK_FALSE(fs::exists(tmp / "c.json"));
    CHECK(store.reset("c").is_ok());
    CHECK_FALSE(store.load("c")->has_value());
}

TEST_CASE("a corrupt checkpoint file is an error that says how to recover") {
    testsupport::TempDir tmp;
    tmp.write("c.json", "{\"connector\": \"c\", \"marker\": ");
    CheckpointStore store(tmp.path());
    const auto r = store.load("c");
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().message() ==
          (tmp / "c.json").string() +
              ": corrupt checkpoint file (not the JSON object asset-host writes); remove it with "
              "`asset-host state reset c`");
}

TEST_CASE("names that could escape the state directory are refused") {
    testsupport::TempDir tmp;
    CheckpointStore store(tmp.path());
    for (const char* name : {"../x", "a/b", ".hidden", ""}) {
        CHECK(store.save(name, "p", "1").code() == asset_sdk::StatusCode::kInvalidArgument);
        CHECK_FALSE(store.load(name).is_ok());
    }
}

TEST_CASE("a save that cannot create the directory fails cleanly") {
    testsupport::TempDir tmp;
    tmp.write("file", "x");
    CheckpointStore store(tmp / "file" / "state");  // a path under a regular file
    const auto st = store.save("c", "p", "1");
    CHECK(st.code() == asset_sdk::StatusCode::kIo);
    CHECK(st.message().rfind("cannot create state directory " + (tmp / "file/state").string(), 0) ==
          0);
}
