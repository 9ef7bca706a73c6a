// The host's plugin loader against real libraries: the plain C plugin (built for ABI 1.1 and,
// from the same source, against the ABI 1.0 header) and the example plugin load and run; every
// bad plugin is refused with its exact message and does not stop the others.
#include "cycle/cycle_runner.h"
#include "delivery/destination_factory.h"
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

// The literal messages below are for a 1.1 host; a new ABI version must revisit them.
static_assert(AH_ABI_MAJOR == 1 && AH_ABI_MINOR == 1);

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
    ah_stop_reason stop_with = AH_STOP_DELIVERY_FAILED;  // once stop_after records were taken
    SinkResult record(std::string_view json) override {
        records.emplace_back(json);
        return records.size() >= stop_after ? SinkResult::kStop : SinkResult::kContinue;
    }
    SinkResult checkpoint(std::string_view marker) override {
        markers.emplace_back(marker);
        return SinkResult::kContinue;
    }
    ah_stop_reason stop_reason() const override {
        return records.size() >= stop_after ? stop_with : AH_STOP_NONE;
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
              ": plugin ABI 2.0 is not compatible with this host (ABI 1.1): the major version "
              "differs; rebuild the plugin against asset-host SDK 1.x");
}

TEST_CASE("a plugin built for a newer minor ABI is refused") {
    testsupport::TempDir tmp;
    const fs::path file = stage(tmp, {kTestPlugins / "abi_minor7.so"}) / "abi_minor7.so";
    CHECK(load_error(file) == file.string() +
                                  ": plugin ABI 1.7 is newer than this host (ABI 1.1); upgrade "
                                  "asset-host or rebuild the plugin against SDK 1.1");
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
    CHECK(plugin->abi() == "1.1");
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
    CHECK(AH_STRUCT_END(ah_host_api, cancelled) == 40);  // ABI 1.0's table, unchanged
    CHECK(offsetof(ah_host_api, log) == 8);
    CHECK(offsetof(ah_host_api, cancelled) == 32);
    CHECK(offsetof(ah_host_api, statistic) == 40);  // ABI 1.1: appended
    CHECK(offsetof(ah_host_api, stop_reason) == 48);
    CHECK(sizeof(ah_host_api) == 56);
    CHECK(sizeof(ah_statistic) == 40);
    CHECK(offsetof(ah_statistic, kind) == 4);
    CHECK(offsetof(ah_statistic, name) == 8);
    CHECK(offsetof(ah_statistic, labels) == 16);
    CHECK(offsetof(ah_statistic, label_count) == 24);
    CHECK(offsetof(ah_statistic, value) == 32);
    CHECK(sizeof(ah_label) == 16);
    CHECK(sizeof(ah_fetch_options) == 24);
    CHECK(offsetof(ah_fetch_options, checkpoint_json) == 8);
    CHECK(sizeof(ah_check) == 32);
    CHECK(offsetof(ah_check, detail) == 16);
}

