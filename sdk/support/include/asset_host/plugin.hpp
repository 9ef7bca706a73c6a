// The C++ side of a plugin: derive from Plugin, export it with ASSET_HOST_PLUGIN. Header-only;
// the trampolines below turn the C ABI (asset_host/plugin_abi.h) into calls on your class.
//
//   class MyPlugin : public asset_host::Plugin {
//   public:
//       static asset_sdk::Result<std::unique_ptr<MyPlugin>> create(std::string_view config_json,
//                                                                  asset_host::Host& host);
//       asset_sdk::Status test(asset_host::CheckReporter& report) override;
//       asset_sdk::Status fetch(const asset_host::FetchRequest& request) override;
//   };
//   ASSET_HOST_PLUGIN(MyPlugin, "my_plugin", "1.0.0", "What it does", "ocsf/5001", kSchemaJson)
//
// create() gets the Host (asset_host/host.hpp) the instance keeps until it is destroyed; unit
// tests give plugin code a RecordingHost instead. The trampolines catch every exception and
// turn it into an error code plus last_error(): no exception ever crosses the library boundary.
#pragma once

#include <asset_host/plugin_abi.h>
#include <asset_host/host.hpp>

#include <asset_sdk/status.h>

#include <cstddef>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>

namespace asset_host {

// Collects "Test connector" checks and forwards each to the host as it completes.
class CheckReporter {
public:
    CheckReporter(ah_report_fn fn, void* ctx) : fn_(fn), ctx_(ctx) {}

