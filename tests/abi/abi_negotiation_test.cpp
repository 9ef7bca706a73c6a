// The host's plugin loader against real libraries: the plain C plugin and the example plugin
// load and run; every bad plugin is refused with its exact message and does not stop the others.
#include "plugin/plugin_instance.h"
#include "plugin/plugin_loader.h"

#include "temp_dir.h"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace asset_host;

// The literal messages below are for a 1.0 host; a new ABI version must revisit them.
static_assert(AH_ABI_MAJOR == 1 && AH_ABI_MINOR == 0);

namespace {

const fs::path kTestPlugins = ASSET_HOST_TEST_PLUGINS_DIR;
const fs::path kPlugins = ASSET_HOST_PLUGINS_DIR;

// A private plugins directory holding copies of the named files.
fs::path stage(const testsupport::TempDir& tmp, const std::vector<fs::path>& files) {
    const fs::path dir = tmp / "plugins";
    fs::create_directories(dir);
    for (const auto& f : files) fs::copy_file(f, dir / f.filename());
    return dir;
}

std::string load_error(const fs::path& file) {
    PluginLoadError error;
    const LoadedPlugin* p = load_plugin_file(file, error);
    REQUIRE(p == nullptr);
    CHECK(error.file == file);
    return error.message;
}

class CollectingSink : public RecordSink {
public:
    std::vector<std::string> records;
    std::vector<std::string> markers;
    std::size_t stop_after = SIZE_MAX;
    SinkResult record(std::string_view json) override {
        records.emplace_back(json);
        return records.size() >= stop_after ? SinkResult::kStop : SinkResult::kContinue;
    }
    SinkResult checkpoint(std::string_view marker) override {
        markers.emplace_back(marker);
        return SinkResult::kContinue;
    }
};

Manifest manifest_for(const std::string& plugin, nlohmann::json config) {
    Manifest m;
    m.file = "test.yaml";
    m.name = "abi-test";
    m.plugin = plugin;
    m.config = std::move(config);
    return m;
}

}  // namespace

TEST_CASE("a plugin whose ABI major differs is refused, naming the file and both versions") {
    testsupport::TempDir tmp;
    const fs::path dir = stage(tmp, {kTestPlugins / "abi_major2.so"});
    const fs::path file = dir / "abi_major2.so";
    CHECK(load_error(file) ==
          file.string() +
              ": plugin ABI 2.0 is not compatible with this host (ABI 1.0): the major version "
              "differs; rebuild the plugin against asset-host SDK 1.x");
}

TEST_CASE("a plugin built for a newer minor ABI is refused") {
    testsupport::TempDir tmp;
    const fs::path file = stage(tmp, {kTestPlugins / "abi_minor7.so"}) / "abi_minor7.so";
    CHECK(load_error(file) == file.string() +
                                  ": plugin ABI 1.7 is newer than this host (ABI 1.0); upgrade "
                                  "asset-host or rebuild the plugin against SDK 1.0");
}

TEST_CASE("a descriptor smaller than ABI 1.0's is refused before any of it is used") {
    testsupport::TempDir tmp;
    const fs::path file = stage(tmp, {kTestPlugins / "abi_small.so"}) / "abi_small.so";
    CHECK(load_error(file) == file.string() +
                                  ": invalid plugin descriptor: struct_size is 16 bytes, ABI 1.0 "
                                  "needs at least 88");
}

TEST_CASE("files that are not plugins are reported as such") {
    testsupport::TempDir tmp;
    const fs::path dir =
        stage(tmp, {kTestPlugins / "abi_no_entry.so", kTestPlugins / "abi_null_entry.so",
                    kTestPlugins / "garbage.so"});
    CHECK(load_error(dir / "abi_no_entry.so") ==
          (dir / "abi_no_entry.so").string() +
              ": not an asset-host plugin: missing symbol asset_host_plugin_entry");
    CHECK(load_error(dir / "abi_null_entry.so") ==
          (dir / "abi_null_entry.so").string() +
              ": not an asset-host plugin: asset_host_plugin_entry returned no descriptor");
    const std::string garbage = load_error(dir / "garbage.so");
    const std::string prefix = (dir / "garbage.so").string() + ": not an asset-host plugin: ";
    CHECK(garbage.rfind(prefix, 0) == 0);
    // dlopen's own reason follows, without repeating the path.
    CHECK(garbage.size() > prefix.size());
    CHECK(garbage.find((dir / "garbage.so").string(), 1) == std::string::npos);
}

