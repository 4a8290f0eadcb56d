#ifndef NETS_VECTOR_COMMON_H
#define NETS_VECTOR_COMMON_H

/* What the vector kernel files share (private to CKernels, not part of include/): the target
   attributes that compile one function for AVX2 + FMA or AVX-512 while the rest of the file
   stays baseline x86-64, and the activations applied in registers before a store. Functions
   built with these are called only after a run-time CPU check (nets_vector_kernels,
   nets_cpu_vector_level, nets_wide_kernels). */
#include "kernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NETS_X86 1
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define INLINE_AVX2 static inline __attribute__((always_inline, target("avx2,fma")))
/* The AVX-512 subsets nets_cpu_vector_level() checks for level 2 (OpenBLAS's SkylakeX set). */
#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma")))
#define INLINE_AVX512 static inline __attribute__((always_inline, target("avx512f,avx512bw,avx512dq,avx512vl,fma")))

/* ReLU or ReLU6 on eight lanes: max/min with the value second, so a NaN passes through as it
   does in the scalar code. */
INLINE_AVX2 __m256 activate8(__m256 v, int act) {
    if (act == NETS_RELU) return _mm256_max_ps(_mm256_setzero_ps(), v);
    if (act == NETS_RELU6) return _mm256_min_ps(_mm256_set1_ps(6), _mm256_max_ps(_mm256_setzero_ps(), v));
    return v;
}

/* The same on sixteen lanes. */
INLINE_AVX512 __m512 activate16(__m512 v, int act) {
    if (act == NETS_RELU) return _mm512_max_ps(_mm512_setzero_ps(), v);
    if (act == NETS_RELU6) return _mm512_min_ps(_mm512_set1_ps(6), _mm512_max_ps(_mm512_setzero_ps(), v));
    return v;
}
#endif

#endif
