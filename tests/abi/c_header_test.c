/*
 * Compiles asset_host/plugin_abi.h as C99 with -Wall -Wextra -Werror -pedantic, and checks the
 * layout a C compiler gives the ABI structs (LP64). abi_layout_test.cpp checks the same numbers
 * with the C++ compiler: both sides of the ABI agree byte for byte.
 */
#include <asset_host/plugin_abi.h>

#include <stddef.h>
#include <stdio.h>

static int failures = 0;

static void expect(const char* what, size_t got, size_t want) {
    if (got != want) {
        fprintf(stderr, "FAIL %s: got %lu, want %lu\n", what, (unsigned long)got,
                (unsigned long)want);
        ++failures;
    }
}

int main(void) {
    if (sizeof(void*) != 8) {
        printf("skipped: expected values are for LP64 targets\n");
        return 0;
    }
    expect("sizeof(ah_plugin_descriptor)", sizeof(ah_plugin_descriptor), 88);
    expect("offsetof(descriptor, abi_major)", offsetof(ah_plugin_descriptor, abi_major), 4);
    expect("offsetof(descriptor, abi_minor)", offsetof(ah_plugin_descriptor, abi_minor), 6);
    expect("offsetof(descriptor, id)", offsetof(ah_plugin_descriptor, id), 8);
    expect("offsetof(descriptor, config_schema)", offsetof(ah_plugin_descriptor, config_schema),
           40);
    expect("offsetof(descriptor, configure)", offsetof(ah_plugin_descriptor, configure), 48);
    expect("offsetof(descriptor, last_error)", offsetof(ah_plugin_descriptor, last_error), 80);
    expect("AH_DESCRIPTOR_MIN_SIZE", AH_DESCRIPTOR_MIN_SIZE, 88);
    expect("end of ABI 1.0's ah_host_api", AH_STRUCT_END(ah_host_api, cancelled), 40);
    expect("offsetof(ah_host_api, log)", offsetof(ah_host_api, log), 8);
    expect("offsetof(ah_host_api, cancelled)", offsetof(ah_host_api, cancelled), 32);
    expect("offsetof(ah_host_api, statistic)", offsetof(ah_host_api, statistic), 40);
    expect("offsetof(ah_host_api, stop_reason)", offsetof(ah_host_api, stop_reason), 48);
    expect("sizeof(ah_host_api)", sizeof(ah_host_api), 56);
    expect("sizeof(ah_statistic)", sizeof(ah_statistic), 40);
    expect("offsetof(ah_statistic, name)", offsetof(ah_statistic, name), 8);
    expect("offsetof(ah_statistic, value)", offsetof(ah_statistic, value), 32);
    expect("sizeof(ah_label)", sizeof(ah_label), 16);
    expect("sizeof(ah_fetch_options)", sizeof(ah_fetch_options), 24);
    expect("offsetof(ah_fetch_options, checkpoint_json)",
           offsetof(ah_fetch_options, checkpoint_json), 8);
    expect("sizeof(ah_check)", sizeof(ah_check), 32);
    expect("offsetof(ah_check, detail)", offsetof(ah_check, detail), 16);
    expect("sizeof(ah_status)", sizeof(ah_status), 4);
    expect("AH_EMIT_STOP", AH_EMIT_STOP, 1);
    expect("AH_CANCELLED", AH_CANCELLED, 2);
    expect("AH_STOP_DELIVERY_FAILED", AH_STOP_DELIVERY_FAILED, 2);
    expect("AH_STOP_HOST_ERROR", AH_STOP_HOST_ERROR, 5);
    expect("AH_STAT_GAUGE_SET", AH_STAT_GAUGE_SET, 1);
    expect("sizeof(ah_stop_reason)", sizeof(ah_stop_reason), 4);
    {
        /* AH_STRUCT_HAS in C: a 1.0-sized table does not reach the 1.1 members. */
        ah_host_api old_table;
        const ah_host_api* table = &old_table;
        old_table.struct_size = (uint32_t)AH_STRUCT_END(ah_host_api, cancelled);
        expect("1.0 table has cancelled", AH_STRUCT_HAS(ah_host_api, table, cancelled), 1);
        expect("1.0 table has statistic", AH_STRUCT_HAS(ah_host_api, table, statistic), 0);
        table = NULL;
        expect("NULL has cancelled", AH_STRUCT_HAS(ah_host_api, table, cancelled), 0);
    }
    if (failures == 0) printf("plugin_abi.h compiles as C99; layout as expected\n");
    return failures == 0 ? 0 : 1;
}
