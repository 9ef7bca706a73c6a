// asset-host: see host/README.md.
#include "cli/app.h"
#include "common/exit_codes.h"
#include "common/heap.h"
#include "common/signals.h"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    // First, before any thread exists: the allocator's settings, and the signal mask, which is
    // inherited by every later thread.
    asset_host::tune_heap();
    asset_host::install_signal_handlers();
    try {
        const int code = asset_host::run_cli(argc, argv);
        std::fflush(stdout);
        return code;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "asset-host: internal error: %s\n", e.what());
        return asset_host::kExitFailure;
    }
}
