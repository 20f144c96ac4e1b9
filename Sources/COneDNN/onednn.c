// bf16 matrix products through oneDNN's matmul primitive, with oneDNN opened by dlopen.
//
// Each call rounds the spans of A and B that the batch touches to bf16 (a oneDNN reorder, so the
// rounding is oneDNN's round-to-nearest-even and runs on its threads), then runs one matmul
// primitive over the whole batch, with the strides given, accumulating in fp32. Primitives are
// created once per shape and kept in a small per-thread cache, as are the bf16 scratch buffers, so a
// training step allocates nothing after its first run. Everything is per thread: oneDNN primitives
// and our scratch are never shared between threads that multiply at the same time.

#include "electra_onednn.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __has_include(<oneapi/dnnl/dnnl.h>)
#include <oneapi/dnnl/dnnl.h>
#define ELECTRA_HAVE_ONEDNN_HEADER 1
#else
#define ELECTRA_HAVE_ONEDNN_HEADER 0
#endif

static void copy_text(char *out, long capacity, const char *text) {
    if (!out || capacity <= 0) return;
    snprintf(out, (size_t)capacity, "%s", text);
}

#if !ELECTRA_HAVE_ONEDNN_HEADER

int electra_onednn_load(char *message, long capacity) {
    copy_text(message, capacity,
              "built without oneDNN's header (install libdnnl-dev and rebuild for bf16)");
    return 0;
}
void electra_onednn_kernel(char *out, long capacity) { copy_text(out, capacity, ""); }
void electra_onednn_version(char *out, long capacity) { copy_text(out, capacity, ""); }
int electra_onednn_bf16_gemm(int ta, int tb, long m, long n, long k, float alpha, const float *a,
                             long lda, long ao, long ai, const float *b, long ldb, long bo, long bi,
                             float beta, float *c, long ldc, long co, long ci, long outer, long inner) {
    return -1;
}

#else

// The oneDNN functions used, resolved with dlsym.
#define ONEDNN_FUNCTIONS(X)                                                                        \
    X(dnnl_engine_create) X(dnnl_stream_create) X(dnnl_stream_wait)                                \
    X(dnnl_memory_desc_init_by_strides) X(dnnl_matmul_desc_init)                                   \
    X(dnnl_primitive_attr_create) X(dnnl_primitive_attr_destroy)                                   \
    X(dnnl_primitive_attr_set_output_scales) X(dnnl_primitive_attr_set_post_ops)                   \
    X(dnnl_post_ops_create) X(dnnl_post_ops_destroy) X(dnnl_post_ops_append_sum)                   \
    X(dnnl_primitive_desc_create) X(dnnl_primitive_desc_destroy) X(dnnl_primitive_desc_query)      \
    X(dnnl_reorder_primitive_desc_create) X(dnnl_primitive_create) X(dnnl_primitive_execute)       \
    X(dnnl_primitive_destroy) X(dnnl_memory_destroy)                                               \
    X(dnnl_memory_create) X(dnnl_memory_set_data_handle) X(dnnl_version)

#define DECLARE_POINTER(name) static __typeof__(&name) p_##name;
ONEDNN_FUNCTIONS(DECLARE_POINTER)

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded = 0;
static char load_message[256] = "";
static char kernel_name[128] = "";

static void load_library(void) {
    // oneDNN's threads are OpenMP's (libgomp, loaded with it). By default they spin after each
    // product, taking the cores from the element-wise kernels' threads that run next; passive
    // waiting hands them back (measured faster per pretraining update here). A policy set by the
    // user is kept.
    if (!getenv("OMP_WAIT_POLICY") && !getenv("GOMP_SPINCOUNT")) setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    void *library = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libdnnl.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(load_message, sizeof load_message,
                 "oneDNN (libdnnl.so.2) not found: install libdnnl2 (Debian) for bf16");
        return;
    }
#define RESOLVE(name)                                                                              \
    p_##name = (__typeof__(&name))dlsym(library, #name);                                           \
    if (!p_##name) {                                                                               \
        snprintf(load_message, sizeof load_message, "oneDNN lacks %s (need version 2.x)", #name);  \
        return;                                                                                    \
    }
    ONEDNN_FUNCTIONS(RESOLVE)
#undef RESOLVE
    const dnnl_version_t *version = p_dnnl_version();
    if (!version || version->major != 2) {
        snprintf(load_message, sizeof load_message, "oneDNN %d.%d found; this code needs 2.x",
                 version ? version->major : 0, version ? version->minor : 0);
        return;
    }
    loaded = 1;
}

