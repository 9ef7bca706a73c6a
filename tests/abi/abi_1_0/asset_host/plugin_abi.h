/*
 * asset-host plugin ABI — the only contract between the host and a connector plugin.
 *
 * This header is C (it compiles as C99 and as C++). Nothing of C++ crosses it: no exceptions,
 * no std:: types, no allocator mixing. It follows the "hourglass" shape: C++ inside the plugin,
 * C at the neck, C++ again in the host and in the optional wrapper (asset_host/plugin.hpp).
 *
 * Life of a plugin
 * ----------------
 * 1. The host loads the shared library (RTLD_NOW | RTLD_LOCAL) and resolves ONE symbol,
 *    AH_PLUGIN_ENTRY_SYMBOL. It calls it with the host's ABI version and gets a descriptor.
 *    The library stays loaded for the whole life of the host process (it is never unloaded),
 *    so every pointer in the descriptor may point at static storage.
 * 2. The host checks the descriptor before touching anything else in it:
 *      - descriptor->struct_size >= AH_DESCRIPTOR_MIN_SIZE, else the library is refused;
 *      - abi_major == host major and abi_minor <= host minor, else the library is refused with
 *        a message naming the file and both versions.
 * 3. configure() validates a JSON config (already checked against config_schema by the host)
 *    and returns an instance. test() and fetch() run on that instance; destroy() frees it.
 *
 * Versioning
 * ----------
 * AH_ABI_MAJOR changes only when an existing field or function changes meaning or layout.
 * AH_ABI_MINOR grows when something is APPENDED: a field at the end of ah_plugin_descriptor,
 * ah_host_api or ah_fetch_options. Appended members are only read after checking struct_size,
 * so an older plugin keeps working with a newer host (it never sees the new members) and a
 * newer-minor plugin is refused by an older host (it might rely on members the host lacks).
 *
 * Memory and lifetime
 * -------------------
 * - Every buffer passed as an argument (config JSON, records, markers, messages) is BORROWED
 *   for the duration of the call only. Copy it if you need it later. Never free it.
 * - Strings a plugin returns (last_error) stay valid until the next call on the same instance
 *   or until destroy(). Descriptor strings stay valid for the library's lifetime.
 * - Strings in an ah_check passed to the report callback are borrowed for that callback.
 * - The ah_host_api table and host_ctx passed to configure() stay valid until destroy() returns.
 *
 * Threads
 * -------
 * An instance is used by one thread at a time (the host never calls two functions of the
 * same instance concurrently). Host API functions may be called from the thread that runs
 * fetch()/test(); the host API is NOT required to accept calls from other plugin threads.
 * cancelled() may be polled as often as wanted: it is cheap (an atomic load).
 *
 * Errors
 * ------
 * Functions return an ah_status. On anything but AH_OK the plugin sets a message readable
 * through last_error(instance). Messages must never contain secrets (tokens, API keys).
 *
 * Records and checkpoints
 * -----------------------
 * A record is one UTF-8 JSON object (for record_type "ocsf/5001": one OCSF Device Inventory
 * Info event), without a trailing newline. A checkpoint marker is an opaque UTF-8 JSON value
 * owned by the plugin: the host stores it (only once every record emitted BEFORE it has been
 * acknowledged by the destination) and hands the latest stored one back to the next fetch().
 */
#ifndef ASSET_HOST_PLUGIN_ABI_H
#define ASSET_HOST_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes. */
#define AH_ABI_MAJOR 1
#define AH_ABI_MINOR 0

/* Name of the single symbol a plugin exports. */
#define AH_PLUGIN_ENTRY_SYMBOL "asset_host_plugin_entry"

/* Export decoration for the entry function (plugins build with -fvisibility=hidden). */
#if defined(_WIN32)
#define AH_PLUGIN_EXPORT __declspec(dllexport)
#else
#define AH_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* Result of a plugin function. Values are stable; new ones may be appended. */
typedef enum ah_status {
    AH_OK = 0,            /* done */
    AH_ERROR = 1,         /* failed; see last_error() */
    AH_CANCELLED = 2,     /* stopped because the host asked (cancelled() or emit said stop) */
    AH_INVALID_CONFIG = 3 /* configure(): the config is unusable; see last_error() */
} ah_status;

/* Log levels for ah_host_api.log. */
typedef enum ah_log_level {
    AH_LOG_TRACE = 0,
    AH_LOG_DEBUG = 1,
    AH_LOG_INFO = 2,
    AH_LOG_WARN = 3,
    AH_LOG_ERROR = 4
} ah_log_level;

/* Outcome of one "Test connector" check. */
typedef enum ah_check_status {
    AH_CHECK_OK = 0,
    AH_CHECK_WARN = 1,
    AH_CHECK_FAIL = 2
} ah_check_status;

/* What emit()/checkpoint() tell the plugin. */
typedef enum ah_emit_result {
    AH_EMIT_CONTINUE = 0, /* keep going */
    AH_EMIT_STOP = 1      /* the host wants the cycle to end: return AH_CANCELLED promptly */
} ah_emit_result;