namespace {

const LoadedPlugin& load(const fs::path& file) {
    PluginLoadError error;
    const LoadedPlugin* plugin = load_plugin_file(file, error);
    REQUIRE_MESSAGE(plugin, error.message);
    return *plugin;
}

std::optional<double> series_value(const PluginInstance& instance, const std::string& name,
                                   const StatisticLabels& labels = {}) {
    for (const auto& s : instance.statistics().snapshot()) {
        if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("a plugin built against the ABI 1.0 header loads and runs in this 1.1 host") {
    const LoadedPlugin& plugin = load(kTestPlugins / "abi_c_1_0.so");
    CHECK(plugin.id == "abi_c_1_0");
    CHECK(plugin.abi() == "1.0");
    auto instance = PluginInstance::create(plugin, manifest_for("abi_c_1_0", {{"records", 3}}), {});
    REQUIRE(instance);
    CollectingSink sink;
    const FetchResult r = (*instance)->fetch(sink, std::nullopt, false);
    CHECK(r.outcome == FetchResult::Outcome::kOk);
    CHECK(sink.records.size() == 3);
    CHECK(sink.markers.back() == R"({"next":3,"mode":"full","skipped":0})");
    CHECK_FALSE(r.hints.has_value());  // no statistics: the summary reads its markers
    CHECK((*instance)->statistics().snapshot().empty());
}

TEST_CASE("a 1.1 C plugin reports statistics; the host keeps them per series") {
    const LoadedPlugin& plugin = load(kTestPlugins / "abi_c.so");
    auto instance =
        PluginInstance::create(plugin, manifest_for("abi_c", {{"records", 4}, {"skipped", 3}}), {});
    REQUIRE(instance);
    CollectingSink sink;
    const FetchResult r = (*instance)->fetch(sink, std::nullopt, false);
    REQUIRE(r.outcome == FetchResult::Outcome::kOk);
    REQUIRE(r.hints.has_value());
    CHECK(r.hints->mode == "full");
    CHECK(r.hints->records_skipped == 3u);
    CHECK(series_value(**instance, "c_records_total") == 4);
    CHECK(series_value(**instance, "records_skipped_total") == 3);
    CHECK(series_value(**instance, "cycle_mode", {{"mode", "full"}}) == 1);

    // Counters keep growing across cycles; the summary hints are per cycle.
    CollectingSink again;
    const FetchResult r2 = (*instance)->fetch(again, std::nullopt, false);
    REQUIRE(r2.hints.has_value());
    CHECK(r2.hints->records_skipped == 3u);
    CHECK(series_value(**instance, "c_records_total") == 8);
    CHECK(series_value(**instance, "records_skipped_total") == 6);
}

TEST_CASE("after emit says stop, the plugin reads why from stop_reason()") {
    const LoadedPlugin& plugin = load(kTestPlugins / "abi_c.so");
    auto instance = PluginInstance::create(plugin, manifest_for("abi_c", {{"records", 10}}), {});
    REQUIRE(instance);
    CollectingSink failing;
    failing.stop_after = 2;
    failing.stop_with = AH_STOP_DELIVERY_FAILED;
    CHECK((*instance)->fetch(failing, std::nullopt, false).outcome ==
          FetchResult::Outcome::kCancelled);
    CHECK(failing.records.size() == 2);
    CHECK(series_value(**instance, "c_stops_total", {{"reason", "delivery_failed"}}) == 1);

    // A shutdown: the token is cancelled before the first record; the reason is SHUTDOWN.
    CancelSource cancel;
    auto stopping =
        PluginInstance::create(plugin, manifest_for("abi_c", {{"records", 10}}), cancel.token());
    REQUIRE(stopping);
    cancel.cancel();
    CollectingSink sink;
    CHECK((*stopping)->fetch(sink, std::nullopt, false).outcome ==
          FetchResult::Outcome::kCancelled);
    CHECK(series_value(**stopping, "c_stops_total", {{"reason", "shutdown"}}) == 1);
}

namespace {

// A host API table of ABI 1.0 (struct_size ends at cancelled), built by hand: what a 1.1 plugin
// sees from a host that does not offer statistic() and stop_reason().
struct OldHost {
    std::vector<std::string> records;
    bool statistic_called = false;

    static OldHost& self(void* ctx) { return *static_cast<OldHost*>(ctx); }
    static void log(void*, ah_log_level, const char*, size_t) {}
    static ah_emit_result emit(void* ctx, const char* json, size_t len) {
        self(ctx).records.emplace_back(json, len);
        return AH_EMIT_CONTINUE;
    }
    static ah_emit_result checkpoint(void*, const char*, size_t) { return AH_EMIT_CONTINUE; }
    static int cancelled(void*) { return 0; }
    static void statistic(void* ctx, const ah_statistic*) { self(ctx).statistic_called = true; }
};

}  // namespace

TEST_CASE("a 1.1 plugin given a host table without the 1.1 members copes (struct_size)") {
    const LoadedPlugin& plugin = load(kTestPlugins / "abi_c.so");
    OldHost host;
    ah_host_api api{};
    api.log = &OldHost::log;
    api.emit = &OldHost::emit;
    api.checkpoint = &OldHost::checkpoint;
    api.cancelled = &OldHost::cancelled;
    api.statistic = &OldHost::statistic;  // present in memory, but beyond struct_size
    api.struct_size = AH_STRUCT_END(ah_host_api, cancelled);

    const std::string config = R"({"records":2})";
    ah_instance* instance = nullptr;
    REQUIRE(plugin.descriptor->configure(config.data(), config.size(), &api, &host, &instance) ==
            AH_OK);
    ah_fetch_options options{};
    options.struct_size = sizeof options;
    CHECK(plugin.descriptor->fetch(instance, &options) == AH_OK);
    plugin.descriptor->destroy(instance);
    CHECK(host.records.size() == 2);
    CHECK_FALSE(host.statistic_called);
}

TEST_CASE("the cycle summary: statistics of a 1.1 plugin, marker keys of a 1.0 plugin") {
    for (const std::string id : {"abi_c", "abi_c_1_0"}) {
        CAPTURE(id);
        testsupport::TempDir tmp;
        const LoadedPlugin& plugin = load(kTestPlugins / (id + ".so"));
        Manifest manifest = manifest_for(id, {{"records", 5}, {"skipped", 2}});
        manifest.destination.type = DestinationSpec::Type::kFile;
        manifest.destination.file.path = tmp / "out.ndjson";
        auto instance = PluginInstance::create(plugin, manifest, {});
        REQUIRE(instance);
        auto destination =
            delivery::make_destination(manifest.destination, asset_sdk::SystemClock::instance());
        REQUIRE(destination);
        CheckpointStore store(tmp / "state");
        cycle::CycleOptions options;
        options.log_summary = false;
        const cycle::CycleSummary summary =
            cycle::run_cycle(manifest, **instance, **destination, store, CancelToken{},
                             asset_sdk::SystemClock::instance(), options);
        CHECK_MESSAGE(summary.ok(), summary.error);
        CHECK(cycle::format_summary(summary).find(
                  "outcome=ok mode=full fetched=5 sent=5 batches=1 retries=0 skipped=2 ") !=
              std::string::npos);
    }
}
