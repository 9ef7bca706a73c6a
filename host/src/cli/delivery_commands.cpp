// Placeholder bodies for the delivery seam (see delivery_commands.h): replaced when the delivery
// pipeline and the scheduler land.
#include "cli/delivery_commands.h"

#include "common/console.h"
#include "common/exit_codes.h"

namespace asset_host {

int cmd_fetch_deliver(const GlobalOptions&, const FetchArgs&) {
    print_error("asset-host: fetch needs the delivery pipeline (not built yet); use --output");
    return kExitFailure;
}

int cmd_run(const GlobalOptions&, const RunArgs&) {
    print_error("asset-host: run needs the delivery pipeline (not built yet)");
    return kExitFailure;
}

void run_destination_checks(const Manifest&, const CancelToken&,
                            const std::function<void(const CheckResult&)>&) {}

}  // namespace asset_host
