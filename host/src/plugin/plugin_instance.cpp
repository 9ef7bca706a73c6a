#include "plugin/plugin_instance.h"

#include "common/logging.h"
#include "common/paths.h"
#include "common/redactor.h"
#include "plugin/plugin_loader.h"

#include <spdlog/logger.h>

#include <atomic>
#include <thread>

namespace asset_host {

// The state behind one configured instance. Its address is the host_ctx every host API call
// receives, so it must not move: it lives in a unique_ptr for the instance's whole life.
//
// What a host API call may touch depends on its thread (see the header): a call from the thread
// running the plugin's current call (call_thread) uses everything; a call from any other thread
// touches only atomics and the (thread-safe) logger, so that a misbehaving plugin cannot race
// the sink, the statistics or the stop reason.
struct PluginInstance::Impl {
    const LoadedPlugin* plugin = nullptr;
    std::shared_ptr<spdlog::logger> logger;
    CancelToken cancel;
    ah_host_api api{};
    ah_instance* instance = nullptr;
    std::unique_ptr<PluginStatistics> statistics;
    StatisticListener on_statistic;
    // The thread running configure()/test()/fetch(); empty between calls.
    std::atomic<std::thread::id> call_thread{};
    std::atomic<RecordSink*> sink{nullptr};  // set only while fetch() runs
    std::atomic<bool> warned_emit_outside_fetch{false};
    // Set by the first host API call from a foreign thread: the cycle fails.
    std::atomic<bool> foreign_call{false};
    // Why the last emit()/checkpoint() said stop (fetch() resets it).
    std::atomic<ah_stop_reason> stop{AH_STOP_NONE};

    const ah_plugin_descriptor& d() const { return *plugin->descriptor; }

    std::string last_error() const {
        const char* e = instance ? d().last_error(instance) : nullptr;
        return redact(e && *e ? e : "(the plugin gave no error message)");
    }

    // Marks the calling thread as the one running the plugin's call, for the call's duration.
    class CallScope {
    public:
        explicit CallScope(Impl& impl) : impl_(impl) {
            impl_.call_thread.store(std::this_thread::get_id());
        }
        ~CallScope() { impl_.call_thread.store(std::thread::id{}); }
        CallScope(const CallScope&) = delete;
        CallScope& operator=(const CallScope&) = delete;

    private:
        Impl& impl_;
    };

    // ---- the host API table (C callbacks; nothing may throw out of them) -----------------

    static Impl* self(void* ctx) { return static_cast<Impl*>(ctx); }

    static void log(void* ctx, ah_log_level level, const char* msg, size_t len) noexcept {
        try {
            Impl* s = self(ctx);
            const auto lvl = level <= AH_LOG_TRACE   ? spdlog::level::trace
                             : level == AH_LOG_DEBUG ? spdlog::level::debug
                             : level == AH_LOG_INFO  ? spdlog::level::info
                             : level == AH_LOG_WARN  ? spdlog::level::warn
                                                     : spdlog::level::err;
            if (!s->logger->should_log(lvl)) return;
            s->logger->log(lvl, spdlog::string_view_t(msg ? msg : "", msg ? len : 0));
        } catch (...) {
        }
    }

    // True (and the call refused) when `what` comes from a thread other than the one running
    // the plugin's current call. Touches only atomics and the logger.
    bool refuse_foreign_thread(const char* what) noexcept {
        const std::thread::id running = call_thread.load();
        if (running == std::thread::id{} || running == std::this_thread::get_id()) return false;
        if (!foreign_call.exchange(true)) {
            try {
                logger->error("plugin called {}() from a thread of its own: refused; {}", what,
                              kForeignThreadError);
            } catch (...) {
            }
        }
        return true;
    }

    static bool no_sink(Impl* s, const char* what) {
        if (s->sink.load()) return false;
        if (!s->warned_emit_outside_fetch.exchange(true)) {
            s->logger->warn("plugin called {} outside fetch(); ignored", what);
        }
        return true;
    }