/*
 * Functions the host offers to a plugin instance. APPEND-ONLY: new members go at the end and
 * bump AH_ABI_MINOR. A plugin must check struct_size before calling a member that was added
 * after ABI 1.0: offsetof(ah_host_api, member) + sizeof(member) <= struct_size.
 * Every function receives the host_ctx given to configure().
 */
typedef struct ah_host_api {
    uint32_t struct_size; /* sizeof(ah_host_api) as the host knows it */

    /* Log one message (UTF-8, not NUL-terminated: len bytes). Never pass secrets. */
    void (*log)(void* host_ctx, ah_log_level level, const char* msg, size_t len);

    /* Hand one record (a JSON object, len bytes) to the host. May BLOCK while the host's
     * queue is full (back-pressure). Returns AH_EMIT_STOP when the cycle must end. */
    ah_emit_result (*emit)(void* host_ctx, const char* record_json, size_t len);

    /* Hand a checkpoint marker (a JSON value, len bytes) to the host. It covers every record
     * emitted before it. Returns AH_EMIT_STOP when the cycle must end. */
    ah_emit_result (*checkpoint)(void* host_ctx, const char* marker_json, size_t len);

    /* Non-zero once the host wants the current call to stop (SIGTERM, Ctrl-C, shutdown).
     * Long waits (rate limits, back-off) must poll it and return AH_CANCELLED. */
    int (*cancelled)(void* host_ctx);
} ah_host_api;

/* One check result, given to the report callback of test(). All strings UTF-8, NUL-terminated,
 * borrowed for the duration of the callback; detail and remedy may be NULL. */
typedef struct ah_check {
    const char* name; /* short stable name, e.g. "reachability" */
    ah_check_status status;
    const char* detail; /* what was observed */
    const char* remedy; /* what to do about it (for warn/fail) */
} ah_check;

typedef void (*ah_report_fn)(void* report_ctx, const ah_check* check);

/* Flags for ah_fetch_options.flags. */
#define AH_FETCH_FULL 0x1u /* the user asked for a full sync, whatever the checkpoint says */

/* Arguments of one fetch cycle. APPEND-ONLY like ah_host_api. */
typedef struct ah_fetch_options {
    uint32_t struct_size;
    uint32_t flags;              /* AH_FETCH_* */
    const char* checkpoint_json; /* last persisted marker, or NULL when there is none */
    size_t checkpoint_len;
} ah_fetch_options;

typedef struct ah_instance ah_instance; /* opaque, owned by the plugin */

/*
 * What a plugin is and what it can do. Returned by the entry function; lives in static storage.
 * APPEND-ONLY. The host reads no member beyond struct_size.
 */
typedef struct ah_plugin_descriptor {
    uint32_t struct_size; /* sizeof(ah_plugin_descriptor) as the plugin was built */
    uint16_t abi_major;   /* AH_ABI_MAJOR the plugin was built with */
    uint16_t abi_minor;   /* AH_ABI_MINOR the plugin was built with */

    const char* id;          /* stable plugin id, [a-z0-9_]+, e.g. "okta_device" */
    const char* version;     /* plugin version, semver, e.g. "1.2.0" */
    const char* description; /* one line for humans */
    const char* record_type; /* what emit() produces, e.g. "ocsf/5001" */

    /* JSON Schema (draft-07) of the config object. Properties holding secrets carry
     * "x-secret": true; the host never prints their values. */
    const char* config_schema;

    /* Create an instance from a config (JSON object, len bytes). ALWAYS stores an instance in
     * *out (unless memory is exhausted) so that on failure the host can read last_error() before
     * calling destroy(). host_api and host_ctx stay valid until destroy(). */
    ah_status (*configure)(const char* config_json, size_t len, const ah_host_api* host_api,
                           void* host_ctx, ah_instance** out);

    /* "Test connector": run the connection checks, calling report once per check, in order.
     * Returns AH_OK when the checks ran (whatever their outcome), AH_CANCELLED or AH_ERROR. */
    ah_status (*test)(ah_instance* instance, ah_report_fn report, void* report_ctx);

    /* One fetch cycle: stream records with emit() and markers with checkpoint().
     * Returns AH_OK (cycle complete), AH_CANCELLED, or AH_ERROR (see last_error()). */
    ah_status (*fetch)(ah_instance* instance, const ah_fetch_options* options);

    /* Free the instance. NULL is allowed. */
    void (*destroy)(ah_instance* instance);

    /* Message for the last failure on this instance, or "" if none. Never NULL. */
    const char* (*last_error)(const ah_instance* instance);
} ah_plugin_descriptor;

/* The smallest descriptor the host accepts: ABI 1.0 ends with last_error. */
#define AH_DESCRIPTOR_MIN_SIZE \
    (offsetof(ah_plugin_descriptor, last_error) + sizeof(((ah_plugin_descriptor*)0)->last_error))

/*
 * The entry point every plugin exports under AH_PLUGIN_ENTRY_SYMBOL. The host passes its own
 * ABI version so a plugin may adapt (or log); the plugin returns its descriptor regardless and
 * the HOST decides compatibility. Must not fail, allocate, or have side effects.
 */
typedef const ah_plugin_descriptor* (*ah_plugin_entry_fn)(uint16_t host_abi_major,
                                                          uint16_t host_abi_minor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ASSET_HOST_PLUGIN_ABI_H */