TEST_CASE("a world-writable plugin file is refused before it is opened") {
    testsupport::TempDir tmp;
    const fs::path file = stage(tmp, {kTestPlugins / "abi_c.so"}) / "abi_c.so";
    REQUIRE(::chmod(file.c_str(), 0777) == 0);
    CHECK(load_error(file) ==
          file.string() + ": refusing to load: the file is writable by every user (chmod o-w)");
}

TEST_CASE("scanning a mixed directory loads the good plugins and reports every bad file") {
    testsupport::TempDir tmp;
    const fs::path dir = stage(
        tmp, {kPlugins / "example.so", kTestPlugins / "abi_c.so", kTestPlugins / "abi_major2.so",
              kTestPlugins / "abi_minor7.so", kTestPlugins / "abi_small.so",
              kTestPlugins / "abi_no_entry.so", kTestPlugins / "garbage.so"});
    fs::copy_file(kTestPlugins / "abi_c.so", dir / "zz_abi_c_copy.so");
    tmp.write("plugins/README.txt", "not a plugin: ignored because it does not end in .so\n");

    const PluginCatalog catalog = scan_plugins(dir);
    CHECK(catalog.dir_error.empty());
    REQUIRE(catalog.plugins.size() == 2);
    CHECK(catalog.plugins[0]->id == "abi_c");  // file-name order
    CHECK(catalog.plugins[1]->id == "example");
    REQUIRE(catalog.errors.size() == 6);
    std::vector<std::string> files;
    for (const auto& e : catalog.errors) files.push_back(e.file.filename().string());
    CHECK(files == std::vector<std::string>{"abi_major2.so", "abi_minor7.so", "abi_no_entry.so",
                                            "abi_small.so", "garbage.so", "zz_abi_c_copy.so"});
    CHECK(catalog.errors.back().message == (dir / "zz_abi_c_copy.so").string() +
                                               ": plugin id \"abi_c\" is already provided by " +
                                               (dir / "abi_c.so").string());
    // A manifest naming a refused plugin learns why.
    CHECK(catalog.missing_plugin_message("abi_major2")
              .rfind("plugin \"abi_major2\" failed to load: " + (dir / "abi_major2.so").string() +
                         ": plugin ABI 2.0 is not compatible",
                     0) == 0);
    CHECK(catalog.missing_plugin_message("nope") ==
          "unknown plugin \"nope\" (plugins in " + dir.string() +
              ": abi_c, example); 6 files failed to load, see `asset-host plugins`");
}

TEST_CASE("a missing plugins directory is a directory error, not a crash") {
    const PluginCatalog catalog = scan_plugins("/nonexistent/asset-host-plugins");
    CHECK(catalog.plugins.empty());
    CHECK(catalog.dir_error ==
          "plugins directory /nonexistent/asset-host-plugins does not exist (set --plugins-dir or "
          "ASSET_HOST_PLUGINS_DIR)");
}

TEST_CASE("a plain C plugin runs through the host API: records, markers, checks") {
    PluginLoadError error;
    const LoadedPlugin* plugin = load_plugin_file(kTestPlugins / "abi_c.so", error);
    REQUIRE_MESSAGE(plugin, error.message);
    CHECK(plugin->id == "abi_c");
    CHECK(plugin->abi() == "1.0");
    CHECK(plugin->record_type == "test/c");

    auto instance = PluginInstance::create(*plugin, manifest_for("abi_c", {{"records", 4}}), {});
    REQUIRE(instance);
    std::vector<CheckResult> checks;
    REQUIRE((*instance)->test([&](const CheckResult& c) { checks.push_back(c); }).is_ok());
    REQUIRE(checks.size() == 1);
    CHECK(checks[0].name == "c_plugin");
    CHECK(checks[0].status == AH_CHECK_OK);

    CollectingSink sink;
    const FetchResult r = (*instance)->fetch(sink, std::nullopt, false);
    CHECK(r.outcome == FetchResult::Outcome::kOk);
    CHECK(sink.records ==
          std::vector<std::string>{R"({"uid":"c-0","lang":"C"})", R"({"uid":"c-1","lang":"C"})",
                                   R"({"uid":"c-2","lang":"C"})", R"({"uid":"c-3","lang":"C"})"});
    CHECK(sink.markers.back() == R"({"next":4})");
}

