/* AVX2 depthwise kernels (see depthwise256.h). Compiled for AVX2 + FMA function by function and
   called only after nets_vector_kernels() reports them. */
#include "depthwise256.h"
#include "vector_common.h"

#ifdef NETS_X86
#define FLAT_VECTORS (NETS_FLAT256_MAX / 8)

AVX2 static void depthwise_flat(const float *src, long p0, long p1, long channels, long h, long w, const float *k,
                                const float *bias, long pad_top, long pad_left, float *dst, long ho, long wo,
                                const float *residual, int act) {
    const long plane = ho * wo, vectors = (plane + 7) / 8, in = h * w;
    __m256i masks[FLAT_VECTORS][9];
    long shift[9];
    for (int t = 0; t < 9; t++) shift[t] = (t / 3 - pad_top) * w + (t % 3 - pad_left);
    for (long v = 0; v < vectors; v++) {
        /* The lanes whose kernel row i (column j) falls inside the image. */
        int lane[9][8];
        for (int l = 0; l < 8; l++) {
            const long q = 8 * v + l, oy = q / wo, ox = q % wo;
            for (int t = 0; t < 9; t++) {
                const long iy = oy + t / 3 - pad_top, ix = ox + t % 3 - pad_left;
                lane[t][l] = q < plane && iy >= 0 && iy < h && ix >= 0 && ix < w ? -1 : 0;
            }
        }
        for (int t = 0; t < 9; t++) masks[v][t] = _mm256_loadu_si256((const __m256i *)lane[t]);
    }
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(plane - 8 * (vectors - 1))), lanes);
    for (long p = p0; p < p1; p++) {
        const long c = p % channels;
        const float *s = src + p * in, *kc = k + 9 * c;
        const float *r = residual ? residual + p * plane : NULL;
        float *d = dst + p * plane;
        __m256 taps[9];
        for (int t = 0; t < 9; t++) taps[t] = _mm256_set1_ps(kc[t]);
        const __m256 b = _mm256_set1_ps(bias ? bias[c] : 0);
        for (long v = 0; v < vectors; v++) {
            const long q = 8 * v;
            /* Two chains of FMAs, so that the latency of one does not hold up the next tap. */
            __m256 acc = b, acc1 = _mm256_setzero_ps();
            for (int t = 0; t < 9; t += 2) {
                acc = _mm256_fmadd_ps(taps[t], _mm256_maskload_ps(s + q + shift[t], masks[v][t]), acc);
                if (t + 1 < 9)
                    acc1 = _mm256_fmadd_ps(taps[t + 1], _mm256_maskload_ps(s + q + shift[t + 1], masks[v][t + 1]), acc1);
            }
            acc = _mm256_add_ps(acc, acc1);
            if (v == vectors - 1) {
                if (r) acc = _mm256_add_ps(acc, _mm256_maskload_ps(r + q, tail));
                _mm256_maskstore_ps(d + q, tail, activate8(acc, act));
            } else {
                if (r) acc = _mm256_add_ps(acc, _mm256_loadu_ps(r + q));
                _mm256_storeu_ps(d + q, activate8(acc, act));
            }
        }
    }
}

int nets_depthwise3x3_flat_avx2(const float *src, long p0, long p1, long channels, long h, long w, const float *k,
                                const float *bias, long pad_top, long pad_left, float *dst, long ho, long wo,
                                const float *residual, int activation) {
    if (!nets_vector_kernels() || p0 < 0 || p1 < p0 || channels < 1 || h < 1 || w < 1 || wo != w || ho < 1 ||
        ho > NETS_FLAT256_MAX || ho * wo > NETS_FLAT256_MAX || pad_top < 0 || pad_top > 2 || pad_left < 0 || pad_left > 2)
        return 0;
    depthwise_flat(src, p0, p1, channels, h, w, k, bias, pad_top, pad_left, dst, ho, wo, residual, activation);
    return 1;
}

#else

int nets_depthwise3x3_flat_avx2(const float *src, long p0, long p1, long channels, long h, long w, const float *k,
                                const float *bias, long pad_top, long pad_left, float *dst, long ho, long wo,
                                const float *residual, int activation) {
    (void)src; (void)p0; (void)p1; (void)channels; (void)h; (void)w; (void)k; (void)bias; (void)pad_top; (void)pad_left;
    (void)dst; (void)ho; (void)wo; (void)residual; (void)activation;
    return 0;
}

#endif
