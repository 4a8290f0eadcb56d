/* AVX-512 kernels for convolutions with few input channels and for global pooling, compiled for
   AVX-512 function by function and called only after nets_wide_kernels() (see smallk512.h). */
#include "smallk512.h"
#include "vector_common.h"

#include <stdlib.h>
#include <string.h>

static int wide_state = -1; /* -1 unknown, 0 off, 1 on */

int nets_wide_kernels(void) {
    int state = __atomic_load_n(&wide_state, __ATOMIC_RELAXED);
    if (state < 0) {
        const char *env = getenv("NETS_WIDE_KERNELS");
        state = nets_cpu_vector_level() >= 2 && !(env && strcmp(env, "0") == 0);
        __atomic_store_n(&wide_state, state, __ATOMIC_RELAXED);
    }
    return state && nets_vector_kernels();
}

void nets_set_wide_kernels(int enabled) {
    __atomic_store_n(&wide_state, enabled && nets_cpu_vector_level() >= 2, __ATOMIC_RELAXED);
}

#ifdef NETS_X86

/* An mr x (16 nv) tile of C at column j; the last of the nv vectors takes the lanes of `last`.
   mr and nv are constants at every call (the switch below), so the accumulators live in
   registers. */
INLINE_AVX512 void smallk_tile(const int mr, const int nv, long k, const float *a, long lda,
                               const float *const *brows, const float *b, long ldb, long j, __mmask16 last, float *c,
                               long ldc, const float *bias, const float *residual, long ldr, int act) {
    __m512 acc[8][3];
    for (int r = 0; r < mr; r++) {
        const __m512 start = _mm512_set1_ps(bias ? bias[r] : 0);
        for (int v = 0; v < nv; v++) acc[r][v] = start;
    }
    for (long p = 0; p < k; p++) {
        const float *bp = (brows ? brows[p] : b + p * ldb) + j;
        __m512 x[3];
        for (int v = 0; v < nv; v++)
            x[v] = v == nv - 1 ? _mm512_maskz_loadu_ps(last, bp + 16 * v) : _mm512_loadu_ps(bp + 16 * v);
        for (int r = 0; r < mr; r++) {
            const __m512 w = _mm512_set1_ps(a[r * lda + p]);
            for (int v = 0; v < nv; v++) acc[r][v] = _mm512_fmadd_ps(w, x[v], acc[r][v]);
        }
    }
    for (int r = 0; r < mr; r++) {
        float *cp = c + r * ldc + j;
        const float *rp = residual ? residual + r * ldr + j : NULL;
        for (int v = 0; v < nv; v++) {
            const __mmask16 m = v == nv - 1 ? last : (__mmask16)0xFFFF;
            __m512 s = acc[r][v];
            if (rp) s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(m, rp + 16 * v));
            _mm512_mask_storeu_ps(cp + 16 * v, m, activate16(s, act));
        }
    }
}

#define SMALLK_TILE(MR)                                                                                         \
    case MR:                                                                                                    \
        if (nv == 3) smallk_tile(MR, 3, k, ap, lda, brows, b, ldb, j, last, cp, ldc, bs, rs, ldr, act);          \
        else if (nv == 2) smallk_tile(MR, 2, k, ap, lda, brows, b, ldb, j, last, cp, ldc, bs, rs, ldr, act);     \
        else smallk_tile(MR, 1, k, ap, lda, brows, b, ldb, j, last, cp, ldc, bs, rs, ldr, act);                  \
        break;

/* Column panels whose k x nc slice of B stays in L1 while every row block runs over it; within
   a panel, blocks of eight rows (a remainder of rows is shared with the block before it, so no
   block is much shorter than the FMA latency needs) and tiles of up to 48 columns. */
AVX512 static void smallk512(long m, long n, long k, const float *a, long lda, const float *const *brows,
                             const float *b, long ldb, float *c, long ldc, const float *bias, const float *residual,
                             long ldr, int act) {
    long nc = 12288 / k / 48 * 48;
    if (nc < 48) nc = 48;
    for (long jc = 0; jc < n; jc += nc) {
        const long je = jc + nc < n ? jc + nc : n;
        for (long i = 0, mr; i < m; i += mr) {
            const long left = m - i;
            mr = left >= 12 || left == 8 ? 8 : left > 8 ? (left + 1) / 2 : left;
            const float *ap = a + i * lda, *bs = bias ? bias + i : NULL;
            const float *rs = residual ? residual + i * ldr : NULL;
            float *cp = c + i * ldc;
            for (long j = jc; j < je; j += 48) {
                const long cols = je - j < 48 ? je - j : 48, nv = (cols + 15) / 16;
                const __mmask16 last = (__mmask16)((1u << (cols - 16 * (nv - 1))) - 1);
                switch (mr) {
                    SMALLK_TILE(8)
                    SMALLK_TILE(7)
                    SMALLK_TILE(6)
                    SMALLK_TILE(5)
                    SMALLK_TILE(4)
                    SMALLK_TILE(3)
                    SMALLK_TILE(2)
                    SMALLK_TILE(1)
                }
            }
        }
    }
}

int nets_smallk_avx512(long m, long n, long k, const float *a, long lda, const float *const *brows, const float *b,
                       long ldb, float *c, long ldc, const float *bias, const float *residual, long ldr, int activation) {
    if (!nets_wide_kernels() || m < 1 || n < 1 || k < 1 || (!brows && !b)) return 0;
    smallk512(m, n, k, a, lda, brows, b, ldb, c, ldc, bias, residual, ldr, activation);
    return 1;
}

/* At most 16 vectors of positions per plane (ho * wo <= 256). */
#define FLAT_VECTORS 16