// ---- Per-thread state: engine, stream, scratch, primitive cache ----

typedef struct {
    int transpose_a, transpose_b;
    long m, n, k, lda, ldb, ldc, a_outer, a_inner, b_outer, b_inner, c_outer, c_inner, outer, inner;
    float alpha, beta;
} gemm_key;

typedef struct {
    gemm_key key;
    dnnl_primitive_t primitive;
    dnnl_memory_t a, b, c;
    unsigned long last_use;
} gemm_entry;

typedef struct {
    long count;
    dnnl_primitive_t primitive;
    dnnl_memory_t source, destination;
    unsigned long last_use;
} reorder_entry;

enum { GEMM_CACHE = 64, REORDER_CACHE = 32 };

typedef struct {
    int ready;
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    gemm_entry gemms[GEMM_CACHE];
    int gemm_count;
    reorder_entry reorders[REORDER_CACHE];
    int reorder_count;
    unsigned long clock;
    void *scratch[2];
    long scratch_bytes[2];
} thread_state;

static _Thread_local thread_state state;

static int ensure_thread_state(void) {
    if (state.ready) return 1;
    if (p_dnnl_engine_create(&state.engine, dnnl_cpu, 0) != dnnl_success) return 0;
    if (p_dnnl_stream_create(&state.stream, state.engine, dnnl_stream_default_flags) != dnnl_success)
        return 0;
    state.ready = 1;
    return 1;
}

static void *scratch(int slot, long bytes) {
    if (state.scratch_bytes[slot] >= bytes) return state.scratch[slot];
    free(state.scratch[slot]);
    long rounded = (bytes + 4095) / 4096 * 4096;
    void *memory = NULL;
    if (posix_memalign(&memory, 64, (size_t)rounded) != 0) memory = NULL;
    state.scratch[slot] = memory;
    state.scratch_bytes[slot] = memory ? rounded : 0;
    return memory;
}

/// The slot a new cache entry goes to: the next free one, else the least recently used (the caller
/// releases what that one held). `uses` points at the first entry's `last_use`; entries are
/// `stride` bytes apart.
static int cache_slot(int *count, int capacity, const unsigned long *uses, size_t stride, int *evicted) {
    *evicted = *count == capacity;
    if (!*evicted) return (*count)++;
    int oldest = 0;
    unsigned long oldest_use = uses[0];
    for (int i = 1; i < capacity; i++) {
        unsigned long use = *(const unsigned long *)((const char *)uses + (size_t)i * stride);
        if (use < oldest_use) { oldest = i; oldest_use = use; }
    }
    return oldest;
}

static void release(dnnl_primitive_t primitive, dnnl_memory_t a, dnnl_memory_t b, dnnl_memory_t c) {
    p_dnnl_primitive_destroy(primitive);
    p_dnnl_memory_destroy(a);
    p_dnnl_memory_destroy(b);
    if (c) p_dnnl_memory_destroy(c);
}

// ---- bf16 rounding of one span (a oneDNN reorder f32 -> bf16 over `count` values) ----

static reorder_entry *reorder_for(long count) {
    state.clock++;
    for (int i = 0; i < state.reorder_count; i++) {
        if (state.reorders[i].count == count) {
            state.reorders[i].last_use = state.clock;
            return &state.reorders[i];
        }
    }
    dnnl_memory_desc_t source, destination;
    dnnl_dims_t dims = {count}, strides = {1};
    if (p_dnnl_memory_desc_init_by_strides(&source, 1, dims, dnnl_f32, strides) != dnnl_success) return NULL;
    if (p_dnnl_memory_desc_init_by_strides(&destination, 1, dims, dnnl_bf16, strides) != dnnl_success) return NULL;
    dnnl_primitive_desc_t descriptor;
    if (p_dnnl_reorder_primitive_desc_create(&descriptor, &source, state.engine, &destination,
                                             state.engine, NULL) != dnnl_success) return NULL;
    reorder_entry entry = {.count = count, .last_use = state.clock};
    dnnl_status_t status = p_dnnl_primitive_create(&entry.primitive, descriptor);
    p_dnnl_primitive_desc_destroy(descriptor);
    if (status != dnnl_success) return NULL;
    if (p_dnnl_memory_create(&entry.source, &source, state.engine, DNNL_MEMORY_NONE) != dnnl_success) return NULL;
    if (p_dnnl_memory_create(&entry.destination, &destination, state.engine, DNNL_MEMORY_NONE) != dnnl_success) return NULL;
    int evicted;
    int slot = cache_slot(&state.reorder_count, REORDER_CACHE, &state.reorders[0].last_use,
                          sizeof(reorder_entry), &evicted);
    if (evicted) {
        reorder_entry *old = &state.reorders[slot];
        release(old->primitive, old->source, old->destination, NULL);
    }
    state.reorders[slot] = entry;
    return &state.reorders[slot];
}