    // emit() and checkpoint(): hand `json` to the sink with `take`, or say stop and why.
    template <typename Take>
    static ah_emit_result hand_on(void* ctx, const char* what, Take&& take) noexcept {
        Impl* s = self(ctx);
        if (s->refuse_foreign_thread(what)) return AH_EMIT_STOP;
        try {
            if (no_sink(s, what)) return stop_because(s, AH_STOP_NOT_IN_FETCH);
            if (s->foreign_call.load()) return stop_because(s, AH_STOP_HOST_ERROR);
            if (s->cancel.cancelled()) return stop_because(s, AH_STOP_SHUTDOWN);
            RecordSink& sink = *s->sink.load();
            if (take(sink) == SinkResult::kContinue) return AH_EMIT_CONTINUE;
            return stop_because(s, sink.stop_reason());
        } catch (...) {
            return stop_because(s, AH_STOP_HOST_ERROR);
        }
    }

    static ah_emit_result stop_because(Impl* s, ah_stop_reason reason) noexcept {
        s->stop.store(reason);
        return AH_EMIT_STOP;
    }

    static ah_emit_result emit(void* ctx, const char* json, size_t len) noexcept {
        const std::string_view record(json ? json : "", json ? len : 0);
        return hand_on(ctx, "emit", [&](RecordSink& sink) { return sink.record(record); });
    }

    static ah_emit_result checkpoint(void* ctx, const char* json, size_t len) noexcept {
        const std::string_view marker(json ? json : "", json ? len : 0);
        return hand_on(ctx, "checkpoint",
                       [&](RecordSink& sink) { return sink.checkpoint(marker); });
    }

    static int cancelled(void* ctx) noexcept { return self(ctx)->cancel.cancelled() ? 1 : 0; }

    static void statistic(void* ctx, const ah_statistic* stat) noexcept {
        Impl* s = self(ctx);
        if (s->refuse_foreign_thread("statistic")) return;
        try {
            if (s->statistics->record(stat) && s->on_statistic) s->on_statistic(*stat);
        } catch (...) {
        }
    }

