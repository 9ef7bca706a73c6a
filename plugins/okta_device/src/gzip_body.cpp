#include "gzip_body.h"

#include <asset_sdk/text.h>

#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

namespace okta_device {
namespace {

using asset_sdk::TransportError;

struct FreeDecompressor {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

// A member's ISIZE trailer: its decoded size modulo 2^32, little-endian. Only a first guess of
// the buffer's size (a server could lie; libdeflate never writes past what it is given).
std::size_t trailer_size(const std::string& body) {
    const auto* end = reinterpret_cast<const unsigned char*>(body.data() + body.size());
    return static_cast<std::size_t>(end[-4]) | static_cast<std::size_t>(end[-3]) << 8 |
           static_cast<std::size_t>(end[-2]) << 16 | static_cast<std::size_t>(end[-1]) << 24;
}

void fail(asset_sdk::HttpResult& result, TransportError error, std::string message) {
    result.error = error;
    result.error_message = std::move(message);
    result.response = asset_sdk::HttpResponse{};
}

void corrupt(asset_sdk::HttpResult& result, const char* what) {
    std::string message = "the gzip-encoded response body ";
    message += what;
    fail(result, TransportError::kOther, std::move(message));
}

}  // namespace

void gunzip_body(asset_sdk::HttpResult& result, std::size_t max_bytes) {
    if (!result.ok()) return;
    asset_sdk::HttpResponse& response = result.response;
    const std::optional<std::string_view> encoding = response.header("content-encoding");
    if (!encoding) return;
    const std::string_view name = asset_sdk::trim(*encoding);
    if (name.empty() || asset_sdk::iequals(name, "identity")) return;
    if (!asset_sdk::iequals(name, "gzip") && !asset_sdk::iequals(name, "x-gzip")) {
        return corrupt(result, "has an encoding other than gzip (only gzip is asked for)");
    }
    const std::string& in = response.body;
    constexpr std::size_t kSmallestMember = 18;  // 10-byte header, empty block, 8-byte trailer
    if (in.size() < kSmallestMember) return corrupt(result, "is cut short");

    const std::unique_ptr<libdeflate_decompressor, FreeDecompressor> decompressor(
        libdeflate_alloc_decompressor());
    if (!decompressor) return fail(result, TransportError::kOther, "out of memory for gunzip");

    // The room to decode into, allocated with the reader's padding at once: reserving the
    // padding afterwards would copy the whole page into a second buffer.
    std::size_t room = std::min(std::max<std::size_t>(trailer_size(in), 4096), max_bytes);
    std::string out(room + asset_sdk::kBodyPadding, '\0');
    std::size_t in_at = 0;
    std::size_t out_at = 0;
    bool decoded_one = false;
    while (in_at < in.size()) {
        std::size_t in_used = 0;
        std::size_t out_used = 0;
        const libdeflate_result decoded =
            libdeflate_gzip_decompress_ex(decompressor.get(), in.data() + in_at, in.size() - in_at,
                                          out.data() + out_at, room - out_at, &in_used, &out_used);
        if (decoded == LIBDEFLATE_INSUFFICIENT_SPACE) {
            if (room >= max_bytes) {
                // Appended piecewise: GCC 12 at -O3 warns falsely on "literal" + std::string.
                std::string message = "response body larger than the limit of ";
                message += std::to_string(max_bytes);
                message += " bytes (decoded)";
                return fail(result, TransportError::kTooLarge, std::move(message));
            }
            room = std::min(room * 2, max_bytes);  // the member is decoded again
            out.resize(room + asset_sdk::kBodyPadding);
            continue;
        }
        if (decoded != LIBDEFLATE_SUCCESS) {
            if (decoded_one) break;  // trailing bytes that are no member: ignored, like libcurl
            return corrupt(result, "is corrupt or cut short");
        }
        decoded_one = true;
        in_at += in_used;
        out_at += out_used;
    }
    out.resize(out_at);  // shrinking keeps the capacity, and with it the padding
    response.body = std::move(out);
}

}  // namespace okta_device