static int round_to_bf16(const float *source, void *destination, long count) {
    reorder_entry *entry = reorder_for(count);
    if (!entry) return -1;
    p_dnnl_memory_set_data_handle(entry->source, (void *)source);
    p_dnnl_memory_set_data_handle(entry->destination, destination);
    dnnl_exec_arg_t arguments[2] = {{DNNL_ARG_FROM, entry->source}, {DNNL_ARG_TO, entry->destination}};
    return p_dnnl_primitive_execute(entry->primitive, state.stream, 2, arguments) == dnnl_success ? 0 : -1;
}

// ---- matmul ----

/// Elements from a matrix batch's first element to one past its last.
static long span(long outer, long inner, long outer_stride, long inner_stride, long rows, long columns,
                 long row_stride) {
    return (outer - 1) * outer_stride + (inner - 1) * inner_stride + (rows - 1) * row_stride + columns;
}

static int describe(dnnl_memory_desc_t *descriptor, dnnl_data_type_t type, long outer, long inner,
                    long rows, long columns, long outer_stride, long inner_stride, long row_stride,
                    int transpose) {
    // Logical [outer, inner, rows, columns] of the operand as used (after op()).
    dnnl_dims_t dims = {outer, inner, transpose ? columns : rows, transpose ? rows : columns};
    dnnl_dims_t strides = {outer_stride, inner_stride, transpose ? 1 : row_stride, transpose ? row_stride : 1};
    // oneDNN wants a stride for each dimension even when its size is 1; any value is fine then.
    if (outer == 1) strides[0] = span(1, inner, 0, inner_stride, rows, columns, row_stride);
    if (inner == 1) strides[1] = rows * row_stride;
    return p_dnnl_memory_desc_init_by_strides(descriptor, 4, dims, type, strides) == dnnl_success;
}

static gemm_entry *gemm_for(const gemm_key *key) {
    state.clock++;
    for (int i = 0; i < state.gemm_count; i++) {
        if (memcmp(&state.gemms[i].key, key, sizeof *key) == 0) {
            state.gemms[i].last_use = state.clock;
            return &state.gemms[i];
        }
    }
    dnnl_memory_desc_t a, b, c;
    // A as stored is [m, k] (or [k, m]); B as stored is [k, n] (or [n, k]).
    long a_rows = key->transpose_a ? key->k : key->m, a_columns = key->transpose_a ? key->m : key->k;
    long b_rows = key->transpose_b ? key->n : key->k, b_columns = key->transpose_b ? key->k : key->n;
    if (!describe(&a, dnnl_bf16, key->outer, key->inner, a_rows, a_columns, key->a_outer, key->a_inner,
                  key->lda, key->transpose_a)) return NULL;
    if (!describe(&b, dnnl_bf16, key->outer, key->inner, b_rows, b_columns, key->b_outer, key->b_inner,
                  key->ldb, key->transpose_b)) return NULL;
    if (!describe(&c, dnnl_f32, key->outer, key->inner, key->m, key->n, key->c_outer, key->c_inner,
                  key->ldc, 0)) return NULL;
    dnnl_matmul_desc_t operation;
    if (p_dnnl_matmul_desc_init(&operation, &a, &b, NULL, &c) != dnnl_success) return NULL;
    dnnl_primitive_attr_t attributes;
    if (p_dnnl_primitive_attr_create(&attributes) != dnnl_success) return NULL;
    int ok = 1;
    if (key->alpha != 1.0f) ok = p_dnnl_primitive_attr_set_output_scales(attributes, 1, 0, &key->alpha) == dnnl_success;
    if (ok && key->beta != 0.0f) {
        dnnl_post_ops_t post_ops;
        ok = p_dnnl_post_ops_create(&post_ops) == dnnl_success;
        if (ok) {
            ok = p_dnnl_post_ops_append_sum(post_ops, key->beta) == dnnl_success
                 && p_dnnl_primitive_attr_set_post_ops(attributes, post_ops) == dnnl_success;
            p_dnnl_post_ops_destroy(post_ops);
        }
    }
    dnnl_primitive_desc_t descriptor = NULL;
    if (ok) ok = p_dnnl_primitive_desc_create(&descriptor, &operation, attributes, state.engine, NULL) == dnnl_success;
    p_dnnl_primitive_attr_destroy(attributes);
    if (!ok) return NULL;
    gemm_entry entry = {.key = *key, .last_use = state.clock};
    const char *implementation = NULL;
    if (p_dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &implementation) == dnnl_success
        && implementation) {
        snprintf(kernel_name, sizeof kernel_name, "%s", implementation);
    }
    ok = p_dnnl_primitive_create(&entry.primitive, descriptor) == dnnl_success;
    p_dnnl_primitive_desc_destroy(descriptor);
    ok = ok && p_dnnl_memory_create(&entry.a, &a, state.engine, DNNL_MEMORY_NONE) == dnnl_success
            && p_dnnl_memory_create(&entry.b, &b, state.engine, DNNL_MEMORY_NONE) == dnnl_success
            && p_dnnl_memory_create(&entry.c, &c, state.engine, DNNL_MEMORY_NONE) == dnnl_success;
    if (!ok) return NULL;
    int evicted;
    int slot = cache_slot(&state.gemm_count, GEMM_CACHE, &state.gemms[0].last_use, sizeof(gemm_entry), &evicted);
    if (evicted) {
        gemm_entry *old = &state.gemms[slot];
        release(old->primitive, old->a, old->b, old->c);
    }
    state.gemms[slot] = entry;
    return &state.gemms[slot];
}

