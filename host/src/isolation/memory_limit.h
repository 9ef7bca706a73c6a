// limits.memory inside a worker process: RLIMIT_AS set before the plugin is loaded, and a way
// to tell "the limit was reached" from any other crash. An allocation that fails at the limit
// usually ends the worker some other way (std::bad_alloc unhandled -> SIGABRT, a NULL malloc
// dereferenced -> SIGSEGV); so a worker with a limit exits with kExitMemoryLimit instead of
// dying from SIGSEGV/SIGBUS/SIGABRT/SIGILL/SIGFPE when an operator new has failed or its
// address space is within a quarter of the limit, and the host reports "plugin x was killed
// (memory limit 512MiB reached)".
#pragma once

#include <cstdint>
#include <string>

namespace asset_host::isolation {

// The exit status of a worker that reached its memory limit (see above).
inline constexpr int kExitMemoryLimit = 86;

// Applies the limit (0: none). Returns a warning when it cannot be applied (a sanitizer build:
// AddressSanitizer reserves terabytes of address space), else "".
std::string apply_memory_limit(std::uint64_t bytes);

// True once an operator new failed in this process (the plugin may have coped with it).
bool allocation_failed();

}  // namespace asset_host::isolation
