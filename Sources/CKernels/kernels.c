/* Vector kernels for the tensor runtime: AVX2 + FMA, selected at run time, so the package still
   builds for (and runs on) any x86-64 or ARM machine, where the Swift code does the work.

   Written in C because Swift's SIMD types compile to the baseline x86-64 instruction set (SSE2,
   no FMA) unless the whole module is built for a newer CPU; here only these functions are, and
   only called after a CPU check. */
#include "vector_common.h"
#include "smallk512.h"

#include <stdlib.h>
#include <string.h>

static int vector_state = -1; /* -1 unknown, 0 off, 1 on */

static _Thread_local int serial_depth = 0;

void nets_serial_begin(void) { serial_depth++; }
void nets_serial_end(void) { serial_depth--; }
int nets_serial(void) { return serial_depth > 0; }

void nets_spin_pause(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}

int nets_vector_kernels(void) {
    int state = __atomic_load_n(&vector_state, __ATOMIC_RELAXED);
    if (state >= 0) return state;
#ifdef NETS_X86
    __builtin_cpu_init();
    state = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    state = 0;
#endif
    const char *env = getenv("NETS_VECTOR_KERNELS");
    if (env && strcmp(env, "0") == 0) state = 0;
    __atomic_store_n(&vector_state, state, __ATOMIC_RELAXED);
    return state;
}

/* The widest x86 vector level this CPU runs: 2 for AVX-512 (F, BW, DQ, VL: what OpenBLAS's
   SkylakeX kernels use), 1 for AVX2 + FMA (its Haswell kernels), 0 otherwise. */
static int cpu_vector_level(void) {
#ifdef NETS_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}

static int vector_level_state = -1;

/* The CPU's level, capped by NETS_VECTOR_LEVEL (0, 1 or 2) when set: 1 runs the AVX2 kernels
   on an AVX-512 machine, for benchmarks and tests. Read once. */
int nets_cpu_vector_level(void) {
    int level = __atomic_load_n(&vector_level_state, __ATOMIC_RELAXED);
    if (level < 0) {
        level = cpu_vector_level();
        const char *env = getenv("NETS_VECTOR_LEVEL");
        if (env && env[0] >= '0' && env[0] <= '2' && env[1] == 0 && env[0] - '0' < level) level = env[0] - '0';
        __atomic_store_n(&vector_level_state, level, __ATOMIC_RELAXED);
    }
    return level;
}

void nets_set_vector_kernels(int enabled) {
    __atomic_store_n(&vector_state, -1, __ATOMIC_RELAXED);
    int supported = nets_vector_kernels();
    __atomic_store_n(&vector_state, enabled && supported, __ATOMIC_RELAXED);
}

#ifdef NETS_X86

/* p[0], p[2], ..., p[14]. */
INLINE_AVX2 __m256 even8(__m256 lo, __m256 hi) {
    __m256 s = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(s), _MM_SHUFFLE(3, 1, 2, 0)));
}

/* p[1], p[3], ..., p[15]. */
INLINE_AVX2 __m256 odd8(__m256 lo, __m256 hi) {
    __m256 s = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(s), _MM_SHUFFLE(3, 1, 2, 0)));
}

/* Per-thread scratch for a zero-padded copy of one plane; grows, never shrinks. */
static _Thread_local float *pad_buffer = NULL;
static _Thread_local size_t pad_capacity = 0;

static float *padded_scratch(size_t count) {
    if (count > pad_capacity) {
        float *p = aligned_alloc(32, (count * sizeof(float) + 31) / 32 * 32);
        if (!p) return NULL;
        free(pad_buffer);
        pad_buffer = p;
        pad_capacity = count;
    }
    return pad_buffer;
}

/* Gives a large scratch back after use, so one big image does not pin memory in every thread. */
static void release_large_scratch(void) {
    if (pad_capacity > ((size_t)1 << 22)) {
        free(pad_buffer);
        pad_buffer = NULL;
        pad_capacity = 0;
    }
}

/* Eight samples r[at + l], zero where at + l falls outside [0, w); masked-off lanes are never
   read, so the row's neighbours in memory are never touched. */
INLINE_AVX2 __m256 load_inside(const float *r, long at, long w) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i idx = _mm256_add_epi32(_mm256_set1_epi32((int)at), lanes);
    const __m256i inside = _mm256_and_si256(_mm256_cmpgt_epi32(idx, _mm256_set1_epi32(-1)),
                                            _mm256_cmpgt_epi32(_mm256_set1_epi32((int)w), idx));
    return _mm256_maskload_ps((const float *)((const char *)r + at * (long)sizeof(float)), inside);
}

/* r[at + l] for eight lanes: a plain load when `inside` (the caller knows the vector stays in the
   row), else load_inside. */
INLINE_AVX2 __m256 load8(const float *r, long at, long w, int inside) {
    return inside ? _mm256_loadu_ps(r + at) : load_inside(r, at, w);
}

/* The three taps of one kernel row for eight outputs starting at input column `at`:
   r[at + stride*l + j] for j = 0, 1, 2 (stride 2 deinterleaves two loads). */