AVX512 static void depthwise_flat512(const float *src, long p0, long p1, long channels, long h, long w, const float *k,
                                     const float *bias, long pad_top, long pad_left, float *dst, long ho, long wo,
                                     const float *residual, int act) {
    const long plane = ho * wo, vectors = (plane + 15) / 16, in = h * w;
    __mmask16 masks[FLAT_VECTORS][9];
    long shift[9];
    for (int t = 0; t < 9; t++) shift[t] = (t / 3 - pad_top) * w + (t % 3 - pad_left);
    for (long v = 0; v < vectors; v++) {
        /* The lanes whose kernel row i (column j) falls inside the image. */
        unsigned rows[3] = {0, 0, 0}, cols[3] = {0, 0, 0};
        for (int l = 0; l < 16 && 16 * v + l < plane; l++) {
            const long q = 16 * v + l, oy = q / wo, ox = q % wo;
            for (int i = 0; i < 3; i++) {
                if (oy + i - pad_top >= 0 && oy + i - pad_top < h) rows[i] |= 1u << l;
                if (ox + i - pad_left >= 0 && ox + i - pad_left < w) cols[i] |= 1u << l;
            }
        }
        for (int t = 0; t < 9; t++) masks[v][t] = (__mmask16)(rows[t / 3] & cols[t % 3]);
    }
    const __mmask16 tail = (__mmask16)((1u << (plane - 16 * (vectors - 1))) - 1);
    for (long p = p0; p < p1; p++) {
        const long c = p % channels;
        const float *s = src + p * in, *kc = k + 9 * c;
        const float *r = residual ? residual + p * plane : NULL;
        float *d = dst + p * plane;
        __m512 taps[9];
        for (int t = 0; t < 9; t++) taps[t] = _mm512_set1_ps(kc[t]);
        const __m512 b = _mm512_set1_ps(bias ? bias[c] : 0);
        for (long v = 0; v < vectors; v++) {
            const long q = 16 * v;
            __m512 acc = b;
            for (int t = 0; t < 9; t++)
                acc = _mm512_fmadd_ps(taps[t], _mm512_maskz_loadu_ps(masks[v][t], s + q + shift[t]), acc);
            const __mmask16 m = v == vectors - 1 ? tail : (__mmask16)0xFFFF;
            if (r) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(m, r + q));
            _mm512_mask_storeu_ps(d + q, m, activate16(acc, act));
        }
    }
}

int nets_depthwise3x3_flat_avx512(const float *src, long p0, long p1, long channels, long h, long w, const float *k,
                                  const float *bias, long pad_top, long pad_left, float *dst, long ho, long wo,
                                  const float *residual, int activation) {
    if (!nets_wide_kernels() || p0 < 0 || p1 < p0 || channels < 1 || h < 1 || w < 1 || wo != w || ho < 1 ||
        ho * wo > 16 * FLAT_VECTORS || pad_top < 0 || pad_top > 2 || pad_left < 0 || pad_left > 2)
        return 0;
    depthwise_flat512(src, p0, p1, channels, h, w, k, bias, pad_top, pad_left, dst, ho, wo, residual, activation);
    return 1;
}

/* Four accumulators over the plane's whole vectors, the tail masked, one horizontal sum. */
AVX512 static void global_sum512(const float *x, long planes, long size, int mean, float *y) {
    const float scale = mean ? 1.0f / (float)size : 1.0f;
    const long tail = size % 16;
    const __mmask16 m = (__mmask16)((1u << tail) - 1);
    for (long p = 0; p < planes; p++) {
        const float *s = x + p * size;
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
        long i = 0;
        for (; i + 64 <= size; i += 64) {
            a0 = _mm512_add_ps(a0, _mm512_loadu_ps(s + i));
            a1 = _mm512_add_ps(a1, _mm512_loadu_ps(s + i + 16));
            a2 = _mm512_add_ps(a2, _mm512_loadu_ps(s + i + 32));
            a3 = _mm512_add_ps(a3, _mm512_loadu_ps(s + i + 48));
        }
        for (; i + 16 <= size; i += 16) a0 = _mm512_add_ps(a0, _mm512_loadu_ps(s + i));
        if (tail) a1 = _mm512_add_ps(a1, _mm512_maskz_loadu_ps(m, s + i));
        y[p] = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3))) * scale;
    }
}

int nets_global_sum_avx512(const float *x, long planes, long size, int mean, float *y) {
    if (!nets_wide_kernels() || planes < 0 || size < 1) return 0;
    global_sum512(x, planes, size, mean, y);
    return 1;
}

#else

int nets_smallk_avx512(long m, long n, long k, const float *a, long lda, const float *const *brows, const float *b,
                       long ldb, float *c, long ldc, const float *bias, const float *residual, long ldr, int activation) {
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)brows; (void)b; (void)ldb; (void)c; (void)ldc;
    (void)bias; (void)residual; (void)ldr; (void)activation;
    return 0;
}

int nets_depthwise3x3_flat_avx512(const float *src, long p0, long p1, long channels, long h, long w, const float *k,
                                  const float *bias, long pad_top, long pad_left, float *dst, long ho, long wo,
                                  const float *residual, int activation) {
    (void)src; (void)p0; (void)p1; (void)channels; (void)h; (void)w; (void)k; (void)bias; (void)pad_top;
    (void)pad_left; (void)dst; (void)ho; (void)wo; (void)residual; (void)activation;
    return 0;
}

int nets_global_sum_avx512(const float *x, long planes, long size, int mean, float *y) {
    (void)x; (void)planes; (void)size; (void)mean; (void)y;
    return 0;
}

#endif
