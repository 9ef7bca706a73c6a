// The micro-benchmark's input: real GET /api/v1/devices page bodies, captured from okta-sim at
// start-up (so they are exactly what the plugin parses in production against the simulator,
// every data variant included) for one `expand` value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

struct PageCorpus {
    std::string expand;  // userSummary | user | none
    std::vector<std::string> pages;
    std::uint64_t json_bytes = 0;  // sum of the page sizes (uncompressed)
};

// Walks okta-sim's device list at `base_url` with limit=200 and `expand`, following Link
// rel="next"; `token` is the simulator's SSWS token. Throws std::runtime_error on any failure.
PageCorpus capture_pages(const std::string& base_url, const std::string& token,
                         const std::string& expand);

}  // namespace bench
