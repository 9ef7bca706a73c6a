#include "isolation/memory_limit.h"

#include "common/paths.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define ASSET_HOST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASSET_HOST_ASAN 1
#endif
#endif

namespace asset_host::isolation {

namespace {

std::uint64_t g_limit = 0;
std::uint64_t g_page_size = 4096;
std::atomic<bool> g_allocation_failed{false};

// The process's address space from /proc/self/statm, compared with the limit. Only
// async-signal-safe calls: it runs in a signal handler.
bool near_limit() noexcept {
    const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char buf[64];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    std::uint64_t pages = 0;
    for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) {
        pages = pages * 10 + static_cast<std::uint64_t>(buf[i] - '0');
    }
    return pages * g_page_size >= g_limit - g_limit / 4;
}

void on_fatal_signal(int) {
    if (g_allocation_failed.load() || near_limit()) ::_exit(kExitMemoryLimit);
    // SA_RESETHAND restored the default action: returning re-raises the fault (or abort()
    // raises again), and the worker dies from the signal as it would have.
}

void on_allocation_failure() {
    g_allocation_failed.store(true);
    throw std::bad_alloc();
}

// Unused in a sanitizer build, where the limit is not applied (below).
[[maybe_unused]] void install_handlers() {
    // A stack of its own, so the handler runs even when the fault is a stack overflow of the
    // main thread.
    static char alt_stack[64 * 1024];
    stack_t ss{};
    ss.ss_sp = alt_stack;
    ss.ss_size = sizeof alt_stack;
    ::sigaltstack(&ss, nullptr);
    struct sigaction sa {};
    sa.sa_handler = &on_fatal_signal;
    sa.sa_flags = SA_RESETHAND | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int signo : {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE}) ::sigaction(signo, &sa, nullptr);
    std::set_new_handler(&on_allocation_failure);
}

}  // namespace

std::string apply_memory_limit(std::uint64_t bytes) {
    if (bytes == 0) return {};
#if defined(ASSET_HOST_ASAN)
    return "limits.memory is not enforced in a sanitizer build (AddressSanitizer reserves "
           "terabytes of address space)";
#else
    // Every malloc arena reserves 64 MiB of address space: a few threads would use up the limit
    // without allocating anything.
    ::mallopt(M_ARENA_MAX, 2);
    const rlimit limit{static_cast<rlim_t>(bytes), static_cast<rlim_t>(bytes)};
    if (::setrlimit(RLIMIT_AS, &limit) != 0) {
        return "cannot apply limits.memory: setrlimit: " + errno_message(errno);
    }
    g_limit = bytes;
    g_page_size = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    install_handlers();
    return {};
#endif
}

bool allocation_failed() {
    return g_allocation_failed.load();
}

}  // namespace asset_host::isolation