TEST_CASE("a cancelled token stops a plugin before its first record") {
    PluginLoadError error;
    const LoadedPlugin* plugin = load_plugin_file(kTestPlugins / "abi_c.so", error);
    REQUIRE(plugin);
    CancelSource cancel;
    auto instance =
        PluginInstance::create(*plugin, manifest_for("abi_c", {{"records", 4}}), cancel.token());
    REQUIRE(instance);
    cancel.cancel();
    CollectingSink sink;
    CHECK((*instance)->fetch(sink, std::nullopt, false).outcome ==
          FetchResult::Outcome::kCancelled);
    CHECK(sink.records.empty());
}

TEST_CASE("the example plugin: checkpoint hand-back resumes, --full restarts, stop is prompt") {
    PluginLoadError error;
    const LoadedPlugin* plugin = load_plugin_file(kPlugins / "example.so", error);
    REQUIRE_MESSAGE(plugin, error.message);
    auto instance = PluginInstance::create(
        *plugin, manifest_for("example", {{"records", 10}, {"checkpoint_every", 4}}), {});
    REQUIRE(instance);

    CollectingSink resumed;
    REQUIRE((*instance)->fetch(resumed, std::string(R"({"next": 7})"), false).outcome ==
            FetchResult::Outcome::kOk);
    REQUIRE(resumed.records.size() == 3);
    CHECK(resumed.records[0].find("\"uid\":\"example-7\"") != std::string::npos);
    CHECK(resumed.markers == std::vector<std::string>{R"({"next":8})", R"({"next":10})"});

    CollectingSink full;
    REQUIRE((*instance)->fetch(full, std::string(R"({"next": 7})"), true).outcome ==
            FetchResult::Outcome::kOk);
    CHECK(full.records.size() == 10);
    CHECK(full.markers ==
          std::vector<std::string>{R"({"next":4})", R"({"next":8})", R"({"next":10})"});

    CollectingSink stopping;
    stopping.stop_after = 3;
    CHECK((*instance)->fetch(stopping, std::nullopt, false).outcome ==
          FetchResult::Outcome::kCancelled);
    CHECK(stopping.records.size() == 3);
}

TEST_CASE("C++ sees the ABI structs with the layout C sees (c_header_test.c)") {
    if (sizeof(void*) != 8) return;
    CHECK(sizeof(ah_plugin_descriptor) == 88);
    CHECK(offsetof(ah_plugin_descriptor, abi_major) == 4);
    CHECK(offsetof(ah_plugin_descriptor, abi_minor) == 6);
    CHECK(offsetof(ah_plugin_descriptor, id) == 8);
    CHECK(offsetof(ah_plugin_descriptor, config_schema) == 40);
    CHECK(offsetof(ah_plugin_descriptor, configure) == 48);
    CHECK(offsetof(ah_plugin_descriptor, last_error) == 80);
    CHECK(AH_DESCRIPTOR_MIN_SIZE == 88);
    CHECK(sizeof(ah_host_api) == 40);
    CHECK(offsetof(ah_host_api, log) == 8);
    CHECK(offsetof(ah_host_api, cancelled) == 32);
    CHECK(sizeof(ah_fetch_options) == 24);
    CHECK(offsetof(ah_fetch_options, checkpoint_json) == 8);
    CHECK(sizeof(ah_check) == 32);
    CHECK(offsetof(ah_check, detail) == 16);
}
