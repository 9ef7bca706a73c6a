/*
 * Plugins that lie about themselves, to test the host's refusals. One source, several builds:
 *   VARIANT_ID          plugin id
 *   VARIANT_MAJOR/MINOR the ABI version the descriptor claims (as if built with another SDK)
 *   VARIANT_STRUCT_SIZE the struct_size the descriptor claims (0: the real size)
 *   VARIANT_NULL_ENTRY  the entry returns NULL
 *   VARIANT_NO_ENTRY    export a different symbol instead of the entry point
 */
#include <asset_host/plugin_abi.h>

#include <stddef.h>

#ifndef VARIANT_STRUCT_SIZE
#define VARIANT_STRUCT_SIZE 0
#endif

static ah_status v_configure(const char* config_json, size_t len, const ah_host_api* host_api,
                             void* host_ctx, ah_instance** out) {
    (void)config_json;
    (void)len;
    (void)host_api;
    (void)host_ctx;
    *out = NULL;
    return AH_ERROR;
}
static ah_status v_test(ah_instance* i, ah_report_fn r, void* c) {
    (void)i;
    (void)r;
    (void)c;
    return AH_ERROR;
}
static ah_status v_fetch(ah_instance* i, const ah_fetch_options* o) {
    (void)i;
    (void)o;
    return AH_ERROR;
}
static void v_destroy(ah_instance* i) {
    (void)i;
}
static const char* v_last_error(const ah_instance* i) {
    (void)i;
    return "variant plugin";
}

static const ah_plugin_descriptor kDescriptor = {
    VARIANT_STRUCT_SIZE ? VARIANT_STRUCT_SIZE : sizeof(ah_plugin_descriptor),
    VARIANT_MAJOR,
    VARIANT_MINOR,
    VARIANT_ID,
    "0.0.1",
    "ABI test plugin",
    "test/none",
    "{\"type\":\"object\"}",
    v_configure,
    v_test,
    v_fetch,
    v_destroy,
    v_last_error};

#ifdef VARIANT_NO_ENTRY
AH_PLUGIN_EXPORT const ah_plugin_descriptor* not_the_entry_point(void) {
    return &kDescriptor;
}
#else
AH_PLUGIN_EXPORT const ah_plugin_descriptor* asset_host_plugin_entry(uint16_t host_major,
                                                                     uint16_t host_minor) {
    (void)host_major;
    (void)host_minor;
#ifdef VARIANT_NULL_ENTRY
    (void)kDescriptor;
    return NULL;
#else
    return &kDescriptor;
#endif
}
#endif