    void report(std::string_view name, ah_check_status status, std::string_view detail,
                std::string_view remedy = {}) {
        // The ABI wants NUL-terminated strings; views may not be.
        const std::string n(name), d(detail), r(remedy);
        const ah_check check{n.c_str(), status, d.c_str(), r.empty() ? nullptr : r.c_str()};
        if (fn_) fn_(ctx_, &check);
        if (status == AH_CHECK_FAIL) ++failures_;
    }
    void ok(std::string_view name, std::string_view detail) { report(name, AH_CHECK_OK, detail); }
    void warn(std::string_view name, std::string_view detail, std::string_view remedy) {
        report(name, AH_CHECK_WARN, detail, remedy);
    }
    void fail(std::string_view name, std::string_view detail, std::string_view remedy) {
        report(name, AH_CHECK_FAIL, detail, remedy);
    }
    int failures() const { return failures_; }

private:
    ah_report_fn fn_;
    void* ctx_;
    int failures_ = 0;
};

struct FetchRequest {
    std::optional<std::string_view> checkpoint;  // last persisted marker, if any
    bool full = false;                           // the user asked for a full sync
};

class Plugin {
public:
    virtual ~Plugin() = default;
    virtual asset_sdk::Status test(CheckReporter& report) = 0;
    virtual asset_sdk::Status fetch(const FetchRequest& request) = 0;
};

namespace detail {

// What an ah_instance* really points to, for plugins built with this wrapper. The plugin is
// declared after the host it holds a reference to, so it is destroyed first.
struct Instance {
    Instance(const ah_host_api* api, void* ctx) : host(api, ctx) {}
    AbiHost host;
    std::unique_ptr<Plugin> plugin;
    std::string last_error;
};

inline Instance* as_instance(ah_instance* p) {
    return reinterpret_cast<Instance*>(p);
}
inline const Instance* as_instance(const ah_instance* p) {
    return reinterpret_cast<const Instance*>(p);
}

inline ah_status to_abi(const asset_sdk::Status& s) {
    if (s.is_ok()) return AH_OK;
    if (s.code() == asset_sdk::StatusCode::kCancelled) return AH_CANCELLED;
    return AH_ERROR;
}

// Run `body` (returning Status), converting any exception into AH_ERROR + last_error.
template <typename Body>
ah_status guarded(Instance* inst, Body&& body) noexcept {
    try {
        asset_sdk::Status s = body();
        inst->last_error = s.is_ok() ? std::string() : s.message();
        return to_abi(s);
    } catch (const std::bad_alloc&) {
        inst->last_error = "out of memory";
    } catch (const std::exception& e) {
        inst->last_error = std::string("internal error: ") + e.what();
    } catch (...) {
        inst->last_error = "internal error: unknown exception";
    }
    return AH_ERROR;
}

template <typename P>
ah_status configure(const char* json, size_t len, const ah_host_api* api, void* ctx,
                    ah_instance** out) noexcept {
    *out = nullptr;
    Instance* inst = new (std::nothrow) Instance(api, ctx);
    if (!inst) return AH_ERROR;
    *out = reinterpret_cast<ah_instance*>(inst);
    if (!AH_STRUCT_HAS(ah_host_api, api, cancelled)) {
        inst->last_error = "host API table too small for ABI 1.0";
        return AH_INVALID_CONFIG;
    }
    const ah_status rc = guarded(inst, [&]() -> asset_sdk::Status {
        auto created = P::create(std::string_view(json ? json : "", json ? len : 0), inst->host);
        if (!created) return created.status();
        inst->plugin = std::move(created).value();
        return asset_sdk::Status::ok();
    });
    return rc == AH_ERROR ? AH_INVALID_CONFIG : rc;
}

inline ah_status test(ah_instance* p, ah_report_fn fn, void* ctx) noexcept {
    Instance* inst = as_instance(p);
    if (!inst || !inst->plugin) return AH_ERROR;
    return guarded(inst, [&] {
        CheckReporter reporter(fn, ctx);
        return inst->plugin->test(reporter);
    });
}

inline ah_status fetch(ah_instance* p, const ah_fetch_options* opts) noexcept {
    Instance* inst = as_instance(p);
    if (!inst || !inst->plugin) return AH_ERROR;
    return guarded(inst, [&] {
        FetchRequest req;
        if (AH_STRUCT_HAS(ah_fetch_options, opts, checkpoint_len) && opts->checkpoint_json &&
            opts->checkpoint_len > 0) {
            req.checkpoint = std::string_view(opts->checkpoint_json, opts->checkpoint_len);
        }
        if (AH_STRUCT_HAS(ah_fetch_options, opts, flags)) {
            req.full = (opts->flags & AH_FETCH_FULL) != 0;
        }
        return inst->plugin->fetch(req);
    });
}

inline void destroy(ah_instance* p) noexcept {
    delete as_instance(p);  // Plugin destructors must not throw (they are noexcept by default)
}

inline const char* last_error(const ah_instance* p) noexcept {
    const Instance* inst = as_instance(p);
    return inst ? inst->last_error.c_str() : "no instance";
}

template <typename P>
constexpr ah_plugin_descriptor make_descriptor(const char* id, const char* version,
                                               const char* description, const char* record_type,
                                               const char* schema) {
    return ah_plugin_descriptor{sizeof(ah_plugin_descriptor),
                                AH_ABI_MAJOR,
                                AH_ABI_MINOR,
                                id,
                                version,
                                description,
                                record_type,
                                schema,
                                &configure<P>,
                                &detail::test,
                                &detail::fetch,
                                &detail::destroy,
                                &detail::last_error};
}

}  // namespace detail
}  // namespace asset_host

// Export the plugin's single entry point. Use once per plugin library, at namespace scope.
#define ASSET_HOST_PLUGIN(PluginClass, id, version, description, record_type, schema)           \
    extern "C" AH_PLUGIN_EXPORT const ah_plugin_descriptor* asset_host_plugin_entry(uint16_t,   \
                                                                                    uint16_t) { \
        static const ah_plugin_descriptor descriptor =                                          \
            ::asset_host::detail::make_descriptor<PluginClass>(id, version, description,        \
                                                               record_type, schema);            \
        return &descriptor;                                                                     \
    }
