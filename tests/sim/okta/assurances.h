// GET /api/v1/device-assurances: a fixed set of device assurance policies, one per platform,
// shaped like the examples of Okta's OpenAPI spec (DeviceAssurance*Response).
#pragma once

#include <string>

namespace oktasim {

// `origin` prefixes the self links ("http://127.0.0.1:1234").
std::string device_assurances_json(const std::string& origin);

}  // namespace oktasim