INLINE_AVX2 void taps3(const float *r, long at, long w, long stride, int inside, __m256 *t0, __m256 *t1, __m256 *t2) {
    if (stride == 1) {
        *t0 = load8(r, at, w, inside);
        *t1 = load8(r, at + 1, w, inside);
        *t2 = load8(r, at + 2, w, inside);
        return;
    }
    const __m256 lo = load8(r, at, w, inside), hi = load8(r, at + 8, w, inside);
    *t0 = even8(lo, hi);
    *t1 = odd8(lo, hi);
    *t2 = even8(load8(r, at + 2, w, inside), load8(r, at + 10, w, inside));
}

/* acc + k0 t0 + k1 t1 + k2 t2 for one kernel row. For stride 2 the taps, and so the sum, come
   in the lane order 0, 1, 4, 5, 2, 3, 6, 7 (in-lane shuffles only: the lane-crossing permute
   that would put each tap in order is left to one `unmix` of the finished sum, three rows and
   nine taps later). */
INLINE_AVX2 __m256 row_taps(const float *r, long at, long w, long stride, int inside, __m256 k0, __m256 k1, __m256 k2,
                            __m256 acc) {
    __m256 t0, t1, t2;
    if (stride == 2) {
        const __m256 lo = load8(r, at, w, inside), hi = load8(r, at + 8, w, inside);
        const __m256 lo2 = load8(r, at + 2, w, inside), hi2 = load8(r, at + 10, w, inside);
        t0 = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
        t1 = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
        t2 = _mm256_shuffle_ps(lo2, hi2, _MM_SHUFFLE(2, 0, 2, 0));
    } else {
        taps3(r, at, w, stride, inside, &t0, &t1, &t2);
    }
    return _mm256_fmadd_ps(k2, t2, _mm256_fmadd_ps(k1, t1, _mm256_fmadd_ps(k0, t0, acc)));
}

/* A stride-2 sum from row_taps back in lane order. */
INLINE_AVX2 __m256 unmix(__m256 v) {
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(v), _MM_SHUFFLE(3, 1, 2, 0)));
}

/* out[l] = act(acc[l] + res[l]) for eight lanes, or for the lanes of `mask` when `partial` (a row
   shorter than eight). `res` may be NULL. */
INLINE_AVX2 void store8(float *out, const float *res, __m256 acc, int act, int partial, __m256i mask) {
    if (res) acc = _mm256_add_ps(acc, partial ? _mm256_maskload_ps(res, mask) : _mm256_loadu_ps(res));
    if (partial) _mm256_maskstore_ps(out, mask, activate8(acc, act));
    else _mm256_storeu_ps(out, activate8(acc, act));
}

/* Every output is computed eight at a time, borders included: vectors that reach outside the
   row load under a mask (zeros for the padding), rows outside the image are skipped, a last
   vector that would run past the output row is moved back to overlap the one before it (it
   writes the same values), and rows shorter than eight are stored under a mask. */
