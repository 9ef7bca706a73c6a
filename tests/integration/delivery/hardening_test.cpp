// Hostile inputs through the real binary (issue: "no hostile input gets through"): secrets with
// surrounding whitespace, secrets echoed at the end of a long error text, planted symlinks at
// output paths, a FIFO named by ${file:}, terminal control characters in server text.
#include "delivery_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

using deliveryit::ConnectorSpec;
using deliveryit::contains;
using deliveryit::json;
using deliveryit::Rig;
using deliveryit::with_records;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

// A Sekoia manifest whose api_key comes from `key_ref`.
std::string sekoia_manifest(const Rig& rig, const std::string& key_ref, int records = 20) {
    return "name: devices\nplugin: example\nconfig:\n  records: " + std::to_string(records) +
           "\ndestination:\n  type: sekoia\n  base_url: " + rig.sim.url() +
           "\n  api_key: " + key_ref + "\n  connector_uuid: " + deliveryit::kUuidA +
           "\n  allow_insecure_http: true\n  request_timeout: 2s\n  retry_budget: 2s\n";
}

}  // namespace

TEST_CASE(
    "a secret read with surrounding whitespace is masked as sent, even at the end of a "
    "long error text") {
    Rig rig;
    const std::string key = deliveryit::kKey;
    // The key file ends with a space and a tab before the newline: the key sent is trimmed.
    rig.write("secrets/key", key + " \t\n");
    rig.manifest("devices.yaml", sekoia_manifest(rig, "${file:../secrets/key}"));
    // A server echoing the credential after 290 characters: cut to 300 before masking, the
    // first characters of the key would survive.
    const std::string echo = std::string(290, 'x') + " token=" + key + " end";
    rig.sim.faults(json::array({{{"kind", "http_400"}, {"count", 0}, {"message", echo}}}));
    const auto r = rig.run({"fetch", "devices"});
    CHECK_MESSAGE(r.exited_with(1), r.err);
    CHECK(contains(r.err, "xxxx"));                          // the message is there...
    CHECK_FALSE(contains(r.out + r.err, key.substr(0, 6)));  // ...but no piece of the key
    CHECK(rig.sim.stats()["posts"].get<int>() >= 1);         // the echo was received
}

TEST_CASE("fetch --output refuses a symlink planted at FILE.partial and writes 0600 files") {
    Rig rig;
    rig.write_manifest(with_records(5));
    const fs::path victim = rig.write("victim.txt", "precious\n");
    fs::create_symlink(victim, rig.root() / "out.ndjson.partial");
    const auto refused = rig.run({"fetch", "devices", "--output", "out.ndjson"});
    CHECK_MESSAGE(refused.exited_with(1), refused.err);
    CHECK(contains(refused.err, "out.ndjson.partial"));
    CHECK(contains(refused.err, "symbolic link"));
    CHECK(read_text(victim) == "precious\n");
    CHECK_FALSE(fs::exists(rig.root() / "out.ndjson"));

    fs::remove(rig.root() / "out.ndjson.partial");
    const auto ok = rig.run({"fetch", "devices", "--output", "out.ndjson"});
    CHECK_MESSAGE(ok.exited_with(0), ok.err);
    CHECK(mode_of(rig.root() / "out.ndjson") == 0600);
    CHECK(contains(read_text(rig.root() / "out.ndjson"), "example-4"));
    CHECK(rig.sim.items_received() == 0);  // a dry run delivers nothing
}

TEST_CASE("a file destination refuses a symlink and creates its file 0600") {
    Rig rig;
    const fs::path victim = rig.write("victim.txt", "precious\n");
    fs::create_symlink(victim, rig.root() / "records.ndjson");
    const std::string yaml =
        "name: devices\nplugin: example\nconfig:\n  records: 3\n"
        "destination:\n  type: file\n  path: ../records.ndjson\n";
    rig.manifest("devices.yaml", yaml);
    const auto refused = rig.run({"fetch", "devices"});
    CHECK_FALSE(refused.exited_with(0));
    CHECK(contains(refused.err, "symbolic link"));
    CHECK(read_text(victim) == "precious\n");

    fs::remove(rig.root() / "records.ndjson");
    const auto ok = rig.run({"fetch", "devices"});
    CHECK_MESSAGE(ok.exited_with(0), ok.err);
    CHECK(mode_of(rig.root() / "records.ndjson") == 0600);
    CHECK(contains(read_text(rig.root() / "records.ndjson"), "example-2"));
}

TEST_CASE("${file:} naming a FIFO is refused at once, naming the key and the kind of file") {
    Rig rig;
    const fs::path fifo = rig.root() / "secrets" / "key";
    fs::create_directories(fifo.parent_path());
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    rig.manifest("devices.yaml", sekoia_manifest(rig, "${file:../secrets/key}"));
    const auto started = std::chrono::steady_clock::now();
    const auto r = rig.run({"validate"}, 20s);
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    CHECK_MESSAGE(r.exited_with(2), r.err);
    CHECK(contains(r.err, "destination.api_key"));
    CHECK(contains(r.err, "FIFO"));
}

TEST_CASE("control characters in plugin errors are escaped in text logs and messages") {
    Rig rig;
    // YAML double-quoted escapes: \e is ESC, \a is BEL.
    rig.manifest("devices.yaml",
                 "name: devices\nplugin: example\nconfig:\n  records: 5\n  fail_after: 2\n"
                 "  fail_message: \"bad \\e]0;owned\\a \\e[31mred\"\n"
                 "destination:\n  type: stdout\n");
    const auto r = rig.run({"fetch", "devices", "--output", "-"});
    CHECK_MESSAGE(r.exited_with(1), r.err);
    CHECK(contains(r.err, "\\x1b[31mred"));
    CHECK(contains(r.err, "\\x07"));
    CHECK_FALSE(contains(r.err, "\x1b"));
    CHECK_FALSE(contains(r.err, "\x07"));
    const auto delivered = rig.run({"fetch", "devices"});  // the cycle summary's error, logged
    CHECK_MESSAGE(delivered.exited_with(1), delivered.err);
    CHECK(contains(delivered.err, "\\x1b[31mred"));
    CHECK_FALSE(contains(delivered.err, "\x1b"));
}