    // The reason behind the last stop; once cancelled, the sink's reason when it has one (a
    // worker's sink knows a cycle timeout from a shutdown), else a shutdown.
    static ah_stop_reason stop_reason(void* ctx) noexcept {
        const Impl* s = self(ctx);
        if (const ah_stop_reason r = s->stop.load(); r != AH_STOP_NONE) return r;
        if (!s->cancel.cancelled()) return AH_STOP_NONE;
        const RecordSink* sink = s->sink.load();
        const ah_stop_reason why = sink ? sink->stop_reason() : AH_STOP_NONE;
        return why != AH_STOP_NONE ? why : AH_STOP_SHUTDOWN;
    }
};

namespace {

struct ReportContext {
    const std::function<void(const CheckResult&)>* on_check;
};

void report_check(void* ctx, const ah_check* check) noexcept {
    if (!ctx || !check) return;
    try {
        CheckResult r;
        r.source = "plugin";
        r.name = redact(check->name ? check->name : "(unnamed)");
        r.status = check->status;
        if (r.status != AH_CHECK_OK && r.status != AH_CHECK_WARN) r.status = AH_CHECK_FAIL;
        r.detail = redact(check->detail ? check->detail : "");
        r.remedy = redact(check->remedy ? check->remedy : "");
        const auto* rc = static_cast<ReportContext*>(ctx);
        if (*rc->on_check) (*rc->on_check)(r);
    } catch (...) {
    }
}

}  // namespace

PluginInstance::PluginInstance(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PluginInstance::~PluginInstance() {
    if (impl_ && impl_->instance) impl_->d().destroy(impl_->instance);
}

asset_sdk::Result<std::unique_ptr<PluginInstance>> PluginInstance::create(
    const LoadedPlugin& plugin, const Manifest& manifest, CancelToken cancel,
    StatisticListener on_statistic) {
    auto impl = std::make_unique<Impl>();
    impl->plugin = &plugin;
    impl->logger = connector_logger(manifest.name);
    impl->cancel = std::move(cancel);
    impl->on_statistic = std::move(on_statistic);
    impl->api.struct_size = sizeof(ah_host_api);
    impl->api.log = &Impl::log;
    impl->api.emit = &Impl::emit;
    impl->api.checkpoint = &Impl::checkpoint;
    impl->api.cancelled = &Impl::cancelled;
    impl->api.statistic = &Impl::statistic;
    impl->api.stop_reason = &Impl::stop_reason;
    impl->statistics = std::make_unique<PluginStatistics>(impl->logger);

    const std::string config =
        manifest.config.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    ah_instance* instance = nullptr;
    ah_status rc = AH_ERROR;
    {
        Impl::CallScope scope(*impl);
        rc = plugin.descriptor->configure(config.data(), config.size(), &impl->api, impl.get(),
                                          &instance);
    }
    impl->instance = instance;
    if (rc != AH_OK || !instance) {
        const std::string why = instance ? impl->last_error() : "(no instance returned)";
        if (instance) plugin.descriptor->destroy(instance);
        impl->instance = nullptr;
        return asset_sdk::invalid_argument(display_path(manifest.file) + ": config: plugin " +
                                           plugin.id + " rejected the configuration: " + why);
    }
    return std::unique_ptr<PluginInstance>(new PluginInstance(std::move(impl)));
}

asset_sdk::Status PluginInstance::test(const std::function<void(const CheckResult&)>& on_check) {
    ReportContext ctx{&on_check};
    ah_status rc = AH_ERROR;
    {
        Impl::CallScope scope(*impl_);
        rc = impl_->d().test(impl_->instance, &report_check, &ctx);
    }
    if (rc == AH_OK) return asset_sdk::Status::ok();
    if (rc == AH_CANCELLED) return asset_sdk::cancelled("test cancelled");
    return asset_sdk::Status(
        asset_sdk::StatusCode::kInternal,
        "plugin " + impl_->plugin->id + " could not run its checks: " + impl_->last_error());
}

FetchResult PluginInstance::fetch(RecordSink& sink, const std::optional<std::string>& checkpoint,
                                  bool full) {
    ah_fetch_options options{};
    options.struct_size = sizeof(ah_fetch_options);
    options.flags = full ? AH_FETCH_FULL : 0u;
    options.checkpoint_json = checkpoint ? checkpoint->data() : nullptr;
    options.checkpoint_len = checkpoint ? checkpoint->size() : 0;

    impl_->sink.store(&sink);
    impl_->stop.store(AH_STOP_NONE);
    impl_->foreign_call.store(false);
    impl_->statistics->begin_cycle();
    ah_status rc = AH_ERROR;
    {
        Impl::CallScope scope(*impl_);
        rc = impl_->d().fetch(impl_->instance, &options);
    }
    impl_->sink.store(nullptr);

    FetchResult result;
    if (impl_->plugin->abi_minor >= 1) result.hints = impl_->statistics->cycle_hints();
    if (impl_->foreign_call.load()) {
        // Whatever the plugin returned, records it tried to emit from the other thread were
        // dropped: the cycle cannot be complete.
        result.outcome = FetchResult::Outcome::kError;
        result.error = kForeignThreadError;
        return result;
    }
    switch (rc) {
        case AH_OK:
            result.outcome = FetchResult::Outcome::kOk;
            break;
        case AH_CANCELLED:
            result.outcome = FetchResult::Outcome::kCancelled;
            break;
        default:
            result.outcome = FetchResult::Outcome::kError;
            result.error = impl_->last_error();
            break;
    }
    return result;
}

const PluginStatistics& PluginInstance::statistics() const {
    return *impl_->statistics;
}

}  // namespace asset_host