AVX2 static int depthwise_avx2(const float *src, long h, long w, const float *k, long stride, long pad_top,
                               long pad_left, float *dst, long ho, long wo, float bias, const float *residual,
                               int act) {
    const long reach = stride == 1 ? 9 : 17; /* a vector at input column `at` reads [at, at + reach] */
    const long last = wo > 8 ? wo - 8 : 0;
    const __m256 k0 = _mm256_set1_ps(k[0]), k1 = _mm256_set1_ps(k[1]), k2 = _mm256_set1_ps(k[2]);
    const __m256 k3 = _mm256_set1_ps(k[3]), k4 = _mm256_set1_ps(k[4]), k5 = _mm256_set1_ps(k[5]);
    const __m256 k6 = _mm256_set1_ps(k[6]), k7 = _mm256_set1_ps(k[7]), k8 = _mm256_set1_ps(k[8]);
    const __m256 vb = _mm256_set1_ps(bias);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(wo < 8 ? wo : 8)), lanes);
    long oy = 0;
    if (stride == 1) {
        /* Two output rows at a time: their four input rows are loaded once for both. */
        for (; oy + 2 <= ho; oy += 2) {
            const long top = oy - pad_top;
            const float *rows[4];
            for (int i = 0; i < 4; i++) rows[i] = top + i >= 0 && top + i < h ? src + (top + i) * w : NULL;
            float *out0 = dst + oy * wo, *out1 = out0 + wo;
            const float *res0 = residual ? residual + oy * wo : NULL, *res1 = res0 ? res0 + wo : NULL;
            for (long ox = 0;;) {
                const long at = ox - pad_left;
                const int inside = at >= 0 && at + 9 < w;
                __m256 acc0 = vb, acc1 = vb, a, b, c;
                if (rows[0]) {
                    taps3(rows[0], at, w, 1, inside, &a, &b, &c);
                    acc0 = _mm256_fmadd_ps(k2, c, _mm256_fmadd_ps(k1, b, _mm256_fmadd_ps(k0, a, acc0)));
                }
                if (rows[1]) {
                    taps3(rows[1], at, w, 1, inside, &a, &b, &c);
                    acc0 = _mm256_fmadd_ps(k5, c, _mm256_fmadd_ps(k4, b, _mm256_fmadd_ps(k3, a, acc0)));
                    acc1 = _mm256_fmadd_ps(k2, c, _mm256_fmadd_ps(k1, b, _mm256_fmadd_ps(k0, a, acc1)));
                }
                if (rows[2]) {
                    taps3(rows[2], at, w, 1, inside, &a, &b, &c);
                    acc0 = _mm256_fmadd_ps(k8, c, _mm256_fmadd_ps(k7, b, _mm256_fmadd_ps(k6, a, acc0)));
                    acc1 = _mm256_fmadd_ps(k5, c, _mm256_fmadd_ps(k4, b, _mm256_fmadd_ps(k3, a, acc1)));
                }
                if (rows[3]) {
                    taps3(rows[3], at, w, 1, inside, &a, &b, &c);
                    acc1 = _mm256_fmadd_ps(k8, c, _mm256_fmadd_ps(k7, b, _mm256_fmadd_ps(k6, a, acc1)));
                }
                store8(out0 + ox, res0 ? res0 + ox : NULL, acc0, act, wo < 8, mask);
                store8(out1 + ox, res1 ? res1 + ox : NULL, acc1, act, wo < 8, mask);
                if (ox == last) break;
                ox = ox + 8 <= last ? ox + 8 : last;
            }
        }
    }
    for (; oy < ho; oy++) {
        const long top = oy * stride - pad_top;
        const float *r0 = top >= 0 && top < h ? src + top * w : NULL;
        const float *r1 = top + 1 >= 0 && top + 1 < h ? src + (top + 1) * w : NULL;
        const float *r2 = top + 2 >= 0 && top + 2 < h ? src + (top + 2) * w : NULL;
        float *out = dst + oy * wo;
        const float *res = residual ? residual + oy * wo : NULL;
        for (long ox = 0;;) {
            const long at = ox * stride - pad_left;
            /* One chain of FMAs per kernel row, added at the end: three taps' latency, not nine. */
            __m256 acc = vb, acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps();
            const int inside = at >= 0 && at + reach < w;
            if (r0) acc = row_taps(r0, at, w, stride, inside, k0, k1, k2, acc);
            if (r1) acc1 = row_taps(r1, at, w, stride, inside, k3, k4, k5, acc1);
            if (r2) acc2 = row_taps(r2, at, w, stride, inside, k6, k7, k8, acc2);
            acc = _mm256_add_ps(acc, _mm256_add_ps(acc1, acc2));
            if (stride == 2) acc = unmix(acc);
            store8(out + ox, res ? res + ox : NULL, acc, act, wo < 8, mask);
            if (ox == last) break;
            ox = ox + 8 <= last ? ox + 8 : last;
        }
    }
    return 1;
}

/* dK[i][j] += sum over outputs of g[oy][ox] x[oy*stride - pad_top + i][ox*stride - pad_left + j]:
   nine vector accumulators over the plane, the lanes past the end of an output row masked off
   in g (so they add nothing), one horizontal sum per tap at the end. */
AVX2 static void depthwise_filter_grad_avx2(const float *x, long h, long w, const float *g, long ho, long wo,
                                            long stride, long pad_top, long pad_left, float *dk) {
    const long reach = stride == 1 ? 9 : 17;
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256 acc[9];
    for (int t = 0; t < 9; t++) acc[t] = _mm256_setzero_ps();
    for (long oy = 0; oy < ho; oy++) {
        const long top = oy * stride - pad_top;
        const float *grow = g + oy * wo;
        for (long ox = 0; ox < wo; ox += 8) {
            const __m256i live = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(wo - ox)), lanes);
            const __m256 gv = ox + 8 <= wo ? _mm256_loadu_ps(grow + ox) : _mm256_maskload_ps(grow + ox, live);
            const long at = ox * stride - pad_left;
            const int inside = at >= 0 && at + reach < w;
            for (int i = 0; i < 3; i++) {
                if (top + i < 0 || top + i >= h) continue;
                const float *r = x + (top + i) * w;
                __m256 t0, t1, t2;
                taps3(r, at, w, stride, inside, &t0, &t1, &t2);
                acc[3 * i] = _mm256_fmadd_ps(gv, t0, acc[3 * i]);
                acc[3 * i + 1] = _mm256_fmadd_ps(gv, t1, acc[3 * i + 1]);
                acc[3 * i + 2] = _mm256_fmadd_ps(gv, t2, acc[3 * i + 2]);
            }
        }
    }
    for (int t = 0; t < 9; t++) {
        float lane[8];
        _mm256_storeu_ps(lane, acc[t]);
        dk[t] += ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    }
}

/* dX of a 3x3 depthwise convolution: the convolution of dY (zero-stuffed between samples for
   stride 2) with the kernel turned by 180 degrees, by the forward kernel. */
