// asset-host-worker: the worker process of `isolation: process` (worker_main.h). Started by
// asset-host only, never by a user.
#include "isolation/worker_main.h"

int main(int argc, char** argv) {
    return asset_host::isolation::worker_main(argc, argv);
}
