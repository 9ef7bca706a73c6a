// The Sekoia destination's half of "Test connector". No asset is sent; each check says what
// answered, and only an answer with Sekoia's shape counts (a proxy's error page or a captive
// portal is named as such, never taken for Sekoia's verdict):
//   destination.connector_uuid — 8-4-4-4-12 hex digits.
//   destination.reachability   — DNS, TCP, TLS (certificate trusted) and the proxy in use
//                                (destination.proxy or the *_proxy environment), proved by
//                                the answer to the first request below.
//   destination.api_key        — GET {base_url}/v1/apiauth/auth/validate with the key (Sekoia's
//                                token check: 200 with the token's identity = valid, 401 =
//                                invalid, expired or revoked).
//   destination.connector      — POST {base_url}/api/v2/asset-management/asset-connector/{uuid}
//                                with {"version": 1, "items": []}: the request a push makes,
//                                with no asset. 200 = this key may push to this connector;
//                                404 = no such connector; 403 = the key lacks the permission.
// README.md here records the sources of both calls.
#pragma once

#include "common/check_result.h"
#include "config/manifest.h"

#include <asset_sdk/clock.h>

#include <functional>

namespace asset_host::delivery {

// Sekoia's check of a token's validity, relative to the destination's base_url.
inline constexpr char kSekoiaValidatePath[] = "/v1/apiauth/auth/validate";

// Reports the checks in order; false when one failed. `cancelled` aborts the requests.
bool sekoia_checks(const SekoiaDestinationSpec& spec,
                   const std::function<void(const CheckResult&)>& on_check,
                   const asset_sdk::CancelCheck& cancelled);

// A destination check line.
CheckResult destination_check(std::string name, ah_check_status status, std::string detail,
                              std::string remedy = {});

}  // namespace asset_host::delivery
