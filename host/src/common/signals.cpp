#include "common/signals.h"

#include "common/cancellation.h"
#include "common/logging.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <mutex>
#include <thread>

namespace asset_host {
namespace {

std::atomic<int> g_shutdown_signal{0};

struct Callbacks {
    std::mutex mu;
    std::function<void(int)> on_shutdown;
    std::function<void()> on_reload;
};

Callbacks& callbacks() {
    static Callbacks* c = new Callbacks();  // leaked: the signal thread outlives main()
    return *c;
}

const char* signal_name(int signo) {
    switch (signo) {
        case SIGINT:
            return "SIGINT";
        case SIGTERM:
            return "SIGTERM";
        case SIGHUP:
            return "SIGHUP";
        default:
            return "signal";
    }
}

void signal_loop(sigset_t set) {
    for (;;) {
        int signo = 0;
        if (sigwait(&set, &signo) != 0) continue;
        if (signo == SIGHUP) {
            reload_requested().store(true);
            host_log().info("received SIGHUP: manifests will be reloaded");
            std::function<void()> cb;
            {
                std::lock_guard lock(callbacks().mu);
                cb = callbacks().on_reload;
            }
            if (cb) cb();
            continue;
        }
        int expected = 0;
        const bool first = g_shutdown_signal.compare_exchange_strong(expected, signo);
        if (!first && signo == SIGINT) {
            // The user insists: stop now, without waiting for in-flight work.
            static const char kMsg[] = "asset-host: interrupted again, exiting immediately\n";
            (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
            _exit(130);
        }
        shutdown_source().cancel();
        if (first) {
            host_log().info("received {}: stopping{}", signal_name(signo),
                            signo == SIGINT ? " (press Ctrl-C again to exit immediately)" : "");
        }
        std::function<void(int)> cb;
        {
            std::lock_guard lock(callbacks().mu);
            cb = callbacks().on_shutdown;
        }
        if (cb) cb(signo);
    }
}

}  // namespace

void install_signal_handlers() {
    static std::once_flag once;
    std::call_once(once, [] {
        ::signal(SIGPIPE, SIG_IGN);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
        std::thread(signal_loop, set).detach();
    });
}

std::atomic<bool>& reload_requested() {
    static std::atomic<bool> flag{false};
    return flag;
}

int shutdown_signal() {
    return g_shutdown_signal.load();
}

void set_shutdown_callback(std::function<void(int)> callback) {
    std::lock_guard lock(callbacks().mu);
    callbacks().on_shutdown = std::move(callback);
}

void set_reload_callback(std::function<void()> callback) {
    std::lock_guard lock(callbacks().mu);
    callbacks().on_reload = std::move(callback);
}

}  // namespace asset_host
