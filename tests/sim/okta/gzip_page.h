// The device-list pages, gzipped by the simulator itself. They are its hot path: httplib gzips
// every compressible body with zlib at the default level (6), which cost about 5 ms of CPU per
// page of 200 devices (300 KB) — the simulator's own time, on the same cores as the client under
// test, added to every page of a benchmark's sync. libdeflate at a low level does it several
// times faster (tests/bench/README.md, "okta-sim's own time per page"); the encoding a client
// negotiates is unchanged.
#pragma once

#include <httplib.h>

#include <string>

namespace oktasim {

// Sets `body` (JSON) as the answer, gzipped when the client accepts gzip and httplib would have
// chosen it (it prefers br when both are offered: br is left to httplib, as is an answer to a
// client that accepts neither). When it gzips, `body` stays the caller's (its buffer can hold the
// next page); otherwise it moves into the response.
void set_json_page(const httplib::Request& req, httplib::Response& res, int status,
                   std::string& body);

}  // namespace oktasim
