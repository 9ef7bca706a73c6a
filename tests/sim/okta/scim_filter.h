// The subset of SCIM filter syntax Okta documents for GET /api/v1/devices?search=…:
//   attribute operators eq ne gt ge lt le sw co pr, combined with and / or / not and
//   parentheses; operators and keywords case-insensitive, attribute names case-sensitive.
// Searchable attributes: id, status, lastUpdated and profile.<property> (Okta's documented
// set); `co` only on profile.displayName/serialNumber/imei/meid/udid/sid. Anything else is a
// parse error (Okta answers 400 E0000031).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "device_model.h"

namespace oktasim {

class ScimFilter {
public:
    struct Node;

    // A filter, or the reason it is invalid (for errorCauses).
    static std::variant<ScimFilter, std::string> parse(std::string_view text);

    bool matches(const Device& device) const;

    ScimFilter(ScimFilter&&) noexcept;
    ScimFilter& operator=(ScimFilter&&) noexcept;
    ~ScimFilter();

private:
    explicit ScimFilter(std::unique_ptr<Node> root);
    std::unique_ptr<Node> root_;
};

}  // namespace oktasim
