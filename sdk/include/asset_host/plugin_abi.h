/*
 * asset-host plugin ABI 1.1 — the only contract between the host and a connector plugin.
 *
 * This header is C (it compiles as C99 and as C++). Nothing of C++ crosses it: no exceptions,
 * no std:: types, no allocator mixing. It follows the "hourglass" shape: C++ inside the plugin,
 * C at the neck, C++ again in the host and in the optional C++ SDK (asset_host/plugin.hpp).
 * sdk/README.md is the plugin author's guide; this header is the reference.
 *
 * Life of a plugin
 * ----------------
 * 1. The host loads the shared library (RTLD_NOW | RTLD_LOCAL) and resolves ONE symbol,
 *    AH_PLUGIN_ENTRY_SYMBOL. It calls it with the host's ABI version and gets a descriptor.
 *    The library stays loaded for the whole life of the host process (it is never unloaded),
 *    so every pointer in the descriptor may point at static storage.
 * 2. The host checks the descriptor before touching anything else in it:
 *      - it reaches abi_minor (AH_STRUCT_HAS), else the library is refused;
 *      - abi_major == host major and abi_minor <= host minor, else the library is refused with
 *        a message naming the file and both versions;
 *      - descriptor->struct_size >= AH_DESCRIPTOR_MIN_SIZE, else the library is refused;
 *      - every string and function of ABI 1.0 is set, id matches [a-z0-9_]+, config_schema is a
 *        usable JSON Schema (draft-07).
 * 3. configure() validates a JSON config (already checked against config_schema by the host)
 *    and returns an instance. test() and fetch() run on that instance, any number of times, one
 *    call at a time; destroy() frees it.
 *
 * Versioning
 * ----------
 * AH_ABI_MAJOR changes only when an existing field or function changes meaning or layout.
 * AH_ABI_MINOR grows when something is APPENDED: a member at the end of ah_plugin_descriptor,
 * ah_host_api, ah_fetch_options or ah_statistic, or a value at the end of an enum. Each member
 * below says the ABI version that added it. Rules:
 *   - the host loads a plugin of the same major and a minor <= its own (a 1.0 plugin runs in a
 *     1.1 host unchanged; a 1.1 plugin is refused by a 1.0 host);
 *   - a member added after 1.0 is read only after checking that the struct reaches it:
 *     AH_STRUCT_HAS(type, ptr, member). The host does so for what a plugin hands it (the
 *     descriptor, ah_statistic); a plugin must do so for what the host hands it (ah_host_api,
 *     ah_fetch_options): a host relaying the API (e.g. from another process) may offer fewer
 *     members than the header the plugin was built with. The C++ SDK does it for you;
 *   - unknown enum values must be accepted (treat an unknown stop reason as a plain stop).
 *
 * Memory and lifetime
 * -------------------
 * - Every buffer passed as an argument (config JSON, records, markers, messages, statistics
 *   and their labels) is BORROWED for the duration of the call only, in both directions. The
 *   host copies what it keeps; the plugin must copy what it keeps. Never free a borrowed buffer.
 * - Strings a plugin returns (last_error) stay valid until the next call on the same instance
 *   or until destroy(). Descriptor strings stay valid for the library's lifetime.
 * - Strings in an ah_check passed to the report callback are borrowed for that callback.
 * - The ah_host_api table and host_ctx passed to configure() stay valid until destroy() returns.
 * - Each side frees what it allocated: no allocation crosses the boundary.
 *
 * Threads
 * -------
 * An instance is used by one thread at a time (the host never calls two functions of the
 * same instance concurrently), but not always the same thread: keep no thread-local state
 * between calls. Host API functions may be called, during configure(), test() and fetch(), from
 * the thread that runs that call; the host does not accept them from other plugin threads:
 * emit(), checkpoint() and statistic() from another thread are refused (emit/checkpoint
 * return AH_EMIT_STOP) and the cycle fails. log(), cancelled() and stop_reason() are safe from
 * any thread. cancelled() and stop_reason() may be polled as often as wanted: they are cheap.
 * The host may run each call of an instance in a separate process (the host's default): keep
 * no state in the instance that must outlive one call besides what configure() builds.
 *
 * Errors
 * ------
 * Functions return an ah_status. On anything but AH_OK the plugin sets a message readable
 * through last_error(instance). Messages must never contain secrets (tokens, API keys); the host
 * also masks the values of the config's "x-secret" properties in every line it prints.
 *
 * Records and checkpoints
 * -----------------------
 * A record is one UTF-8 JSON object (for record_type "ocsf/5001": one OCSF Device Inventory
 * Info event), without a trailing newline. A record that is not a JSON object is refused by the
 * host (counted in the cycle summary's skipped, not delivered; the cycle goes on).
 * A checkpoint marker is a UTF-8 JSON value owned by the plugin: the host stores it verbatim
 * (only once every record emitted BEFORE it has been acknowledged by the destination) and hands
 * the latest stored one back to the next fetch(). Markers are stored in plain files: never put
 * a secret in one. The host does not interpret markers — except, for ABI 1.0 plugins only, the
 * legacy summary keys described at AH_STAT_RECORDS_SKIPPED.
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
#define AH_ABI_MINOR 1

/* Name of the single symbol a plugin exports. */
#define AH_PLUGIN_ENTRY_SYMBOL "asset_host_plugin_entry"

