#include "common/redactor.h"

#include <algorithm>
#include <mutex>

namespace asset_host {

Redactor& Redactor::global() {
    static Redactor* r = new Redactor();  // leaked on purpose: threads may log during exit
    return *r;
}

void Redactor::add(std::string_view secret) {
    if (secret.empty()) return;
    std::unique_lock lock(mu_);
    if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
    secrets_.emplace_back(secret);
    std::stable_sort(
        secrets_.begin(), secrets_.end(),
        [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    any_.store(true, std::memory_order_release);
}

std::string Redactor::redact(std::string_view text) const {
    if (!any_.load(std::memory_order_acquire)) return std::string(text);
    std::shared_lock lock(mu_);
    std::string out(text);
    for (const std::string& s : secrets_) out = mask_secret(std::move(out), s);
    return out;
}

std::string redact(std::string_view text) {
    return Redactor::global().redact(text);
}

std::string redacted_one_line(std::string_view text, std::size_t max_bytes,
                              std::string_view secret) {
    return asset_sdk::one_line_masked(redact(text), max_bytes, secret);
}

}  // namespace asset_host
