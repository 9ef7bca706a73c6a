// asset-host: see host/README.md.
#include "cli/app.h"
#include "common/exit_codes.h"
#include "common/heap.h"
#include "common/signals.h"
#include "isolation/spawner.h"
#include "isolation/worker_main.h"

#include <cstdio>
#include <exception>
#include <string_view>

int main(int argc, char** argv) {
    // A worker process of `isolation: process` (started by this binary, never by a user): no
    // signal thread (the host stops its workers through their socket), no command line.
    if (argc >= 2 && std::string_view(argv[1]) == asset_host::isolation::kWorkerCommand) {
        return asset_host::isolation::worker_main(argc, argv);
    }
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