/* Export decoration for the entry function (plugins build with -fvisibility=hidden). */
#if defined(_WIN32)
#define AH_PLUGIN_EXPORT __declspec(dllexport)
#else
#define AH_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/*
 * "Does this struct reach that member?" Every struct that may grow (ah_plugin_descriptor,
 * ah_host_api, ah_fetch_options, ah_statistic) starts with uint32_t struct_size, the size of the
 * struct as its PRODUCER was built. A member may be read only when
 *     AH_STRUCT_HAS(type, ptr, member)
 * is true (ptr non-NULL and struct_size covers the whole member). AH_STRUCT_END is the size a
 * struct needs to hold `member`.
 */
#define AH_STRUCT_END(type, member) (offsetof(type, member) + sizeof(((type*)0)->member))
#define AH_STRUCT_HAS(type, ptr, member) \
    ((ptr) != NULL && (size_t)(ptr)->struct_size >= AH_STRUCT_END(type, member))

/* Result of a plugin function. Values are stable; new ones may be appended. (1.0) */
typedef enum ah_status {
    AH_OK = 0,            /* done */
    AH_ERROR = 1,         /* failed; see last_error() */
    AH_CANCELLED = 2,     /* stopped because the host asked (cancelled() or emit said stop) */
    AH_INVALID_CONFIG = 3 /* configure(): the config is unusable; see last_error() */
} ah_status;

/* Log levels for ah_host_api.log. (1.0) */
typedef enum ah_log_level {
    AH_LOG_TRACE = 0,
    AH_LOG_DEBUG = 1,
    AH_LOG_INFO = 2,
    AH_LOG_WARN = 3,
    AH_LOG_ERROR = 4
} ah_log_level;

/* Outcome of one "Test connector" check. (1.0) */
typedef enum ah_check_status {
    AH_CHECK_OK = 0,
    AH_CHECK_WARN = 1,
    AH_CHECK_FAIL = 2
} ah_check_status;

/* What emit()/checkpoint() tell the plugin. (1.0) */
typedef enum ah_emit_result {
    AH_EMIT_CONTINUE = 0, /* keep going */
    AH_EMIT_STOP = 1      /* the host wants the cycle to end: return AH_CANCELLED promptly */
} ah_emit_result;

/*
 * Why the host wants the current call to stop (ah_host_api.stop_reason, ABI 1.1). Values are
 * stable; new ones may be appended: treat a value you do not know like AH_STOP_SHUTDOWN (stop,
 * return AH_CANCELLED). Whatever the reason, the plugin's answer is the same — return
 * AH_CANCELLED promptly; the reason is for its logs and for what it tells the user.
 */
