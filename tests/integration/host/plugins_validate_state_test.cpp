// `plugins`, `validate` and `state` through the real binary.
#include "host_fixture.h"

#include "state/checkpoint_store.h"

#include <nlohmann/json.hpp>

using namespace hosttest;

TEST_CASE("plugins lists the example plugin and exits 0 when everything loads") {
    Host host;
    auto r = host.run({"plugins"});
    CHECK(r.exited_with(0));
    CHECK(r.err.empty());
    const auto lines = testsupport::split_lines(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].rfind("ID       VERSION  ABI  RECORD TYPE  FILE                DESCRIPTION",
                         0) == 0);
    CHECK(lines[1].rfind(
              "example  1.0.0    1.1  ocsf/5001    plugins/example.so  Synthetic devices", 0) == 0);

    r = host.run({"plugins", "--json"});
    CHECK(r.exited_with(0));
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 1);
    CHECK(j[0]["id"] == "example");
    CHECK(j[0]["version"] == "1.0.0");
    CHECK(j[0]["abi"] == "1.1");
    CHECK(j[0]["record_type"] == "ocsf/5001");
    CHECK(j[0]["file"] == "plugins/example.so");
    CHECK(j[0]["config_schema"]["properties"]["secret"]["x-secret"] == true);
}

TEST_CASE("plugins with a mixed directory: the good one listed, each bad file reported, exit 2") {
    Host host;
    for (const char* f :
         {"abi_major2.so", "abi_minor7.so", "abi_small.so", "abi_no_entry.so", "garbage.so"}) {
        fs::copy_file(kTestPlugins / f, host.plugins() / f);
    }
    const auto r = host.run({"plugins"});
    CHECK(r.exited_with(2));
    const auto out = testsupport::split_lines(r.out);
    REQUIRE(out.size() == 2);
    CHECK(out[1].rfind("example ", 0) == 0);
    const auto err = testsupport::split_lines(r.err);
    REQUIRE(err.size() == 5);
    CHECK(err[0] ==
          "plugins/abi_major2.so: plugin ABI 2.0 is not compatible with this host (ABI 1.1): the "
          "major version differs; rebuild the plugin against asset-host SDK 1.x");
    CHECK(err[1] ==
          "plugins/abi_minor7.so: plugin ABI 1.7 is newer than this host (ABI 1.1); upgrade "
          "asset-host or rebuild the plugin against SDK 1.1");
    CHECK(err[2] ==
          "plugins/abi_no_entry.so: not an asset-host plugin: missing symbol "
          "asset_host_plugin_entry");
    CHECK(err[3] ==
          "plugins/abi_small.so: invalid plugin descriptor: struct_size is 16 bytes, ABI 1.0 "
          "needs at least 88");
    CHECK(err[4].rfind("plugins/garbage.so: not an asset-host plugin: ", 0) == 0);

    // Commands that need only the good plugin are not affected (a warning names the others).
    host.manifest("example.yaml", example_manifest("example"));
    const auto v = host.run({"validate", "example"});
    CHECK(v.exited_with(0));
    CHECK(
        contains(v.err, "warn skipping plugin file: plugins/garbage.so: not an asset-host plugin"));
    // A manifest that needs a refused plugin fails, naming why.
    host.manifest("old.yaml", "name: old\nplugin: abi_major2\n");
    const auto o = host.run({"validate", "old"});
    CHECK(o.exited_with(2));
    CHECK(contains(o.err,
                   "manifests/old.yaml: plugin: plugin \"abi_major2\" failed to load: "
                   "plugins/abi_major2.so: plugin ABI 2.0 is not compatible with this host"));
}

TEST_CASE("validate: a good manifest") {
    Host host;
    host.manifest("example.yaml", example_manifest("example"));
    for (const std::string arg : {"example", "manifests/example.yaml"}) {
        const auto r = host.run({"validate", arg});
        CHECK(r.exited_with(0));
        CHECK(r.out == "manifests/example.yaml: ok (connector example, plugin example 1.0.0)\n");
        CHECK(r.err.empty());
    }
}

