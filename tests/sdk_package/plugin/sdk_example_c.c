/* A plugin in C, built outside the asset-host tree against the installed ABI header alone:
 * `records` (default 2) tiny records, a marker after each, the summary statistics. */
#include <asset_host/plugin_abi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ah_instance {
    const ah_host_api* api;
    void* ctx;
    long records;
};

static ah_status c_configure(const char* json, size_t len, const ah_host_api* api, void* ctx,
                             ah_instance** out) {
    ah_instance* inst = (ah_instance*)calloc(1, sizeof *inst);
    const char* at = (json && len > 0) ? strstr(json, "\"records\":") : NULL;
    *out = inst;
    if (!inst) return AH_ERROR;
    inst->api = api;
    inst->ctx = ctx;
    inst->records = at ? strtol(at + strlen("\"records\":"), NULL, 10) : 2;
    return AH_OK;
}

static ah_status c_test(ah_instance* inst, ah_report_fn report, void* report_ctx) {
    ah_check check = {"source", AH_CHECK_OK, "nothing to reach", NULL};
    (void)inst;
    report(report_ctx, &check);
    return AH_OK;
}

static ah_status c_fetch(ah_instance* inst, const ah_fetch_options* options) {
    char buf[64];
    long i;
    (void)options;
    for (i = 0; i < inst->records; ++i) {
        int n = snprintf(buf, sizeof buf, "{\"uid\":\"c-%ld\"}", i);
        if (inst->api->cancelled(inst->ctx)) return AH_CANCELLED;
        if (inst->api->emit(inst->ctx, buf, (size_t)n) == AH_EMIT_STOP) return AH_CANCELLED;
        n = snprintf(buf, sizeof buf, "{\"next\":%ld}", i + 1);
        if (inst->api->checkpoint(inst->ctx, buf, (size_t)n) == AH_EMIT_STOP) return AH_CANCELLED;
    }
    if (AH_STRUCT_HAS(ah_host_api, inst->api, statistic) && inst->api->statistic) {
        ah_statistic skipped = {
            sizeof(ah_statistic), AH_STAT_COUNTER_ADD, AH_STAT_RECORDS_SKIPPED, NULL, 0, 0.0};
        inst->api->statistic(inst->ctx, &skipped);
    }
    return AH_OK;
}

static void c_destroy(ah_instance* inst) {
    free(inst);
}

static const char* c_last_error(const ah_instance* inst) {
    (void)inst;
    return "";
}

static const ah_plugin_descriptor kDescriptor = {
    sizeof(ah_plugin_descriptor),
    AH_ABI_MAJOR,
    AH_ABI_MINOR,
    "sdk_example_c",
    "0.1.0",
    "A C plugin built outside the asset-host tree",
    "test/c",
    "{\"type\":\"object\",\"properties\":{\"records\":{\"type\":\"integer\",\"minimum\":0}}}",
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