typedef enum ah_stop_reason {
    /* Nothing asked the call to stop (or the host does not say why). */
    AH_STOP_NONE = 0,
    /* The host is stopping this connector: the process got SIGTERM/SIGINT. What was
     * acknowledged is checkpointed; the next cycle resumes from the last stored marker. */
    AH_STOP_SHUTDOWN = 1,
    /* Records can no longer be delivered: the destination refused a batch, retries ran out or
     * a checkpoint could not be saved (for `fetch --output`: the output could not be written).
     * Records emitted from now on would be lost, so the cycle ends; the host reports the
     * failure itself. */
    AH_STOP_DELIVERY_FAILED = 2,
    /* The cycle exceeded its time limit (the connector's limits.cycle_timeout). */
    AH_STOP_CYCLE_TIMEOUT = 3,
    /* emit() or checkpoint() was called outside fetch() (a plugin bug; the call was ignored). */
    AH_STOP_NOT_IN_FETCH = 4,
    /* The host failed to take the record or marker (e.g. out of memory). */
    AH_STOP_HOST_ERROR = 5
} ah_stop_reason;

/* What an ah_statistic does to its series (ABI 1.1). Values stable; new ones may be appended. */
typedef enum ah_stat_kind {
    /* Add value (finite, >= 0) to a counter. The name must end in "_total". Counters start at 0
     * and only grow for the life of the plugin instance. */
    AH_STAT_COUNTER_ADD = 0,
    /* Set a gauge to value (finite). The name must not end in "_total". */
    AH_STAT_GAUGE_SET = 1
} ah_stat_kind;

/* One label of a statistic: name="value". Both NUL-terminated. (1.1) */
typedef struct ah_label {
    const char* name;  /* [a-z_][a-z0-9_]*, at most AH_STAT_MAX_NAME bytes, not starting "__",
                        * not "connector" or "plugin" (the host adds those) */
    const char* value; /* printable ASCII (0x20..0x7E), at most AH_STAT_MAX_LABEL_VALUE bytes */
} ah_label;

/*
 * A statistic: one counter increment or gauge value, reported through ah_host_api.statistic
 * (ABI 1.1). APPEND-ONLY; the host reads no member beyond struct_size and needs at least `value`.
 *
 * A series is a name plus its set of labels (order does not matter). Names follow the Prometheus
 * conventions: snake_case, base units (seconds, bytes), counters end in "_total", e.g.
 * "requests_total" {status="429"}, "rate_limit_remaining", "rate_limit_wait_seconds_total".
 * The host, per plugin instance (= per connector):
 *   - validates every call: name [a-z_][a-z0-9_]* of at most AH_STAT_MAX_NAME bytes, not
 *     starting "__"; counters end in "_total" and gauges do not (so a name has one kind); a
 *     finite value (>= 0 for counters); at most AH_STAT_MAX_LABELS labels, valid as described
 *     at ah_label, no label name twice; the well-known names below in their shape; at most
 *     AH_STAT_MAX_SERIES distinct series. A call that breaks a rule is refused: nothing is
 *     recorded, a warning naming the rule is logged once per statistic name (for the first 32
 *     names), the plugin is never stopped;
 *   - copies what it keeps (no pointer is kept after the call) and keeps the latest value of
 *     every series for the life of the instance. Where the host exports metrics, it adds its
 *     own name prefix and the labels connector="<manifest name>" and plugin="<plugin id>" (a
 *     plugin never sets those);
 *   - reads the well-known names below for its cycle summary line.
 * Statistics are cheap but not free (validation, a lock, a map lookup): report them per page
 * or per request, not per record.
 */
typedef struct ah_statistic {
    uint32_t struct_size;   /* sizeof(ah_statistic) as the plugin knows it (1.1) */
    ah_stat_kind kind;      /* (1.1) */
    const char* name;       /* NUL-terminated (1.1) */
    const ah_label* labels; /* label_count labels, or NULL when label_count is 0 (1.1) */
    size_t label_count;     /* (1.1) */
    double value;           /* (1.1) */
} ah_statistic;