AVX2 static int depthwise_input_grad_avx2(const float *g, long ho, long wo, const float *k, long stride, long pad_top,
                                          long pad_left, float *dx, long h, long w) {
    const float turned[9] = {k[8], k[7], k[6], k[5], k[4], k[3], k[2], k[1], k[0]};
    if (stride == 1)
        return depthwise_avx2(g, ho, wo, turned, 1, 2 - pad_top, 2 - pad_left, dx, h, w, 0, NULL, NETS_NONE);
    float *up = padded_scratch((size_t)(4 * ho * wo));
    if (!up) return 0;
    memset(up, 0, (size_t)(4 * ho * wo) * sizeof(float));
    for (long oy = 0; oy < ho; oy++)
        for (long ox = 0; ox < wo; ox++) up[(2 * oy) * (2 * wo) + 2 * ox] = g[oy * wo + ox];
    const int done = depthwise_avx2(up, 2 * ho, 2 * wo, turned, 1, 2 - pad_top, 2 - pad_left, dx, h, w, 0, NULL,
                                    NETS_NONE);
    release_large_scratch();
    return done;
}

/* An mr x 16 block of C at column j (columns beyond `cols` masked off): row p of B starts at
   brows[p], so B may be a matrix or rows gathered from a padded image. */
INLINE_AVX2 void smallk_block(const int mr, const int full, long cols, long k, const float *a, long lda,
                              const float *const *brows, const float *b, long ldb, long j, float *c, long ldc,
                              const float *bias, const float *residual, long ldr, int act) {
    __m256i m0 = _mm256_setzero_si256(), m1 = _mm256_setzero_si256();
    if (!full) {
        const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)cols), lanes);
        m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)cols - 8), lanes);
    }
    __m256 acc0[6], acc1[6];
    for (int r = 0; r < mr; r++) acc0[r] = acc1[r] = _mm256_set1_ps(bias ? bias[r] : 0);
    for (long p = 0; p < k; p++) {
        const float *bp = (brows ? brows[p] : b + p * ldb) + j;
        const __m256 b0 = full ? _mm256_loadu_ps(bp) : _mm256_maskload_ps(bp, m0);
        const __m256 b1 = full ? _mm256_loadu_ps(bp + 8) : _mm256_maskload_ps(bp + 8, m1);
        for (int r = 0; r < mr; r++) {
            const __m256 av = _mm256_broadcast_ss(a + r * lda + p);
            acc0[r] = _mm256_fmadd_ps(av, b0, acc0[r]);
            acc1[r] = _mm256_fmadd_ps(av, b1, acc1[r]);
        }
    }
    for (int r = 0; r < mr; r++) {
        float *cp = c + r * ldc;
        __m256 v0 = acc0[r], v1 = acc1[r];
        if (residual) {
            const float *rp = residual + r * ldr;
            v0 = _mm256_add_ps(v0, full ? _mm256_loadu_ps(rp) : _mm256_maskload_ps(rp, m0));
            v1 = _mm256_add_ps(v1, full ? _mm256_loadu_ps(rp + 8) : _mm256_maskload_ps(rp + 8, m1));
        }
        v0 = activate8(v0, act);
        v1 = activate8(v1, act);
        if (full) {
            _mm256_storeu_ps(cp, v0);
            _mm256_storeu_ps(cp + 8, v1);
        } else {
            _mm256_maskstore_ps(cp, m0, v0);
            _mm256_maskstore_ps(cp + 8, m1, v1);
        }
    }
}

#define SMALLK_CASE(MR)                                                                                        \
    case MR:                                                                                                   \
        if (full) smallk_block(MR, 1, cols, k, ap, lda, brows, b, ldb, j, cp, ldc, bs, rs, ldr, act);           \
        else smallk_block(MR, 0, cols, k, ap, lda, brows, b, ldb, j, cp, ldc, bs, rs, ldr, act);                \
        break;

/* C (m x n) = act(A B + bias + R) with B's rows at brows[0..<k], or (brows NULL) at b + p * ldb. */
AVX2 static void smallk_rows(long m, long n, long k, const float *a, long lda, const float *const *brows,
                             const float *b, long ldb, float *c, long ldc, const float *bias, const float *residual,
                             long ldr, int act) {
    /* Column panels whose k x nc slice of B stays in L1 while every row block runs over it;
       within a panel, rows outside, so C is written in runs of nc along each row. */
    long nc = k > 0 ? 8192 / k / 16 * 16 : n;
    if (nc < 16) nc = 16;
    for (long jc = 0; jc < n; jc += nc) {
        const long je = jc + nc < n ? jc + nc : n;
        for (long i = 0, mr; i < m; i += mr) {
            /* Blocks of six rows; a remainder of one to three rows is shared with the block
               before it (say 4 + 4 for the last 8), as a block of few rows runs at the FMA
               latency rather than its throughput. */
            const long left = m - i;
            mr = left >= 10 || left == 6 ? 6 : left > 6 ? (left + 1) / 2 : left;
            const float *ap = a + i * lda, *bs = bias ? bias + i : NULL;
            for (long j = jc; j < je; j += 16) {
                const long cols = je - j < 16 ? je - j : 16;
                const int full = cols == 16;
                const float *rs = residual ? residual + i * ldr + j : NULL;
                float *cp = c + i * ldc + j;
                switch (mr) {
                    SMALLK_CASE(6)
                    SMALLK_CASE(5)
                    SMALLK_CASE(4)
                    SMALLK_CASE(3)
                    SMALLK_CASE(2)
                    SMALLK_CASE(1)
                }
            }
        }
    }
}

