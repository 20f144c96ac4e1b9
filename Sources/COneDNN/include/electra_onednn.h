// bf16 matrix products through oneDNN, loaded at run time.
//
// The package never links oneDNN: `electra_onednn_load` opens Debian's libdnnl.so.2 (libdnnl-dev 2.6)
// with dlopen, so a machine without it still builds and runs (in fp32). The header is only needed at
// build time for oneDNN's types; without it every call reports that the path is unavailable.

#ifndef ELECTRA_ONEDNN_H
#define ELECTRA_ONEDNN_H

#ifdef __cplusplus
extern "C" {
#endif

/// Loads oneDNN once (thread-safe). Returns 1 when bf16 matrix products can run; otherwise 0 and a
/// reason in `message` (at most `capacity` bytes, NUL-terminated).
int electra_onednn_load(char *message, long capacity);

/// The kernel oneDNN picked for the bf16 product this process set up last (e.g.
/// "brg:avx512_core_amx_bf16"), or "" before any. `capacity` bytes at most, NUL-terminated.
void electra_onednn_kernel(char *out, long capacity);

/// oneDNN's version as "major.minor.patch" (or "" before a load).
void electra_onednn_version(char *out, long capacity);

/// A batch of `outer × inner` products `C[o,i] = alpha · op(A[o,i]) · op(B[o,i]) + beta · C[o,i]`
/// with fp32 inputs rounded to bf16 (round to nearest even) and fp32 accumulation and output.
///
/// Matrix (o, i) of A starts at `a + o·a_outer + i·a_inner`; its rows, as stored, are `lda` apart
/// (`[m, k]` as stored, `[k, m]` when `transpose_a`); likewise B (`[k, n]`, or `[n, k]`) and C
/// (`[m, n]`). `beta` must be 0 or 1. Returns 0 on success, non-zero when oneDNN refused (the caller
/// then computes the product in fp32).
int electra_onednn_bf16_gemm(int transpose_a, int transpose_b, long m, long n, long k, float alpha,
                             const float *a, long lda, long a_outer, long a_inner,
                             const float *b, long ldb, long b_outer, long b_inner,
                             float beta, float *c, long ldc, long c_outer, long c_inner,
                             long outer, long inner);

#ifdef __cplusplus
}
#endif

#endif