int electra_onednn_load(char *message, long capacity) {
    pthread_once(&load_once, load_library);
    copy_text(message, capacity, loaded ? "" : load_message);
    return loaded;
}

void electra_onednn_kernel(char *out, long capacity) { copy_text(out, capacity, kernel_name); }

void electra_onednn_version(char *out, long capacity) {
    if (!loaded) { copy_text(out, capacity, ""); return; }
    const dnnl_version_t *version = p_dnnl_version();
    char text[64];
    snprintf(text, sizeof text, "%d.%d.%d", version->major, version->minor, version->patch);
    copy_text(out, capacity, text);
}

int electra_onednn_bf16_gemm(int transpose_a, int transpose_b, long m, long n, long k, float alpha,
                             const float *a, long lda, long a_outer, long a_inner,
                             const float *b, long ldb, long b_outer, long b_inner,
                             float beta, float *c, long ldc, long c_outer, long c_inner,
                             long outer, long inner) {
    if (!loaded || (beta != 0.0f && beta != 1.0f)) return -1;
    if (m <= 0 || n <= 0 || outer <= 0 || inner <= 0) return 0;
    if (k <= 0) return -1;   // C = beta · C: left to the fp32 path
    if (!ensure_thread_state()) return -1;
    gemm_key key;
    memset(&key, 0, sizeof key);   // padding too: keys are compared with memcmp
    key.transpose_a = transpose_a; key.transpose_b = transpose_b;
    key.m = m; key.n = n; key.k = k; key.lda = lda; key.ldb = ldb; key.ldc = ldc;
    key.a_outer = a_outer; key.a_inner = a_inner; key.b_outer = b_outer; key.b_inner = b_inner;
    key.c_outer = c_outer; key.c_inner = c_inner; key.outer = outer; key.inner = inner;
    key.alpha = alpha; key.beta = beta;
    gemm_entry *entry = gemm_for(&key);
    if (!entry) return -1;
    long a_rows = transpose_a ? k : m, a_columns = transpose_a ? m : k;
    long b_rows = transpose_b ? n : k, b_columns = transpose_b ? k : n;
    long a_count = span(outer, inner, a_outer, a_inner, a_rows, a_columns, lda);
    long b_count = span(outer, inner, b_outer, b_inner, b_rows, b_columns, ldb);
    void *a16 = scratch(0, a_count * 2), *b16 = scratch(1, b_count * 2);
    if (!a16 || !b16) return -1;
    if (round_to_bf16(a, a16, a_count) != 0 || round_to_bf16(b, b16, b_count) != 0) return -1;
    p_dnnl_memory_set_data_handle(entry->a, a16);
    p_dnnl_memory_set_data_handle(entry->b, b16);
    p_dnnl_memory_set_data_handle(entry->c, c);
    dnnl_exec_arg_t arguments[3] = {
        {DNNL_ARG_SRC, entry->a}, {DNNL_ARG_WEIGHTS, entry->b}, {DNNL_ARG_DST, entry->c}};
    if (p_dnnl_primitive_execute(entry->primitive, state.stream, 3, arguments) != dnnl_success) return -1;
    return p_dnnl_stream_wait(state.stream) == dnnl_success ? 0 : -1;
}

#endif
