// Process-wide secret redaction. Every resolved secret (plugin config properties marked
// "x-secret": true, destination.api_key) is registered here when its manifest is loaded; every
// log line and every message the host prints goes through redact(), which replaces each
// occurrence of a registered secret with "***". This is the last line of defence: messages are
// written not to contain values in the first place.
#pragma once

#include <asset_sdk/text.h>

#include <atomic>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace asset_host {

class Redactor {
public:
    static constexpr std::string_view kMask = asset_sdk::kSecretMask;

    // The instance the host uses everywhere (never destroyed, usable from any thread).
    static Redactor& global();

    // Registers a secret value. Empty values are ignored (nothing to hide).
    void add(std::string_view secret);
    // `text` with every registered secret replaced by kMask.
    std::string redact(std::string_view text) const;

private:
    mutable std::shared_mutex mu_;
    std::vector<std::string> secrets_;  // longest first, so a secret containing another wins
    std::atomic<bool> any_{false};      // fast path: no lock when nothing is registered
};

// Shorthand for Redactor::global().redact(text).
std::string redact(std::string_view text);

// `text` with every occurrence of `secret` replaced by Redactor::kMask (no-op for an empty
// secret): for a secret known where the message is made, before the global net.
using asset_sdk::mask_secret;

// Text from outside (a server's error body) for a one-line message of at most `max_bytes`:
// `secret` masked and every registered secret redacted on the WHOLE text, then cut. Cutting
// first would leave the head of an echoed secret, which no longer matches it.
std::string redacted_one_line(std::string_view text, std::size_t max_bytes,
                              std::string_view secret = {});

}  // namespace asset_host
