/*
 * A test plugin that misbehaves on request, to prove that process isolation contains it
 * (tests/integration/isolation). Plain C against asset_host/plugin_abi.h alone.
 *
 * It emits `records` (default 4) records {"uid":"m-<i>","n":<i>}, each followed by a marker
 * {"next":<i+1>}. After `after` records (default 2) and their markers, in the call named by
 * `during` (fetch, the default; test; configure), it does what `misbehave` says:
 *   none            nothing: a well-behaved plugin
 *   segfault        writes through a NULL pointer (SIGSEGV)
 *   abort           abort() (SIGABRT)
 *   exit0           exit(0) in the middle of the call, without returning
 *   hang            sleeps forever, ignoring cancelled() and stop
 *   leak            allocates and touches 16 MiB blocks without bound; a failed malloc is
 *                   dereferenced, as careless code does
 *   foreign_thread  emit(), checkpoint() and statistic() from a thread of its own, then goes on
 *   invalid_json    emits a record that is not JSON, then goes on
 *   garbage         writes bytes that are no frame to descriptor 3 (a worker's channel to its
 *                   host), then goes on
 *   environ         first emits one record holding its environment and command line (to check
 *                   that no secret reached them), then goes on
 * `secret` is a pretend credential (x-secret): never used, only there to be looked for.
 */
#include <asset_host/plugin_abi.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char** environ;

static const char kSchema[] =
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"records\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100000},"
    "\"after\":{\"type\":\"integer\",\"minimum\":0},"
    "\"misbehave\":{\"enum\":[\"none\",\"segfault\",\"abort\",\"exit0\",\"hang\",\"leak\","
    "\"foreign_thread\",\"invalid_json\",\"garbage\",\"environ\"]},"
    "\"during\":{\"enum\":[\"fetch\",\"test\",\"configure\"]},"
    "\"secret\":{\"type\":\"string\",\"x-secret\":true}}}";

struct ah_instance {
    const ah_host_api* api;
    void* ctx;
    long records;
    long after;
    char misbehave[32];
    char during[16];
    char error[128];
};

/* The value of "<key>": in the config (validated by the host): an integer or a short string. */
static const char* find_key(const char* json, const char* key) {
    char pattern[48];
    const char* at;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    at = strstr(json, pattern);
    return at ? at + strlen(pattern) : NULL;
}

static long int_of(const char* json, const char* key, long fallback) {
    const char* v = find_key(json, key);
    return v ? strtol(v, NULL, 10) : fallback;
}

static void string_of(const char* json, const char* key, char* out, size_t size,
                      const char* fallback) {
    const char* v = find_key(json, key);
    size_t n = 0;
    if (!v || *v != '"') {
        snprintf(out, size, "%s", fallback);
        return;
    }
    ++v;
    while (v[n] && v[n] != '"' && n + 1 < size) {
        out[n] = v[n];
        ++n;
    }
    out[n] = '\0';
}

static int is(const ah_instance* inst, const char* what) {
    return strcmp(inst->misbehave, what) == 0;
}

static void* emit_from_thread(void* arg) {
    ah_instance* inst = (ah_instance*)arg;
    static const char kRecord[] = "{\"uid\":\"from-thread\"}";
    static const char kMarker[] = "{\"next\":999}";
    ah_statistic stat;
    inst->api->emit(inst->ctx, kRecord, sizeof kRecord - 1);
    inst->api->checkpoint(inst->ctx, kMarker, sizeof kMarker - 1);
    if (AH_STRUCT_HAS(ah_host_api, inst->api, statistic) && inst->api->statistic) {
        memset(&stat, 0, sizeof stat);
        stat.struct_size = sizeof stat;
        stat.kind = AH_STAT_COUNTER_ADD;
        stat.name = "thread_calls_total";
        stat.value = 1;
        inst->api->statistic(inst->ctx, &stat);
    }
    return NULL;
}

/* Every block is chained to the previous one from a volatile root, so none can be optimised
 * away. */
static void* volatile g_leaked;

/* Not instrumented by UBSan: the NULL write below is the point (a sanitizer build of the suite
 * must see the worker die of SIGSEGV, not exit 1 with a report). */
__attribute__((no_sanitize("undefined"))) static void leak(void) {
    for (;;) {
        char* block = (char*)malloc(16u << 20);
        memset(block, 1, 16u << 20); /* NULL once the memory runs out: SIGSEGV */
        memcpy(block, (const void*)&g_leaked, sizeof(void*));
        g_leaked = block;
    }
}

/* The misbehaviours that never return. Not instrumented by UBSan, as leak(): the NULL store is
 * the segfault asked for. */
__attribute__((no_sanitize("undefined"))) static void misbehave_fatally(const ah_instance* inst) {
    if (is(inst, "segfault")) {
        volatile int* nowhere = NULL;
        *nowhere = 1;
    }
    if (is(inst, "abort")) abort();
    if (is(inst, "exit0")) exit(0);
    if (is(inst, "leak")) leak();
    if (is(inst, "hang")) {
        for (;;) sleep(1);
    }
}

