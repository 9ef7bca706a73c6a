// NAME|FILE arguments and the manifests directory.
#include "config/manifest_finder.h"

#include "temp_dir.h"

#include <doctest/doctest.h>

using namespace asset_host;

TEST_CASE("files are listed sorted, only *.yaml and *.yml") {
    testsupport::TempDir tmp;
    tmp.write("b.yml", "name: b\n");
    tmp.write("a.yaml", "name: a\n");
    tmp.write("notes.txt", "x");
    tmp.write("sub/c.yaml", "name: c\n");
    auto files = list_manifest_files(tmp.path());
    REQUIRE(files.is_ok());
    CHECK(*files == std::vector<std::filesystem::path>{tmp / "a.yaml", tmp / "b.yml"});
    CHECK(list_manifest_files(tmp / "missing").status().message() ==
          "manifests directory " + (tmp / "missing").string() +
              " does not exist (set --manifests-dir or ASSET_HOST_MANIFESTS_DIR)");
}

TEST_CASE("a name is looked up by the name: field; a path is a file") {
    testsupport::TempDir tmp;
    tmp.write("okta.yaml", "name: okta-devices\nplugin: okta_device\n");
    tmp.write("other.yaml", "name: other\nplugin: example\n");
    tmp.write("broken.yaml", "name: [\n");
    CHECK(*find_manifest("okta-devices", tmp.path()) == tmp / "okta.yaml");
    CHECK(*find_manifest((tmp / "other.yaml").string(), "/nonexistent") == tmp / "other.yaml");
    CHECK(find_manifest("missing.yaml", tmp.path()).status().message() ==
          "missing.yaml: no such file");
    CHECK(find_manifest("nope", tmp.path()).status().message() ==
          "no connector named \"nope\" in " + tmp.path().string() +
              " (known: okta-devices, other)");
    CHECK(is_file_argument("x.yml"));
    CHECK_FALSE(is_file_argument("okta-devices"));
}

TEST_CASE("a name defined twice is an error naming both files") {
    testsupport::TempDir tmp;
    tmp.write("a.yaml", "name: dup\n");
    tmp.write("b.yaml", "name: dup\n");
    tmp.write("c.yaml", "name: single\n");
    CHECK(find_manifest("dup", tmp.path()).status().message() ==
          "connector name \"dup\" is defined by both " + (tmp / "a.yaml").string() + " and " +
              (tmp / "b.yaml").string());
    const auto dups = find_duplicate_names(*list_manifest_files(tmp.path()));
    REQUIRE(dups.size() == 1);
    CHECK(dups[0].name == "dup");
    CHECK(dups[0].first == tmp / "a.yaml");
    CHECK(dups[0].second == tmp / "b.yaml");
}
