// The environment a worker process starts with (isolation/spawner.h worker_environment): an
// allowlist, so that systemd's variables, the manifests' ${env:} secrets and anything unknown
// stay in the host.
#include "common/redactor.h"
#include "isolation/spawner.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using asset_host::isolation::worker_environment;

namespace {

std::vector<std::string> environment_of(std::vector<std::string> entries) {
    std::vector<char*> pointers;
    for (auto& e : entries) pointers.push_back(e.data());
    pointers.push_back(nullptr);
    return worker_environment(pointers.data());
}

bool has(const std::vector<std::string>& env, const std::string& entry) {
    return std::find(env.begin(), env.end(), entry) != env.end();
}

}  // namespace

TEST_CASE("a worker gets the allowed variables, systemd's and the unknown ones stay behind") {
    const std::vector<std::string> allowed = {"PATH=/usr/bin",
                                              "HOME=/var/lib/asset-host",
                                              "LANG=C.UTF-8",
                                              "LC_ALL=C",
                                              "TZ=UTC",
                                              "https_proxy=http://proxy:3128",
                                              "NO_PROXY=localhost",
                                              "SSL_CERT_FILE=/etc/ssl/ca.pem",
                                              "ASAN_OPTIONS=detect_leaks=1",
                                              "LSAN_OPTIONS=suppressions=x",
                                              "UBSAN_OPTIONS=print_stacktrace=1"};
    std::vector<std::string> host = allowed;
    for (const char* other :
         {"NOTIFY_SOCKET=/run/systemd/notify", "WATCHDOG_USEC=60000000", "WATCHDOG_PID=1234",
          "LISTEN_FDS=1", "LISTEN_PID=1234", "LISTEN_FDNAMES=metrics", "JOURNAL_STREAM=8:1234",
          "OKTA_API_TOKEN=00abc", "ASSET_HOST_LISTEN=127.0.0.1:9464", "LD_PRELOAD=/tmp/x.so",
          "not-an-assignment"}) {
        host.insert(host.begin() + static_cast<long>(host.size() / 2), other);
    }
    CHECK(environment_of(host) == allowed);
}

TEST_CASE("an allowed variable whose value holds a registered secret stays behind") {
    asset_host::Redactor::global().add("proxy-pass-7f3e21");
    const auto env = environment_of(
        {"PATH=/usr/bin", "https_proxy=http://user:proxy-pass-7f3e21@proxy:3128", "HOME=/home/x"});
    CHECK(has(env, "PATH=/usr/bin"));
    CHECK(has(env, "HOME=/home/x"));
    CHECK(env.size() == 2);
}
