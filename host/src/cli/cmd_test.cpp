// asset-host test NAME|FILE [--json]: "Test connector". The plugin's checks, then the
// destination's (delivery::destination_checks), each printed as it completes.
#include "cli/commands.h"
#include "cli/connector_setup.h"
#include "common/cancellation.h"
#include "common/console.h"
#include "common/exit_codes.h"
#include "delivery/destination_factory.h"
#include "plugin/connector_plugin.h"

#include <nlohmann/json.hpp>

namespace asset_host {

namespace {

const char* status_word(ah_check_status s) {
    switch (s) {
        case AH_CHECK_OK:
            return "ok";
        case AH_CHECK_WARN:
            return "warn";
        default:
            return "fail";
    }
}

const char* status_tag(ah_check_status s) {
    switch (s) {
        case AH_CHECK_OK:
            return "[ ok ]";
        case AH_CHECK_WARN:
            return "[warn]";
        default:
            return "[FAIL]";
    }
}

void print_check_line(const CheckResult& c) {
    std::string line = std::string(status_tag(c.status)) + " " + c.name;
    if (!c.detail.empty()) line += ": " + c.detail;
    print_out(line);
    if (!c.remedy.empty()) print_out("       remedy: " + c.remedy);
}

}  // namespace

int cmd_test(const GlobalOptions& g, const TestArgs& args) {
    int exit_code = kExitOk;
    auto connector = open_connector(g, args.target, exit_code);
    if (!connector) return exit_code;
    const Manifest& manifest = connector->manifest;
    const CancelSource& cancel = connector->cancel;

    std::vector<CheckResult> checks;
    auto on_check = [&](const CheckResult& c) {
        checks.push_back(c);
        if (!args.json) print_check_line(c);
    };
    asset_sdk::Status st = connector->plugin->test(on_check);
    if (st.code() == asset_sdk::StatusCode::kCancelled || cancel.cancelled()) {
        print_error("asset-host: test cancelled");
        return kExitFailure;
    }
    if (!st.is_ok()) {
        on_check(CheckResult{"plugin", "checks", AH_CHECK_FAIL, st.message(),
                             "run again with --log-level debug to see what the plugin did"});
    }
    delivery::destination_checks(manifest.destination, on_check,
                                 [token = cancel.token()] { return token.cancelled(); });
    if (cancel.cancelled()) {
        print_error("asset-host: test cancelled");
        return kExitFailure;
    }

    int ok = 0, warn = 0, fail = 0;
    for (const auto& c : checks) {
        if (c.status == AH_CHECK_OK)
            ++ok;
        else if (c.status == AH_CHECK_WARN)
            ++warn;
        else
            ++fail;
    }
    const char* result = fail ? "fail" : warn ? "warn" : "ok";
    if (args.json) {
        nlohmann::ordered_json out;
        out["connector"] = manifest.name;
        out["plugin"] = manifest.plugin;
        out["checks"] = nlohmann::ordered_json::array();
        for (const auto& c : checks) {
            out["checks"].push_back({{"source", c.source},
                                     {"name", c.name},
                                     {"status", status_word(c.status)},
                                     {"detail", c.detail},
                                     {"remedy", c.remedy}});
        }
        out["result"] = result;
        print_out(out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    } else {
        print_out("result: " + std::string(result) + " (" + std::to_string(checks.size()) +
                  " checks: " + std::to_string(ok) + " ok, " + std::to_string(warn) +
                  " warnings, " + std::to_string(fail) + " failed)");
    }
    return fail ? kExitFailure : kExitOk;
}

}  // namespace asset_host
