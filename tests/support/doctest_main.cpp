// The main of every doctest executable. libcurl's global initialisation is not thread-safe and
// must happen before any thread uses libcurl (the host does it first thing in main, and tests
// use libcurl from many threads: the sdk client, destinations, plugins in process), so it is
// done here once, before any test runs.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <curl/curl.h>

#include <cstdio>

int main(int argc, char** argv) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        std::fprintf(stderr, "curl_global_init failed\n");
        return 1;
    }
    doctest::Context context(argc, argv);
    const int result = context.run();
    curl_global_cleanup();
    return result;
}
