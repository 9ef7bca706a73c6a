// Okta's pages arrive gzip-encoded (the plugin asks for it: a devices page shrinks about 6x).
// They are decoded here in one call per page with libdeflate rather than by libcurl, which
// inflates with zlib in 16 KiB pieces into a body that grows by doubling: the Okta fetch was the
// largest stage of a sync's CPU after sending, mostly inflate; libdeflate decodes a page with
// about 2.3x less CPU (tests/bench/README.md, "Gunzip with libdeflate").
#pragma once

#include <asset_sdk/http_client.h>

#include <cstddef>

namespace okta_device {

// Decodes the response body of a successful transfer in place when its Content-Encoding is
// gzip (or x-gzip); leaves a body without one (or "identity") alone. The body keeps
// asset_sdk::kBodyPadding spare bytes of capacity (the page reader parses in place). Failures
// become transport failures, as when libcurl decoded: a corrupt or cut stream or another
// encoding is kOther (transient: the page is asked for again), a decoded body over `max_bytes`
// kTooLarge; the response is then cleared. Members after the first are decoded too (RFC 1952
// allows several); bytes after the last member that are not another one are ignored, as
// libcurl does.
void gunzip_body(asset_sdk::HttpResult& result, std::size_t max_bytes);

}  // namespace okta_device