/* Limits the host enforces on statistics (ABI 1.1). */
#define AH_STAT_MAX_NAME 64         /* bytes of a statistic or label name */
#define AH_STAT_MAX_LABELS 8        /* labels per statistic */
#define AH_STAT_MAX_LABEL_VALUE 128 /* bytes of a label value */
#define AH_STAT_MAX_SERIES 256      /* distinct series per plugin instance */

/*
 * Well-known statistics: the host's cycle summary line (mode=... skipped=...) shows them.
 *
 * AH_STAT_RECORDS_SKIPPED (counter, no labels): records the plugin dropped, e.g. source items
 *   too malformed to map. The summary's skipped= is the sum of what fetch() added during the
 *   cycle (add 0 to say "none": without any add the summary shows "-"), plus the records the
 *   host refused (not JSON objects).
 * AH_STAT_CYCLE_MODE (gauge, one label AH_STAT_CYCLE_MODE_LABEL): set to 1 with the label naming
 *   the kind of cycle running, e.g. cycle_mode{mode="full"} or {mode="incremental"}. The
 *   summary's mode= is the label of the last such gauge set to a non-zero value during fetch()
 *   (a word of [A-Za-z0-9_-], at most 32 bytes; anything else shows "-"). It is a state set:
 *   when one mode is set to a non-zero value, the host sets the instance's other cycle_mode
 *   series to 0, so exactly one mode reads 1.
 *
 * Legacy (ABI 1.0 plugins only): a 1.0 plugin has no statistic(). For it alone, the host reads
 * two optional keys of the LAST checkpoint marker of the cycle when it is a JSON object:
 * "mode" (the summary's mode=) and "skipped" (a non-negative integer, the plugin's part of
 * skipped=). For plugins of ABI 1.1 and later the host never looks inside markers.
 */
#define AH_STAT_RECORDS_SKIPPED "records_skipped_total"
#define AH_STAT_CYCLE_MODE "cycle_mode"
#define AH_STAT_CYCLE_MODE_LABEL "mode"

/*
 * Functions the host offers to a plugin instance. APPEND-ONLY: new members go at the end and
 * bump AH_ABI_MINOR. Before calling a member added after ABI 1.0, check
 * AH_STRUCT_HAS(ah_host_api, api, member). Every function receives the host_ctx given to
 * configure(). The host never calls back into the plugin from these functions.
 */
typedef struct ah_host_api {
    uint32_t struct_size; /* sizeof(ah_host_api) as the host knows it (1.0) */

    /* Log one message (UTF-8, not NUL-terminated: len bytes) to the connector's log, with the
     * connector's name. Secrets are masked by the host, but never pass them. (1.0) */
    void (*log)(void* host_ctx, ah_log_level level, const char* msg, size_t len);

    /* Hand one record (a JSON object, len bytes) to the host. May BLOCK while the host's
     * queue is full (back-pressure). Returns AH_EMIT_STOP when the cycle must end; the plugin
     * then returns AH_CANCELLED promptly (stop_reason() says why). Only during fetch(). (1.0) */
    ah_emit_result (*emit)(void* host_ctx, const char* record_json, size_t len);

    /* Hand a checkpoint marker (a JSON value, len bytes) to the host. It covers every record
     * emitted before it: once they are all acknowledged, the host stores the marker and gives
     * it back to the next fetch(), which must resume AFTER those records (resuming a little
     * before them is fine: delivery is at-least-once). Returns AH_EMIT_STOP when the cycle must
     * end. Only during fetch(). (1.0) */
    ah_emit_result (*checkpoint)(void* host_ctx, const char* marker_json, size_t len);

    /* Non-zero once the host wants the current call to stop (SIGTERM, Ctrl-C, shutdown).
     * Long waits (rate limits, back-off) must poll it and return AH_CANCELLED. (1.0) */
    int (*cancelled)(void* host_ctx);

    /* Report one statistic (see ah_statistic). Never blocks on I/O, never fails the call:
     * invalid statistics are refused and logged by the host. `stat` is borrowed. (1.1) */
    void (*statistic)(void* host_ctx, const ah_statistic* stat);

    /* Why the host wants the current call to stop: the reason behind the last AH_EMIT_STOP of
     * this fetch(), else AH_STOP_SHUTDOWN once cancelled() is non-zero, else AH_STOP_NONE. (1.1) */
    ah_stop_reason (*stop_reason)(void* host_ctx);
} ah_host_api;