TEST_CASE("validate: each bad manifest exits 2 with its error line") {
    struct Case {
        const char* what;
        std::string yaml;
        std::string error;
    };
    const std::vector<Case> cases = {
        {"invalid YAML", "name: bad\nplugin: example\nconfig:\n  records: [1, 2\n",
         "manifests/bad.yaml:5:1: invalid YAML: end of sequence flow not found"},
        {"duplicate key", "name: bad\nplugin: example\nname: other\n",
         "manifests/bad.yaml:3:1: duplicate key \"name\""},
        {"unknown plugin", "name: bad\nplugin: nope\n",
         "manifests/bad.yaml: plugin: unknown plugin \"nope\" (plugins in plugins: example)"},
        {"missing required key", "plugin: example\n",
         "manifests/bad.yaml: name: required key missing"},
        {"missing destination key", "name: bad\nplugin: example\ndestination: {type: file}\n",
         "manifests/bad.yaml: destination.path: required key missing"},
        {"wrong type", "name: bad\nplugin: example\nconfig:\n  records: \"5\"\n",
         "manifests/bad.yaml: config.records: must be an integer, got string"},
        {"out of range", "name: bad\nplugin: example\nconfig:\n  checkpoint_every: 0\n",
         "manifests/bad.yaml: config.checkpoint_every: must be ≥ 1"},
        {"unknown key", "name: bad\nplugin: example\nconfig:\n  recods: 5\n",
         "manifests/bad.yaml: config.recods: unknown key (did you mean records?)"},
        {"unresolved env", "name: bad\nplugin: example\nconfig:\n  secret: ${env:EXAMPLE_SECRET}\n",
         "manifests/bad.yaml: config.secret: environment variable EXAMPLE_SECRET is not set "
         "(referenced as ${env:EXAMPLE_SECRET})"},
        {"unreadable file", "name: bad\nplugin: example\nconfig:\n  secret: ${file:missing.txt}\n",
         "manifests/bad.yaml: config.secret: cannot read file manifests/missing.txt: No such file "
         "or directory (referenced as ${file:missing.txt})"},
        {"file is a directory", "name: bad\nplugin: example\nconfig:\n  secret: ${file:.}\n",
         "manifests/bad.yaml: config.secret: cannot read file manifests: Is a directory "
         "(referenced as ${file:.})"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        Host host;
        host.manifest("bad.yaml", c.yaml);
        const auto r = host.run({"validate", "manifests/bad.yaml"});
        CHECK(r.exited_with(2));
        CHECK(r.out.empty());
        CHECK(r.err == c.error + "\n");
    }
}

TEST_CASE("validate with no argument checks every manifest and reports duplicate names") {
    Host host;
    host.manifest("a.yaml", example_manifest("dup"));
    host.manifest("b.yaml", example_manifest("dup"));
    host.manifest("c.yaml", example_manifest("single"));
    host.manifest("d.yml", "name: broken\nplugin: example\nconfig:\n  records: -1\n");
    const auto r = host.run({"validate"});
    CHECK(r.exited_with(2));
    CHECK(r.out ==
          "manifests/a.yaml: ok (connector dup, plugin example 1.0.0)\n"
          "manifests/c.yaml: ok (connector single, plugin example 1.0.0)\n");
    CHECK(r.err ==
          "manifests/b.yaml: name: connector name \"dup\" is already used by manifests/a.yaml\n"
          "manifests/d.yml: config.records: must be ≥ 0\n");
    // A name defined twice cannot be used as an argument.
    const auto n = host.run({"validate", "dup"});
    CHECK(n.exited_with(2));
    CHECK(n.err ==
          "asset-host: connector name \"dup\" is defined by both manifests/a.yaml and "
          "manifests/b.yaml\n");
}

TEST_CASE("validate with an empty or missing manifests directory exits 2") {
    Host host;
    auto r = host.run({"validate"});
    CHECK(r.exited_with(2));
    CHECK(r.err == "asset-host: no manifests (*.yaml, *.yml) in manifests\n");
    r = host.run({"--manifests-dir", "nowhere", "validate"});
    CHECK(r.exited_with(2));
    CHECK(r.err ==
          "asset-host: manifests directory nowhere does not exist (set --manifests-dir or "
          "ASSET_HOST_MANIFESTS_DIR)\n");
    r = host.run({"validate", "nope"});
    CHECK(r.exited_with(2));
    CHECK(r.err ==
          "asset-host: no connector named \"nope\" in manifests (no valid manifest there)\n");
}

TEST_CASE("state: a checkpoint saved by one process is shown by another, then reset") {
    Host host;
    host.manifest("example.yaml", example_manifest("example"));
    auto r = host.run({"state", "show", "example"});
    CHECK(r.exited_with(0));
    CHECK(r.out == "no checkpoint for example\n");

    asset_host::CheckpointStore store(host.state());
    REQUIRE(store.save("example", "example", R"({"next": 3})").is_ok());

    r = host.run({"state", "show", "example"});
    CHECK(r.exited_with(0));
    const auto shown = nlohmann::json::parse(r.out);
    CHECK(shown["connector"] == "example");
    CHECK(shown["plugin"] == "example");
    CHECK(shown["marker"] == nlohmann::json{{"next", 3}});
    CHECK(shown["file"] == "state/example.json");
    CHECK(contains(r.out, "\n  \"marker\": {\n"));  // pretty-printed

    r = host.run({"state", "reset", "manifests/example.yaml"});
    CHECK(r.exited_with(0));
    CHECK(r.out == "checkpoint for example removed\n");
    CHECK_FALSE(fs::exists(host.state() / "example.json"));
    r = host.run({"state", "reset", "example"});
    CHECK(r.exited_with(0));
    CHECK(r.out == "no checkpoint for example\n");
}

TEST_CASE("state needs a known connector but not its plugin") {
    Host host;
    host.manifest("orphan.yaml", "name: orphan\nplugin: not_installed\n");
    auto r = host.run({"state", "show", "orphan"});
    CHECK(r.exited_with(0));
    CHECK(r.out == "no checkpoint for orphan\n");
    r = host.run({"state", "reset", "nobody"});
    CHECK(r.exited_with(2));
    CHECK(r.err == "asset-host: no connector named \"nobody\" in manifests (known: orphan)\n");
}

TEST_CASE("state show reports a corrupt checkpoint file instead of guessing") {
    Host host;
    host.manifest("example.yaml", example_manifest("example"));
    host.write("state/example.json", "{torn");
    const auto r = host.run({"state", "show", "example"});
    CHECK(r.exited_with(1));
    CHECK(r.err ==
          "asset-host: state/example.json: corrupt checkpoint file (not the JSON object "
          "asset-host writes); remove it with `asset-host state reset example`\n");
}
