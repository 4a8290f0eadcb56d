/* AVX2 global pooling (see pooling256.h). Compiled for AVX2 function by function and called
   only after nets_vector_kernels() reports them. */
#include "pooling256.h"
#include "vector_common.h"

#ifdef NETS_X86
AVX2 static void global_sum(const float *x, long planes, long size, int mean, float *y) {
    const float scale = mean ? 1.0f / (float)size : 1.0f;
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(size % 8)), lanes);
    for (long p = 0; p < planes; p++) {
        const float *s = x + p * size;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        long i = 0;
        for (; i + 32 <= size; i += 32) {
            a0 = _mm256_add_ps(a0, _mm256_loadu_ps(s + i));
            a1 = _mm256_add_ps(a1, _mm256_loadu_ps(s + i + 8));
            a2 = _mm256_add_ps(a2, _mm256_loadu_ps(s + i + 16));
            a3 = _mm256_add_ps(a3, _mm256_loadu_ps(s + i + 24));
        }
        for (; i + 8 <= size; i += 8) a0 = _mm256_add_ps(a0, _mm256_loadu_ps(s + i));
        if (i < size) a1 = _mm256_add_ps(a1, _mm256_maskload_ps(s + i, tail));
        const __m256 v = _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3));
        const __m128 q = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        const __m128 d = _mm_add_ps(q, _mm_movehl_ps(q, q));
        y[p] = _mm_cvtss_f32(_mm_add_ss(d, _mm_movehdup_ps(d))) * scale;
    }
}

int nets_global_sum_avx2(const float *x, long planes, long size, int mean, float *y) {
    if (!nets_vector_kernels() || planes < 0 || size < 0) return 0;
    global_sum(x, planes, size, mean, y);
    return 1;
}

#else

int nets_global_sum_avx2(const float *x, long planes, long size, int mean, float *y) {
    (void)x; (void)planes; (void)size; (void)mean; (void)y;
    return 0;
}

#endif