/* line[x] = in[x * stride + offset] for x < qw, zero where that falls outside [0, w). */
AVX2 static void copy_phase(const float *in, long w, long stride, long offset, float *line, long qw) {
    long lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride; /* first x inside */
    long hi = w - offset > 0 ? (w - offset + stride - 1) / stride : 0; /* first x past the end */
    if (lo > qw) lo = qw;
    if (hi > qw) hi = qw;
    if (hi < lo) hi = lo;
    memset(line, 0, (size_t)lo * sizeof(float));
    memset(line + hi, 0, (size_t)(qw - hi) * sizeof(float));
    long x = lo;
    if (stride == 1) {
        memcpy(line + lo, in + lo + offset, (size_t)(hi - lo) * sizeof(float));
        return;
    }
    if (stride == 2) {
        for (; x + 8 <= hi && 2 * x + offset + 16 <= w; x += 8) {
            const float *p = in + 2 * x + offset;
            _mm256_storeu_ps(line + x, even8(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)));
        }
    }
    for (; x < hi; x++) line[x] = in[x * stride + offset];
}

/* Output rows [oy0, oy1) of one image. The input rows they need are copied, zero-padded and
   split by column phase (column x of phase q is padded column x * stride + q), so the receptive
   field of tap (ch, ki, kj) along an output row is one contiguous run: the GEMM reads B straight
   from the copy, with no im2col matrix. `wide`: the GEMM is the AVX-512 one where it runs. */
AVX2 static int conv_rows_avx2(const float *src, long ch, long h, long w, const float *wts, long o, long kh, long kw,
                               long stride, long pad_top, long pad_left, float *dst, long ho, long wo, long oy0,
                               long oy1, const float *bias, const float *residual, int act, int wide) {
    const long k = ch * kh * kw;
    long rows, span, qw, n;
    /* Sizes come from a net's shapes: any overflow, or a scratch over 2^31 floats, is "not done"
       and the portable path (which checks its own sizes) takes over. */
    if (__builtin_mul_overflow(oy1 - 1 - oy0, stride, &rows) || __builtin_add_overflow(rows, kh, &rows)) return 0;
    if (__builtin_mul_overflow(wo - 1, stride, &span) || __builtin_add_overflow(span, kw + stride - 1, &span)) return 0;
    qw = span / stride;
    if (__builtin_mul_overflow(ch, rows, &n) || __builtin_mul_overflow(n, stride, &n) || __builtin_mul_overflow(n, qw, &n)
        || n <= 0 || n > (1L << 31)) return 0;
    float *pad = padded_scratch((size_t)n);
    if (!pad) return 0;
    for (long c = 0; c < ch; c++) {
        for (long r = 0; r < rows; r++) {
            const long sy = oy0 * stride + r - pad_top;
            for (long q = 0; q < stride; q++) {
                float *line = pad + ((c * rows + r) * stride + q) * qw;
                if (sy < 0 || sy >= h) {
                    memset(line, 0, (size_t)qw * sizeof(float));
                    continue;
                }
                copy_phase(src + (c * h + sy) * w, w, stride, q - pad_left, line, qw);
            }
        }
    }
    const float *brows[NETS_SMALLK_MAX];
    const long plane = ho * wo;
    for (long oy = oy0; oy < oy1; oy++) {
        long p = 0;
        for (long c = 0; c < ch; c++)
            for (long ki = 0; ki < kh; ki++)
                for (long kj = 0; kj < kw; kj++)
                    brows[p++] = pad + ((c * rows + (oy - oy0) * stride + ki) * stride + kj % stride) * qw + kj / stride;
        float *out = dst + oy * wo;
        const float *res = residual ? residual + oy * wo : NULL;
        if (wide && nets_smallk_avx512(o, wo, k, wts, k, brows, NULL, 0, out, plane, bias, res, plane, act)) continue;
        smallk_rows(o, wo, k, wts, k, brows, NULL, 0, out, plane, bias, res, plane, act);
    }
    release_large_scratch();
    return 1;
}

/* One tile of the channel-blocked kernel: 16 output channels (two vectors) at np <= 6 adjacent
   positions, accumulated over k input channels from a packed weight block (16 floats per input
   channel) and broadcasts of x, starting from the biases (`first`) or from the sums so far in
   `part` (16 floats per position); the sums of position j land in a0[j] (channels 0-7) and a1[j]
   (channels 8-15). */