/* Misbehaves now; 0 when the call goes on, else its status. */
static ah_status misbehave(ah_instance* inst) {
    static const char kGarbage[] = "\x7f\x7f not a frame, not at all \x7f\x7f";
    static const char kBadRecord[] = "{\"uid\": not json";
    misbehave_fatally(inst);
    if (is(inst, "foreign_thread")) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, emit_from_thread, inst) != 0) return AH_ERROR;
        pthread_join(thread, NULL);
    } else if (is(inst, "invalid_json")) {
        inst->api->emit(inst->ctx, kBadRecord, sizeof kBadRecord - 1);
    } else if (is(inst, "garbage")) {
        if (write(3, kGarbage, sizeof kGarbage - 1) < 0) return AH_ERROR;
    }
    return AH_OK;
}

/* One record: its environment and command line, characters that would need escaping as '?'. */
static ah_emit_result emit_environment(ah_instance* inst) {
    static char record[1 << 16];
    size_t n = 0;
    char** e;
    FILE* cmdline;
    int c;
    n += (size_t)snprintf(record, sizeof record, "{\"uid\":\"environ\",\"environ\":\"");
    for (e = environ; *e && n < sizeof record - 1024; ++e) {
        const char* p;
        for (p = *e; *p && n < sizeof record - 1024; ++p) {
            record[n++] = (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) ? '?' : *p;
        }
        record[n++] = ';';
    }
    n += (size_t)snprintf(record + n, sizeof record - n, "\",\"argv\":\"");
    cmdline = fopen("/proc/self/cmdline", "r");
    while (cmdline && (c = fgetc(cmdline)) != EOF && n < sizeof record - 16) {
        record[n++] = (c == '"' || c == '\\' || c < 0x20) ? ' ' : (char)c;
    }
    if (cmdline) fclose(cmdline);
    n += (size_t)snprintf(record + n, sizeof record - n, "\"}");
    return inst->api->emit(inst->ctx, record, n);
}

static ah_status m_configure(const char* config_json, size_t len, const ah_host_api* host_api,
                             void* host_ctx, ah_instance** out) {
    char json[1024];
    size_t n = len < sizeof json - 1 ? len : sizeof json - 1;
    ah_instance* inst = (ah_instance*)calloc(1, sizeof *inst);
    *out = inst;
    if (!inst) return AH_ERROR;
    memcpy(json, config_json ? config_json : "", config_json ? n : 0);
    json[config_json ? n : 0] = '\0';
    inst->api = host_api;
    inst->ctx = host_ctx;
    inst->records = int_of(json, "records", 4);
    inst->after = int_of(json, "after", 2);
    string_of(json, "misbehave", inst->misbehave, sizeof inst->misbehave, "none");
    string_of(json, "during", inst->during, sizeof inst->during, "fetch");
    if (strcmp(inst->during, "configure") == 0) return misbehave(inst);
    return AH_OK;
}

static ah_status m_test(ah_instance* inst, ah_report_fn report, void* report_ctx) {
    ah_check check;
    check.name = "misbehaving";
    check.status = AH_CHECK_OK;
    check.detail = "answers";
    check.remedy = NULL;
    if (strcmp(inst->during, "test") == 0 && misbehave(inst) != AH_OK) return AH_ERROR;
    report(report_ctx, &check);
    return AH_OK;
}

static ah_status m_fetch(ah_instance* inst, const ah_fetch_options* options) {
    long i;
    char text[64];
    const int here = strcmp(inst->during, "fetch") == 0;
    (void)options;
    if (here && is(inst, "environ") && emit_environment(inst) == AH_EMIT_STOP) return AH_CANCELLED;
    for (i = 0; i < inst->records; ++i) {
        int n;
        if (here && i == inst->after && misbehave(inst) != AH_OK) return AH_ERROR;
        if (inst->api->cancelled(inst->ctx)) return AH_CANCELLED;
        n = snprintf(text, sizeof text, "{\"uid\":\"m-%ld\",\"n\":%ld}", i, i);
        if (inst->api->emit(inst->ctx, text, (size_t)n) == AH_EMIT_STOP) return AH_CANCELLED;
        n = snprintf(text, sizeof text, "{\"next\":%ld}", i + 1);
        if (inst->api->checkpoint(inst->ctx, text, (size_t)n) == AH_EMIT_STOP) return AH_CANCELLED;
    }
    if (here && i == inst->after && misbehave(inst) != AH_OK) return AH_ERROR;
    return AH_OK;
}

static void m_destroy(ah_instance* inst) {
    free(inst);
}

static const char* m_last_error(const ah_instance* inst) {
    return inst ? inst->error : "no instance";
}

static const ah_plugin_descriptor kDescriptor = {sizeof(ah_plugin_descriptor),
                                                 AH_ABI_MAJOR,
                                                 AH_ABI_MINOR,
                                                 "misbehaving",
                                                 "0.1.0",
                                                 "A plugin that crashes, hangs or leaks on request",
                                                 "test/misbehaving",
                                                 kSchema,
                                                 m_configure,
                                                 m_test,
                                                 m_fetch,
                                                 m_destroy,
                                                 m_last_error};

AH_PLUGIN_EXPORT const ah_plugin_descriptor* asset_host_plugin_entry(uint16_t host_major,
                                                                     uint16_t host_minor) {
    (void)host_major;
    (void)host_minor;
    return &kDescriptor;
}
