// The host process's heap (glibc malloc), tuned for a daemon whose work comes in bursts: a round
// of cycles on several threads allocates and frees batch bodies, HTTP buffers and frames, then
// the daemon sits idle until the next round. Measured with 1,000 idle connectors
// (tests/bench/README.md, "The idle daemon's memory").
#pragma once

namespace asset_host {

// Once, at start, before any thread exists. Buffers of 128 KiB and more are mapped on their
// own and unmapped when freed: glibc otherwise raises that threshold to the largest buffer freed
// so far (up to 32 MiB), after which every batch body and response buffer is carved from the
// per-thread arenas, where the free space stays resident after the burst.
void tune_heap();

// Gives the free space of every arena back to the system (malloc_trim). A few milliseconds on a
// large heap: call it when the process goes idle, not on a hot path.
void release_free_heap();

}  // namespace asset_host
