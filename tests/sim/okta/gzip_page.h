// The device-list pages, gzipped by the simulator itself. They are its hot path, on the same
// cores as the client under test: httplib gzipped every page with zlib at the default level (6)
// into fresh buffers, and with the page body's own fresh 300 KB buffer that cost about 11 ms of
// simulator CPU per page of 200 devices on the loaded dev VM, mostly page faults on the newly
// mapped buffers, then deflate. libdeflate at level 1 into a buffer kept per server thread
// (and the body built in one too, SimOrg::page): about 2.3 ms (tests/bench/README.md, "okta-sim's
// own time per page"). The encoding a client negotiates is unchanged.
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