INLINE_AVX2 void oc16_tile(const int np, const float *pw, long k, const float *x, long ldx, const float *bias16,
                           int first, const float *part, __m256 a0[8], __m256 a1[8]) {
    const __m256 b0 = _mm256_loadu_ps(bias16), b1 = _mm256_loadu_ps(bias16 + 8);
    for (int j = 0; j < np; j++) {
        a0[j] = first ? b0 : _mm256_loadu_ps(part + 16 * j);
        a1[j] = first ? b1 : _mm256_loadu_ps(part + 16 * j + 8);
    }
    if (np == 1) {
        /* A single position (a linear layer's row) is bound by reading the weights: they are
           fetched 2 KB ahead (1280 -> 1000, one core: 0.43 -> 0.38 ms), and summed in four
           pairs of chains over every fourth input channel rather than one dependent chain. */
        __m256 c0[4] = {a0[0], _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        __m256 c1[4] = {a1[0], _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        long p = 0;
        for (; p + 4 <= k; p += 4) {
            for (int u = 0; u < 4; u++) _mm_prefetch((const char *)(pw + 16 * (p + 32 + u)), _MM_HINT_T0);
            for (int u = 0; u < 4; u++) {
                const __m256 v = _mm256_broadcast_ss(x + (p + u) * ldx);
                c0[u] = _mm256_fmadd_ps(_mm256_loadu_ps(pw + 16 * (p + u)), v, c0[u]);
                c1[u] = _mm256_fmadd_ps(_mm256_loadu_ps(pw + 16 * (p + u) + 8), v, c1[u]);
            }
        }
        for (; p < k; p++) {
            const __m256 v = _mm256_broadcast_ss(x + p * ldx);
            c0[0] = _mm256_fmadd_ps(_mm256_loadu_ps(pw + 16 * p), v, c0[0]);
            c1[0] = _mm256_fmadd_ps(_mm256_loadu_ps(pw + 16 * p + 8), v, c1[0]);
        }
        a0[0] = _mm256_add_ps(_mm256_add_ps(c0[0], c0[1]), _mm256_add_ps(c0[2], c0[3]));
        a1[0] = _mm256_add_ps(_mm256_add_ps(c1[0], c1[1]), _mm256_add_ps(c1[2], c1[3]));
        return;
    }
    for (long p = 0; p < k; p++) {
        const __m256 w0 = _mm256_loadu_ps(pw + 16 * p), w1 = _mm256_loadu_ps(pw + 16 * p + 8);
        const float *xr = x + p * ldx;
        for (int j = 0; j < np; j++) {
            const __m256 v = _mm256_broadcast_ss(xr + j);
            a0[j] = _mm256_fmadd_ps(w0, v, a0[j]);
            a1[j] = _mm256_fmadd_ps(w1, v, a1[j]);
        }
    }
}

/* The 8 x 8 transpose: lane j of r[l] is lane l of v[j]. */
INLINE_AVX2 void transpose8(const __m256 v[8], __m256 r[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(v[0], v[1]), t1 = _mm256_unpackhi_ps(v[0], v[1]);
    const __m256 t2 = _mm256_unpacklo_ps(v[2], v[3]), t3 = _mm256_unpackhi_ps(v[2], v[3]);
    const __m256 t4 = _mm256_unpacklo_ps(v[4], v[5]), t5 = _mm256_unpackhi_ps(v[4], v[5]);
    const __m256 t6 = _mm256_unpacklo_ps(v[6], v[7]), t7 = _mm256_unpackhi_ps(v[6], v[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)), s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)), s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/* A tile's epilogue: each half of the tile transposed, so that a vector holds one channel's np
   positions, then residual, activation and one store per channel (`live` of the 16). `whole`:
   all eight lanes from the tile's first position lie inside the caller's range, and the lanes
   past np are written again by the tiles after this one, so the stores need no mask; otherwise
   the first np lanes go out one at a time (a masked store measured slower on AMD Zen 3: a
   linear layer's single position, 1280 -> 1000, 0.127 ms against 0.116). */
INLINE_AVX2 void oc16_store(__m256 a0[8], __m256 a1[8], long np, long live, int whole, float *y, long ldy,
                            const float *res, long ldr, int act) {
    __m256 r[16];
    transpose8(a0, r);
    transpose8(a1, r + 8);
    for (long l = 0; l < live; l++) {
        if (whole) {
            __m256 v = r[l];
            if (res) v = _mm256_add_ps(v, _mm256_loadu_ps(res + l * ldr));
            _mm256_storeu_ps(y + l * ldy, activate8(v, act));
            continue;
        }
        float t[8] __attribute__((aligned(32)));
        _mm256_store_ps(t, r[l]);
        for (long j = 0; j < np; j++) {
            float v = t[j] + (res ? res[l * ldr + j] : 0);
            if (act == NETS_RELU) v = v < 0 ? 0 : v;
            else if (act == NETS_RELU6) v = v < 0 ? 0 : (v > 6 ? 6 : v);
            y[l * ldy + j] = v;
        }
    }
}

/* Most tiles to a position panel of the channel-blocked kernel when k runs in chunks: 54
   positions, so that a 7 x 7 image is one panel. */
#define OC16_TILES 9
#ifndef OC16_KMAX
#define OC16_KMAX 640
#endif

/* Output channels [16 blk0, 16 blk1) of y = act(W x + bias + residual) at positions [p0, p1).
   Panels and tiles are balanced (49 positions as tiles of 6, 6, 6, 6, 5, 5, 5, 5, 5 rather
   than eight of 6 and one of 1, whose lone chain of FMAs waits on their latency). A k past
   OC16_KMAX runs in equal chunks whose rows of x (a cache line each) stay in L1 while every
   tile of a panel reads them, the tiles' sums kept between chunks: whole, every tile read a
   960-row slice of x and the weights from L2. One core, AMD EPYC (Zen 3), best of 6 x 300 on a
   noisy machine: 960 -> 320 at 7 x 7 0.41 ms against 0.46, 960 -> 160 0.20 against 0.22;
   chunks of 256 or 384 made the 14 x 14 projections (k = 384, 576) slower. */
AVX2 static void pointwise_oc16_avx2(const float *packed, const float *bias16, long o, long k, const float *x, long ldx,
                                     long p0, long p1, float *y, long ldy, const float *residual, long ldr, int act,
                                     long blk0, long blk1) {
    float part[OC16_TILES * 6 * 16] __attribute__((aligned(32)));
    const long chunks = (k + OC16_KMAX - 1) / OC16_KMAX, chunk = (k + chunks - 1) / chunks;
    /* Without chunks, panels whose k x width slice of x stays in L2 while every block reads it. */
    long most = chunks > 1 ? 6 * OC16_TILES : 24576 / k / 6 * 6;
    if (most < 6) most = 6;
    const long panels = (p1 - p0 + most - 1) / most;
    const long width = panels > 0 ? (p1 - p0 + panels - 1) / panels : 1;
    for (long q0 = p0; q0 < p1; q0 += width) {
        const long q1 = q0 + width < p1 ? q0 + width : p1, tiles = (q1 - q0 + 5) / 6;
        /* Tiles of base + 1 positions, then of base. */
        const long base = (q1 - q0) / tiles, longer = (q1 - q0) % tiles;
        for (long blk = blk0; blk < blk1; blk++) {
            const float *pw = packed + blk * 16 * k, *bs = bias16 + 16 * blk;
            const long oc0 = 16 * blk, live = o - oc0 < 16 ? o - oc0 : 16;
            for (long kc = 0; kc < k; kc += chunk) {
                const long kn = k - kc < chunk ? k - kc : chunk;
                const float *pwc = pw + 16 * kc, *xc = x + kc * ldx;
                long q = q0;
                for (long t = 0; t < tiles; t++) {
                    const long np = base + (t < longer);
                    float *pt = part + 96 * (t % OC16_TILES); /* t < OC16_TILES when k runs in chunks */
                    __m256 a0[8], a1[8];
                    switch (np) {
                        case 6: oc16_tile(6, pwc, kn, xc + q, ldx, bs, kc == 0, pt, a0, a1); break;
                        case 5: oc16_tile(5, pwc, kn, xc + q, ldx, bs, kc == 0, pt, a0, a1); break;
                        case 4: oc16_tile(4, pwc, kn, xc + q, ldx, bs, kc == 0, pt, a0, a1); break;
                        case 3: oc16_tile(3, pwc, kn, xc + q, ldx, bs, kc == 0, pt, a0, a1); break;
                        case 2: oc16_tile(2, pwc, kn, xc + q, ldx, bs, kc == 0, pt, a0, a1); break;
                        default: oc16_tile(1, pwc, kn, xc + q, ldx, bs, kc == 0, pt, a0, a1); break;
                    }
                    if (kc + kn < k) {
                        for (long j = 0; j < np; j++) {
                            _mm256_store_ps(pt + 16 * j, a0[j]);
                            _mm256_store_ps(pt + 16 * j + 8, a1[j]);
                        }
                    } else {
                        for (long j = np; j < 8; j++) a0[j] = a1[j] = _mm256_setzero_ps();
                        oc16_store(a0, a1, np, live, q + 8 <= p1, y + oc0 * ldy + q, ldy,
                                   residual ? residual + oc0 * ldr + q : NULL, ldr, act);
                    }
                    q += np;
                }
            }
        }
    }
}
#endif

long nets_pack_oc16_count(long o, long k) { return (o + 15) / 16 * 16 * k; }

void nets_pack_oc16(const float *w, long o, long k, float *packed) {
    const long blocks = (o + 15) / 16;
    for (long blk = 0; blk < blocks; blk++)
        for (long p = 0; p < k; p++)
            for (long l = 0; l < 16; l++) {
                const long oc = 16 * blk + l;
                packed[(blk * k + p) * 16 + l] = oc < o ? w[oc * k + p] : 0;
            }
}

int nets_pointwise_oc16(const float *packed, const float *bias16, long o, long k, const float *x, long ldx, long p0,
                        long p1, float *y, long ldy, const float *residual, long ldr, int activation, long blk0,
                        long blk1) {
#ifdef NETS_X86
    if (!nets_vector_kernels() || o < 1 || k < 1 || p0 < 0 || p1 < p0 || blk0 < 0 || blk1 > (o + 15) / 16) return 0;
    pointwise_oc16_avx2(packed, bias16, o, k, x, ldx, p0, p1, y, ldy, residual, ldr, activation, blk0, blk1);
    return 1;
#else
    (void)packed; (void)bias16; (void)o; (void)k; (void)x; (void)ldx; (void)p0; (void)p1; (void)y; (void)ldy;
    (void)residual; (void)ldr; (void)activation; (void)blk0; (void)blk1;
    return 0;
#endif
}

int nets_depthwise3x3(const float *src, long h, long w, const float *k, long stride, long pad_top, long pad_left,
                      float *dst, long ho, long wo, float bias, const float *residual, int activation) {
#ifdef NETS_X86
    if (!nets_vector_kernels() || (stride != 1 && stride != 2) || pad_top < 0 || pad_left < 0 || ho < 1 || wo < 1)
        return 0;
    return depthwise_avx2(src, h, w, k, stride, pad_top, pad_left, dst, ho, wo, bias, residual, activation);
#else
    (void)src; (void)h; (void)w; (void)k; (void)stride; (void)pad_top; (void)pad_left;
    (void)dst; (void)ho; (void)wo; (void)bias; (void)residual; (void)activation;
    return 0;
#endif
}

int nets_gemm_smallk(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                     float *c, long ldc, const float *bias, const float *residual, long ldr, int activation) {
#ifdef NETS_X86
    if (!nets_vector_kernels()) return 0;
    smallk_rows(m, n, k, a, lda, NULL, b, ldb, c, ldc, bias, residual, ldr, activation);
    return 1;
#else
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)b; (void)ldb; (void)c; (void)ldc;
    (void)bias; (void)residual; (void)ldr; (void)activation;
    return 0;
#endif
}

/* nets_conv_rows and nets_conv_rows_avx512: `wide` picks the AVX-512 GEMM. */
static int conv_rows(const float *src, long c, long h, long w, const float *weights, long o, long kh, long kw,
                     long stride, long pad_top, long pad_left, float *dst, long ho, long wo, long oy0, long oy1,
                     const float *bias, const float *residual, int activation, int wide) {
#ifdef NETS_X86
    if (!nets_vector_kernels() || c * kh * kw > NETS_SMALLK_MAX || stride < 1 || pad_top < 0 || pad_left < 0 ||
        oy0 < 0 || oy1 > ho || oy0 >= oy1 || wo < 1)
        return 0;
    return conv_rows_avx2(src, c, h, w, weights, o, kh, kw, stride, pad_top, pad_left, dst, ho, wo, oy0, oy1, bias,
                          residual, activation, wide);
#else
    (void)src; (void)c; (void)h; (void)w; (void)weights; (void)o; (void)kh; (void)kw; (void)stride;
    (void)pad_top; (void)pad_left; (void)dst; (void)ho; (void)wo; (void)oy0; (void)oy1; (void)bias;
    (void)residual; (void)activation; (void)wide;
    return 0;
#endif
}

int nets_conv_rows(const float *src, long c, long h, long w, const float *weights, long o, long kh, long kw,
                   long stride, long pad_top, long pad_left, float *dst, long ho, long wo, long oy0, long oy1,
                   const float *bias, const float *residual, int activation) {
    return conv_rows(src, c, h, w, weights, o, kh, kw, stride, pad_top, pad_left, dst, ho, wo, oy0, oy1, bias,
                     residual, activation, 0);
}

int nets_conv_rows_avx512(const float *src, long c, long h, long w, const float *weights, long o, long kh, long kw,
                          long stride, long pad_top, long pad_left, float *dst, long ho, long wo, long oy0, long oy1,
                          const float *bias, const float *residual, int activation) {
    if (!nets_wide_kernels()) return 0;
    return conv_rows(src, c, h, w, weights, o, kh, kw, stride, pad_top, pad_left, dst, ho, wo, oy0, oy1, bias,
                     residual, activation, 1);
}

int nets_depthwise3x3_backward(const float *x, long h, long w, const float *g, long ho, long wo, const float *k,
                               long stride, long pad_top, long pad_left, float *dx, float *dk) {
#ifdef NETS_X86
    if (!nets_vector_kernels() || (stride != 1 && stride != 2) || pad_top < 0 || pad_left < 0 || pad_top > 2 ||
        pad_left > 2 || ho < 1 || wo < 1 || h < 1 || w < 1)
        return 0;
    if (!depthwise_input_grad_avx2(g, ho, wo, k, stride, pad_top, pad_left, dx, h, w)) return 0;
    depthwise_filter_grad_avx2(x, h, w, g, ho, wo, stride, pad_top, pad_left, dk);
    return 1;
#else
    (void)x; (void)h; (void)w; (void)g; (void)ho; (void)wo; (void)k; (void)stride; (void)pad_top;
    (void)pad_left; (void)dx; (void)dk;
    return 0;
#endif
}
