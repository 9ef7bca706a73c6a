// One line of "Test connector" (`asset-host test`): the outcome of a single check. The plugin's
// checks (plugin/plugin_instance.h) and the destination's (delivery/destination_factory.h)
// both report in this shape, so the command prints them alike.
#pragma once

#include <asset_host/plugin_abi.h>

#include <string>

namespace asset_host {

struct CheckResult {
    std::string source = "plugin";  // "plugin" or "destination" (who ran the check)
    std::string name;
    ah_check_status status = AH_CHECK_OK;
    std::string detail;
    std::string remedy;
};

}  // namespace asset_host
