// GzipBodyDecoder (plugins/okta_device/src/gzip_body.h): Okta's gzip-encoded
// pages decoded with libdeflate. Bodies here are made by libdeflate's compressor at several
// levels and by hand (several members, cut, corrupt, trailing bytes); the pages themselves go
// through it against okta-sim in the integration tests (sim_sync_test, okta_device_host_test).
#include "gzip_body.h"

#include <doctest/doctest.h>
#include <libdeflate.h>

#include <random>
#include <string>

namespace {

using asset_sdk::HttpResult;
using asset_sdk::TransportError;

// One body through a decoder of its own, with the plugin's 64 MiB limit.
void gunzip_body(HttpResult& r) {
    okta_device::GzipBodyDecoder(64u << 20).decode(r);
}

std::string gzip(const std::string& text, int level = 6) {
    libdeflate_compressor* c = libdeflate_alloc_compressor(level);
    REQUIRE(c != nullptr);
    std::string out(libdeflate_gzip_compress_bound(c, text.size()), '\0');
    const std::size_t n =
        libdeflate_gzip_compress(c, text.data(), text.size(), out.data(), out.size());
    libdeflate_free_compressor(c);
    REQUIRE(n > 0);
    out.resize(n);
    return out;
}

HttpResult response(std::string body, std::string encoding = "gzip") {
    HttpResult r;
    r.response.status = 200;
    r.response.headers = {{"content-type", "application/json"}};
    if (!encoding.empty()) r.response.headers.emplace_back("content-encoding", encoding);
    r.response.body = std::move(body);
    return r;
}

std::string page(std::size_t devices) {
    std::mt19937 rng(42);
    std::string s = "[";
    for (std::size_t i = 0; i < devices; ++i) {
        if (i) s += ',';
        s += R"({"id":"guo)" + std::to_string(rng()) +
             R"(","status":"ACTIVE","profile":{"displayName":"Laptop )" +
             std::to_string(rng() % 1000) + R"("}})";
    }
    return s + "]";
}

}  // namespace

TEST_CASE("a gzip body is decoded in place, with padding for the page reader") {
    const std::string text = page(500);
    for (const int level : {1, 6, 12}) {
        HttpResult r = response(gzip(text, level));
        gunzip_body(r);
        REQUIRE(r.ok());
        CHECK(r.response.body == text);
        CHECK(r.response.body.capacity() >= r.response.body.size() + asset_sdk::kBodyPadding);
        CHECK(r.response.status == 200);
    }
    HttpResult x = response(gzip(text), " X-GZIP ");
    gunzip_body(x);
    REQUIRE(x.ok());
    CHECK(x.response.body == text);
}

TEST_CASE("a body without gzip encoding is left alone") {
    for (const char* encoding : {"", "identity"}) {
        HttpResult r = response("{\"a\":1}", encoding);
        gunzip_body(r);
        REQUIRE(r.ok());
        CHECK(r.response.body == "{\"a\":1}");
    }
    HttpResult failed;
    failed.error = TransportError::kTimeout;
    failed.error_message = "timed out";
    gunzip_body(failed);
    CHECK(failed.error == TransportError::kTimeout);
    CHECK(failed.error_message == "timed out");
}

TEST_CASE("several members are decoded one after the other; trailing bytes are ignored") {
    const std::string a = page(3), b = page(200);
    HttpResult r = response(gzip(a) + gzip(b, 1));
    gunzip_body(r);
    REQUIRE(r.ok());
    CHECK(r.response.body == a + b);

    HttpResult trailing = response(gzip(a) + std::string(20, '\0'));
    gunzip_body(trailing);
    REQUIRE(trailing.ok());
    CHECK(trailing.response.body == a);
}

TEST_CASE("the buffer is sized from the last trailer and grows when that is too small") {
    const std::string text = page(2000);
    // Two members: the buffer is first sized for the last one ("[]"), then doubled until the
    // first fits.
    HttpResult two = response(gzip(text) + gzip("[]"));
    gunzip_body(two);
    REQUIRE(two.ok());
    CHECK(two.response.body == text + "[]");
    // A trailer whose size is wrong: libdeflate checks it, so the stream is corrupt.
    std::string body = gzip(text);
    for (std::size_t i = body.size() - 4; i < body.size(); ++i) body[i] = 0;
    HttpResult lying = response(body);
    gunzip_body(lying);
    CHECK(lying.error == TransportError::kOther);
}

