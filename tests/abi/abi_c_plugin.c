/*
 * A plugin written in plain C99 against asset_host/plugin_abi.h alone: proves the ABI needs no
 * C++ on the plugin side. One source, built twice (tests/abi/CMakeLists.txt):
 *   abi_c.so     against this tree's header (ABI 1.1): it reports its cycle's mode and skipped
 *                records as statistics, counts records in a statistic of its own, and reads the
 *                reason of a stop (counted as c_stops_total{reason=...});
 *   abi_c_1_0.so against the ABI 1.0 header as it was released (abi_1_0/): a plugin built
 *                before 1.1, which puts its summary hints ("mode", "skipped") in its markers.
 * It emits `records` (default 3) tiny records, a checkpoint marker {"next": n, ...} after each,
 * and honours cancelled() and AH_EMIT_STOP. Config: records, and skipped (how many records it
 * claims to have dropped, for the cycle summary).
 */
#include <asset_host/plugin_abi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef C_PLUGIN_ID
#define C_PLUGIN_ID "abi_c"
#endif

static const char kSchema[] =
    "{\"type\":\"object\",\"additionalProperties\":false,"
    "\"properties\":{\"records\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000},"
    "\"skipped\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000}}}";

struct ah_instance {
    const ah_host_api* api;
    void* ctx;
    long records;
    long skipped;
    char error[128];
};

/* Finds "<key>": <int> in the config; the host has validated the config already. */
static long parse_int(const char* json, size_t len, const char* key, long fallback) {
    char buf[256];
    char pattern[32];
    const char* at;
    size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
    memcpy(buf, json, n);
    buf[n] = '\0';
    sprintf(pattern, "\"%s\":", key);
    at = strstr(buf, pattern);
    if (!at) return fallback;
    return strtol(at + strlen(pattern), NULL, 10);
}

static ah_status c_configure(const char* config_json, size_t len, const ah_host_api* host_api,
                             void* host_ctx, ah_instance** out) {
    static const char kMsg[] = "C plugin configured";
    const char* json = config_json ? config_json : "";
    size_t json_len = config_json ? len : 0;
    ah_instance* inst = (ah_instance*)calloc(1, sizeof *inst);
    *out = inst;
    if (!inst) return AH_ERROR;
    inst->api = host_api;
    inst->ctx = host_ctx;
    inst->records = parse_int(json, json_len, "records", 3);
    inst->skipped = parse_int(json, json_len, "skipped", 0);
    host_api->log(host_ctx, AH_LOG_INFO, kMsg, sizeof kMsg - 1);
    return AH_OK;
}

static ah_status c_test(ah_instance* inst, ah_report_fn report, void* report_ctx) {
    ah_check check;
    (void)inst;
    check.name = "c_plugin";
    check.status = AH_CHECK_OK;
    check.detail = "plain C plugin answers";
    check.remedy = NULL;
    report(report_ctx, &check);
    return AH_OK;
}

#if AH_ABI_MINOR >= 1
/* statistic() is ABI 1.1: a host that does not offer it (struct_size) simply gets none. */
static void report_stat(ah_instance* inst, ah_stat_kind kind, const char* name, double value,
                        const ah_label* labels, size_t label_count) {
    ah_statistic stat;
    if (!AH_STRUCT_HAS(ah_host_api, inst->api, statistic) || !inst->api->statistic) return;
    stat.struct_size = sizeof stat;
    stat.kind = kind;
    stat.name = name;
    stat.labels = labels;
    stat.label_count = label_count;
    stat.value = value;
    inst->api->statistic(inst->ctx, &stat);
}

static const char* reason_label(ah_stop_reason reason) {
    switch (reason) {
        case AH_STOP_NONE:
            return "none";
        case AH_STOP_SHUTDOWN:
            return "shutdown";
        case AH_STOP_DELIVERY_FAILED:
            return "delivery_failed";
        default:
            return "other";
    }
}
#endif

/* The host said stop: say why (ABI 1.1), then return AH_CANCELLED. */
static ah_status stopped(ah_instance* inst) {
#if AH_ABI_MINOR >= 1
    ah_stop_reason reason = AH_STOP_NONE;
    ah_label label;
    if (AH_STRUCT_HAS(ah_host_api, inst->api, stop_reason) && inst->api->stop_reason) {
        reason = inst->api->stop_reason(inst->ctx);
    }
    label.name = "reason";
    label.value = reason_label(reason);
    report_stat(inst, AH_STAT_COUNTER_ADD, "c_stops_total", 1, &label, 1);
#else
    (void)inst;
#endif
    return AH_CANCELLED;
}

/* After record i (0-based) of the cycle: the marker, and what the cycle summary shows. */
static ah_emit_result mark(ah_instance* inst, long i) {
    char marker[96];
    const int last = i + 1 == inst->records;
    int n;
#if AH_ABI_MINOR >= 1
    ah_label mode;
    mode.name = AH_STAT_CYCLE_MODE_LABEL;
    mode.value = "full";
    report_stat(inst, AH_STAT_GAUGE_SET, AH_STAT_CYCLE_MODE, 1, &mode, 1);
    report_stat(inst, AH_STAT_COUNTER_ADD, AH_STAT_RECORDS_SKIPPED, last ? inst->skipped : 0, NULL,
                0);
    report_stat(inst, AH_STAT_COUNTER_ADD, "c_records_total", 1, NULL, 0);
    n = snprintf(marker, sizeof marker, "{\"next\":%ld}", i + 1);
#else
    n = snprintf(marker, sizeof marker, "{\"next\":%ld,\"mode\":\"full\",\"skipped\":%ld}", i + 1,
                 last ? inst->skipped : 0);
#endif
    return inst->api->checkpoint(inst->ctx, marker, (size_t)n);
}

static ah_status c_fetch(ah_instance* inst, const ah_fetch_options* options) {
    long i;
    char record[128];
    (void)options;
    for (i = 0; i < inst->records; ++i) {
        int n;
        if (inst->api->cancelled(inst->ctx)) return stopped(inst);
        n = snprintf(record, sizeof record, "{\"uid\":\"c-%ld\",\"lang\":\"C\"}", i);
        if (inst->api->emit(inst->ctx, record, (size_t)n) == AH_EMIT_STOP) return stopped(inst);
        if (mark(inst, i) == AH_EMIT_STOP) return stopped(inst);
    }
    return AH_OK;
}

static void c_destroy(ah_instance* inst) {
    free(inst);
}

static const char* c_last_error(const ah_instance* inst) {
    return inst ? inst->error : "no instance";
}

static const ah_plugin_descriptor kDescriptor = {sizeof(ah_plugin_descriptor),
                                                 AH_ABI_MAJOR,
                                                 AH_ABI_MINOR,
                                                 C_PLUGIN_ID,
                                                 "0.1.0",
                                                 "A plugin in plain C (ABI test)",
                                                 "test/c",
                                                 kSchema,
                                                 c_configure,
                                                 c_test,
                                                 c_fetch,
                                                 c_destroy,
                                                 c_last_error};

AH_PLUGIN_EXPORT const ah_plugin_descriptor* asset_host_plugin_entry(uint16_t host_major,
                                                                     uint16_t host_minor) {
    (void)host_major;
    (void)host_minor;
    return &kDescriptor;
}