/* One check result, given to the report callback of test(). All strings UTF-8, NUL-terminated,
 * borrowed for the duration of the callback; detail and remedy may be NULL. (1.0) */
typedef struct ah_check {
    const char* name; /* short stable name, e.g. "reachability" */
    ah_check_status status;
    const char* detail; /* what was observed */
    const char* remedy; /* what to do about it (for warn/fail) */
} ah_check;

typedef void (*ah_report_fn)(void* report_ctx, const ah_check* check);

/* Flags for ah_fetch_options.flags. (1.0) */
#define AH_FETCH_FULL 0x1u /* the user asked for a full sync, whatever the checkpoint says */

/* Arguments of one fetch cycle, borrowed for the call. APPEND-ONLY like ah_host_api. */
typedef struct ah_fetch_options {
    uint32_t struct_size;        /* sizeof(ah_fetch_options) as the host knows it (1.0) */
    uint32_t flags;              /* AH_FETCH_* (1.0) */
    const char* checkpoint_json; /* last stored marker, or NULL when there is none (1.0) */
    size_t checkpoint_len;       /* (1.0) */
} ah_fetch_options;

typedef struct ah_instance ah_instance; /* opaque, owned by the plugin */

/*
 * What a plugin is and what it can do. Returned by the entry function; lives in static storage.
 * APPEND-ONLY. The host reads no member beyond struct_size. Every member is ABI 1.0.
 */
typedef struct ah_plugin_descriptor {
    uint32_t struct_size; /* sizeof(ah_plugin_descriptor) as the plugin was built (1.0) */
    uint16_t abi_major;   /* AH_ABI_MAJOR the plugin was built with (1.0) */
    uint16_t abi_minor;   /* AH_ABI_MINOR the plugin was built with (1.0) */

    const char* id;          /* stable plugin id, [a-z0-9_]+, e.g. "okta_device" (1.0) */
    const char* version;     /* plugin version, semver, e.g. "1.2.0" (1.0) */
    const char* description; /* one line for humans (1.0) */
    const char* record_type; /* what emit() produces, e.g. "ocsf/5001" (1.0) */

    /* JSON Schema (draft-07) of the config object. Properties holding secrets carry
     * "x-secret": true; the host never prints their values. (1.0) */
    const char* config_schema;

    /* Create an instance from a config (JSON object, len bytes). ALWAYS stores an instance in
     * *out (unless memory is exhausted) so that on failure the host can read last_error() before
     * calling destroy(). host_api and host_ctx stay valid until destroy(). (1.0) */
    ah_status (*configure)(const char* config_json, size_t len, const ah_host_api* host_api,
                           void* host_ctx, ah_instance** out);

    /* "Test connector": run the connection checks, calling report once per check, in order.
     * Returns AH_OK when the checks ran (whatever their outcome), AH_CANCELLED or AH_ERROR.
     * (1.0) */
    ah_status (*test)(ah_instance* instance, ah_report_fn report, void* report_ctx);

    /* One fetch cycle: stream records with emit() and markers with checkpoint().
     * Returns AH_OK (cycle complete), AH_CANCELLED, or AH_ERROR (see last_error()). (1.0) */
    ah_status (*fetch)(ah_instance* instance, const ah_fetch_options* options);

    /* Free the instance. NULL is allowed. (1.0) */
    void (*destroy)(ah_instance* instance);

    /* Message for the last failure on this instance, or "" if none. Never NULL. (1.0) */
    const char* (*last_error)(const ah_instance* instance);
} ah_plugin_descriptor;

/* The smallest descriptor the host accepts: ABI 1.0 ends with last_error. */
#define AH_DESCRIPTOR_MIN_SIZE AH_STRUCT_END(ah_plugin_descriptor, last_error)

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
