/*
 * A plugin written in plain C99 against asset_host/plugin_abi.h alone: proves the ABI needs no
 * C++ on the plugin side. It emits `records` (default 3) tiny records, a checkpoint marker
 * {"next": n} after each, and honours cancelled() and AH_EMIT_STOP.
 */
#include <asset_host/plugin_abi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char kSchema[] =
    "{\"type\":\"object\",\"additionalProperties\":false,"
    "\"properties\":{\"records\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000}}}";

struct ah_instance {
    const ah_host_api* api;
    void* ctx;
    long records;
    char error[128];
};

/* Finds "records": <int> in the config; the host has validated the config already. */
static long parse_records(const char* json, size_t len) {
    char buf[256];
    const char* key;
    size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
    memcpy(buf, json, n);
    buf[n] = '\0';
    key = strstr(buf, "\"records\":");
    if (!key) return 3;
    return strtol(key + strlen("\"records\":"), NULL, 10);
}

static ah_status c_configure(const char* config_json, size_t len, const ah_host_api* host_api,
                             void* host_ctx, ah_instance** out) {
    static const char kMsg[] = "C plugin configured";
    ah_instance* inst = (ah_instance*)calloc(1, sizeof *inst);
    *out = inst;
    if (!inst) return AH_ERROR;
    inst->api = host_api;
    inst->ctx = host_ctx;
    inst->records = parse_records(config_json ? config_json : "", config_json ? len : 0);
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

static ah_status c_fetch(ah_instance* inst, const ah_fetch_options* options) {
    long i;
    char record[128];
    char marker[64];
    (void)options;
    for (i = 0; i < inst->records; ++i) {
        int n;
        if (inst->api->cancelled(inst->ctx)) return AH_CANCELLED;
        n = snprintf(record, sizeof record, "{\"uid\":\"c-%ld\",\"lang\":\"C\"}", i);
        if (inst->api->emit(inst->ctx, record, (size_t)n) == AH_EMIT_STOP) return AH_CANCELLED;
        n = snprintf(marker, sizeof marker, "{\"next\":%ld}", i + 1);
        if (inst->api->checkpoint(inst->ctx, marker, (size_t)n) == AH_EMIT_STOP)
            return AH_CANCELLED;
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
                                                 "abi_c",
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
