// The host's checkpoint file (<state-dir>/<connector>.json, host/src/state): whatever bytes
// are on disk, load() answers a value or an error naming the file.
#include "fuzz_support.h"

#include "state/checkpoint_store.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    static const fuzzsupport::ScratchDir dir;
    static const asset_host::CheckpointStore store(dir.path());
    dir.write("fuzz.json", fuzzsupport::as_text(data, size));
    (void)store.load("fuzz");
    return 0;
}