TEST_CASE("a cut or corrupt stream, or another encoding, is a transient transport failure") {
    const std::string good = gzip(page(100));
    HttpResult cut = response(good.substr(0, good.size() / 2));
    gunzip_body(cut);
    CHECK(cut.error == TransportError::kOther);
    CHECK(asset_sdk::is_transient(cut.error));
    CHECK(cut.error_message.find("gzip") != std::string::npos);
    CHECK(cut.response.body.empty());

    std::string flipped = good;
    flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x55);
    HttpResult corrupt = response(flipped);
    gunzip_body(corrupt);
    CHECK(corrupt.error == TransportError::kOther);

    HttpResult tiny = response("\x1f\x8b");
    gunzip_body(tiny);
    CHECK(tiny.error == TransportError::kOther);

    HttpResult brotli = response("\x0b\x02\x80{}\x03", "br");
    gunzip_body(brotli);
    CHECK(brotli.error == TransportError::kOther);
    CHECK(brotli.error_message.find("other than gzip") != std::string::npos);
}

TEST_CASE("a body that decodes past the limit is refused, whatever its trailer says") {
    const std::string text(1u << 20, 'a');  // 1 MiB of one byte: a ~1 KB gzip stream
    HttpResult r = response(gzip(text));
    okta_device::GzipBodyDecoder(100'000).decode(r);
    CHECK(r.error == TransportError::kTooLarge);
    CHECK_FALSE(asset_sdk::is_transient(r.error));
    CHECK(r.error_message.find("100000") != std::string::npos);
    CHECK(r.response.body.empty());

    HttpResult fits = response(gzip(text));
    okta_device::GzipBodyDecoder(1u << 20).decode(fits);
    REQUIRE(fits.ok());
    CHECK(fits.response.body == text);
}

TEST_CASE("one decoder for a client: a page is decoded into the buffer of the page read before") {
    okta_device::GzipBodyDecoder decoder(64u << 20);
    const std::string big = page(2000), small = page(300), other = page(1999);

    HttpResult first = response(gzip(big));
    decoder.decode(first);
    REQUIRE(first.ok());
    REQUIRE(first.response.body == big);
    const char* buffer = first.response.body.data();
    decoder.recycle(std::move(first.response.body));  // read: its bytes are no longer needed

    // Same buffer (no fresh allocation), whatever was in it before, with the reader's padding.
    HttpResult second = response(gzip(small));
    decoder.decode(second);
    REQUIRE(second.ok());
    CHECK(second.response.body == small);
    CHECK(second.response.body.data() == buffer);
    CHECK(second.response.body.capacity() >= second.response.body.size() + asset_sdk::kBodyPadding);

    // Not given back: the next page gets a buffer of its own, and this one is left alone.
    HttpResult third = response(gzip(other));
    decoder.decode(third);
    REQUIRE(third.ok());
    CHECK(third.response.body == other);
    CHECK(third.response.body.data() != buffer);
    CHECK(second.response.body == small);

    // A failure keeps the buffer given back for the next page; the error is as without reuse.
    decoder.recycle(std::move(second.response.body));
    std::string flipped = gzip(big);
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x55);
    HttpResult corrupt = response(flipped);
    decoder.decode(corrupt);
    CHECK(corrupt.error == TransportError::kOther);
    CHECK(corrupt.response.body.empty());
    HttpResult after = response(gzip(big));
    decoder.decode(after);
    REQUIRE(after.ok());
    CHECK(after.response.body == big);
    CHECK(after.response.body.data() == buffer);

    // The limit holds with a recycled buffer larger than it.
    okta_device::GzipBodyDecoder limited(1000);
    limited.recycle(std::move(after.response.body));
    HttpResult over = response(gzip(small));
    limited.decode(over);
    CHECK(over.error == TransportError::kTooLarge);
}
