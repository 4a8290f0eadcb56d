/* The fused recurrent cells: each step's gate arithmetic (sigmoids, tanh, the cell and state
   updates and their derivatives) eight units at a time, with exp computed in registers.

   exp follows Cephes' expf: x = n ln 2 + r with |r| <= ln 2 / 2 (ln 2 in two parts, so r is
   exact), e^r by a degree-7 polynomial, 2^n put in the exponent bits; within 2 ulp of exp. */
#include "recurrent.h"
#include "vector_common.h"

#ifdef NETS_X86

/* e^x for eight lanes; x is clamped to [-87.3, 88] (min and max with x second keep a NaN). */
INLINE_AVX2 __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_set1_ps(88.0f), x);
    x = _mm256_max_ps(_mm256_set1_ps(-87.3f), x);
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    const __m256 y = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1)));
    const __m256i scale = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(scale));
}

INLINE_AVX2 __m256 sigmoid8(__m256 a) {
    const __m256 one = _mm256_set1_ps(1);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), a))));
}

/* 1 - 2 / (e^2a + 1), as the scalar cells compute it. */
INLINE_AVX2 __m256 tanh8(__m256 a) {
    const __m256 one = _mm256_set1_ps(1);
    return _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2), _mm256_add_ps(exp8(_mm256_add_ps(a, a)), one)));
}

/* x (1 - x), the derivative of a sigmoid from its value. */
INLINE_AVX2 __m256 sigmoid_slope(__m256 x) { return _mm256_mul_ps(x, _mm256_sub_ps(_mm256_set1_ps(1), x)); }

/* 1 - x^2, the derivative of tanh from its value. */
INLINE_AVX2 __m256 tanh_slope(__m256 x) { return _mm256_fnmadd_ps(x, x, _mm256_set1_ps(1)); }

/* Eight lanes at p, or the first lanes of `mask` (a row's last, shorter vector) when `partial`. */
INLINE_AVX2 __m256 ld(const float *p, int partial, __m256i mask) {
    return partial ? _mm256_maskload_ps(p, mask) : _mm256_loadu_ps(p);
}

INLINE_AVX2 void st(float *p, __m256 v, int partial, __m256i mask) {
    if (partial) _mm256_maskstore_ps(p, mask, v);
    else _mm256_storeu_ps(p, v);
}

/* Runs the body (the last argument) for every row r and every vector of eight units starting at unit j, with `partial`
   and `mask` describing the row's last vector when units is not a multiple of eight. */
#define FOR_UNITS(rows, units, ...)                                                               \
    do {                                                                                          \
        const __m256i lanes_ = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);                         \
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)((units) % 8)), lanes_);   \
        for (long r = 0; r < (rows); r++) {                                                       \
            for (long j = 0; j < (units); j += 8) {                                               \
                const int partial = j + 8 > (units);                                              \
                __VA_ARGS__                                                                       \
            }                                                                                     \
        }                                                                                         \
    } while (0)

AVX2 static void exp_avx2(const float *x, float *y, long n) {
    FOR_UNITS(1, n, { st(y + j, exp8(ld(x + j, partial, mask)), partial, mask); });
}

AVX2 static void forward_avx2(int kind, long rows, long u, float *gates, const float *si, const float *prev,
                              const float *prev_cell, float *state, float *cell) {
    const __m256 one = _mm256_set1_ps(1);
    if (kind == NETS_CELL_TANH) {
        FOR_UNITS(rows, u, {
            float *g = gates + r * u + j;
            const __m256 h = tanh8(_mm256_add_ps(ld(g, partial, mask), ld(si + r * u + j, partial, mask)));
            st(g, h, partial, mask);
            st(state + r * u + j, h, partial, mask);
        });
    } else if (kind == NETS_CELL_GRU) {
        FOR_UNITS(rows, u, {
            float *g = gates + r * 3 * u + j;
            const float *s = si + r * 3 * u + j;
            const __m256 i = sigmoid8(_mm256_add_ps(ld(g, partial, mask), ld(s, partial, mask)));
            const __m256 rr = sigmoid8(_mm256_add_ps(ld(g + u, partial, mask), ld(s + u, partial, mask)));
            const __m256 m = tanh8(_mm256_fmadd_ps(rr, ld(s + 2 * u, partial, mask), ld(g + 2 * u, partial, mask)));
            const __m256 hp = ld(prev + r * u + j, partial, mask);
            st(g, i, partial, mask);
            st(g + u, rr, partial, mask);
            st(g + 2 * u, m, partial, mask);
            st(state + r * u + j, _mm256_fmadd_ps(i, hp, _mm256_mul_ps(_mm256_sub_ps(one, i), m)), partial, mask);
        });
    } else {
        FOR_UNITS(rows, u, {
            float *g = gates + r * 4 * u + j;
            const float *s = si + r * 4 * u + j;
            const __m256 i = sigmoid8(_mm256_add_ps(ld(g, partial, mask), ld(s, partial, mask)));
            const __m256 o = sigmoid8(_mm256_add_ps(ld(g + u, partial, mask), ld(s + u, partial, mask)));
            const __m256 f = sigmoid8(_mm256_add_ps(ld(g + 2 * u, partial, mask), ld(s + 2 * u, partial, mask)));
            const __m256 m = tanh8(_mm256_add_ps(ld(g + 3 * u, partial, mask), ld(s + 3 * u, partial, mask)));
            const __m256 c = _mm256_fmadd_ps(f, ld(prev_cell + r * u + j, partial, mask), _mm256_mul_ps(i, m));
            st(g, i, partial, mask);
            st(g + u, o, partial, mask);
            st(g + 2 * u, f, partial, mask);
            st(g + 3 * u, m, partial, mask);
            st(cell + r * u + j, c, partial, mask);
            st(state + r * u + j, _mm256_mul_ps(o, tanh8(c)), partial, mask);
        });
    }
}

AVX2 static void backward_avx2(int kind, long rows, long u, const float *gates, const float *si, const float *prev,
                               const float *prev_cell, const float *cell, const float *dy, long ldy,
                               const float *d_next, float *d_cell, float *dg, float *dsi, float *d_prev) {
    const __m256 one = _mm256_set1_ps(1);
    if (kind == NETS_CELL_TANH) {
        FOR_UNITS(rows, u, {
            const __m256 dh = _mm256_add_ps(ld(dy + r * ldy + j, partial, mask), ld(d_next + r * u + j, partial, mask));
            st(dg + r * u + j, _mm256_mul_ps(dh, tanh_slope(ld(gates + r * u + j, partial, mask))), partial, mask);
            st(d_prev + r * u + j, _mm256_setzero_ps(), partial, mask);
        });
    } else if (kind == NETS_CELL_GRU) {
        FOR_UNITS(rows, u, {
            const float *g = gates + r * 3 * u + j;
            const __m256 dh = _mm256_add_ps(ld(dy + r * ldy + j, partial, mask), ld(d_next + r * u + j, partial, mask));
            const __m256 i = ld(g, partial, mask), rr = ld(g + u, partial, mask), m = ld(g + 2 * u, partial, mask);
            const __m256 sm = ld(si + r * 3 * u + 2 * u + j, partial, mask);
            const __m256 hp = ld(prev + r * u + j, partial, mask);
            const __m256 di = _mm256_mul_ps(_mm256_mul_ps(dh, _mm256_sub_ps(hp, m)), sigmoid_slope(i));
            const __m256 dm = _mm256_mul_ps(_mm256_mul_ps(dh, _mm256_sub_ps(one, i)), tanh_slope(m));
            const __m256 dr = _mm256_mul_ps(_mm256_mul_ps(dm, sm), sigmoid_slope(rr));
            float *d = dg + r * 3 * u + j, *ds = dsi + r * 3 * u + j;
            st(d, di, partial, mask);
            st(d + u, dr, partial, mask);
            st(d + 2 * u, dm, partial, mask);
            st(ds, di, partial, mask);
            st(ds + u, dr, partial, mask);
            st(ds + 2 * u, _mm256_mul_ps(dm, rr), partial, mask);
            st(d_prev + r * u + j, _mm256_mul_ps(dh, i), partial, mask);
        });
    } else {
        FOR_UNITS(rows, u, {
            const float *g = gates + r * 4 * u + j;
            const __m256 dh = _mm256_add_ps(ld(dy + r * ldy + j, partial, mask), ld(d_next + r * u + j, partial, mask));
            const __m256 i = ld(g, partial, mask), o = ld(g + u, partial, mask);
            const __m256 f = ld(g + 2 * u, partial, mask), m = ld(g + 3 * u, partial, mask);
            const __m256 tc = tanh8(ld(cell + r * u + j, partial, mask));
            const __m256 dc = _mm256_fmadd_ps(_mm256_mul_ps(dh, o), tanh_slope(tc), ld(d_cell + r * u + j, partial, mask));
            float *d = dg + r * 4 * u + j;
            st(d, _mm256_mul_ps(_mm256_mul_ps(dc, m), sigmoid_slope(i)), partial, mask);
            st(d + u, _mm256_mul_ps(_mm256_mul_ps(dh, tc), sigmoid_slope(o)), partial, mask);
            st(d + 2 * u, _mm256_mul_ps(_mm256_mul_ps(dc, ld(prev_cell + r * u + j, partial, mask)), sigmoid_slope(f)),
               partial, mask);
            st(d + 3 * u, _mm256_mul_ps(_mm256_mul_ps(dc, i), tanh_slope(m)), partial, mask);
            st(d_cell + r * u + j, _mm256_mul_ps(dc, f), partial, mask);
            st(d_prev + r * u + j, _mm256_setzero_ps(), partial, mask);
        });
    }
}
#define HAVE_RECURRENT_AVX2 1

/* The panel GEMM: for each 32-column panel of B, rows of A eight (or fewer) at a time, their
   2 x 8 accumulators in registers over the whole of k. */

INLINE_AVX512 void panel_rows(const int mr, long k, const float *a, long lda, const float *bp, float *c, long ldc,
                              int accumulate, __mmask16 m0, __mmask16 m1) {
    __m512 acc[8][2];
    for (int r = 0; r < mr; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (long i = 0; i < k; i++) {
        const __m512 b0 = _mm512_loadu_ps(bp + i * 32), b1 = _mm512_loadu_ps(bp + i * 32 + 16);
        for (int r = 0; r < mr; r++) {
            const __m512 av = _mm512_set1_ps(a[r * lda + i]);
            acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
        }
    }
    for (int r = 0; r < mr; r++) {
        float *cr = c + r * ldc;
        if (accumulate) {
            acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_maskz_loadu_ps(m0, cr));
            acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_maskz_loadu_ps(m1, cr + 16));
        }
        _mm512_mask_storeu_ps(cr, m0, acc[r][0]);
        _mm512_mask_storeu_ps(cr + 16, m1, acc[r][1]);
    }
}

AVX512 static void gemm_panel32_avx512(long m, long n, long k, const float *a, long lda, const float *packed, float *c,
                                       long ldc, int accumulate) {
    for (long p = 0; p * 32 < n; p++) {
        const long left = n - p * 32;
        const __mmask16 m0 = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
        const __mmask16 m1 = left >= 32 ? 0xFFFF : left <= 16 ? 0 : (__mmask16)((1u << (left - 16)) - 1);
        const float *bp = packed + p * 32 * k;
        long r = 0;
        for (; r + 8 <= m; r += 8) panel_rows(8, k, a + r * lda, lda, bp, c + r * ldc + p * 32, ldc, accumulate, m0, m1);
        const float *ar = a + r * lda;
        float *cr = c + r * ldc + p * 32;
        switch (m - r) {
        case 7: panel_rows(7, k, ar, lda, bp, cr, ldc, accumulate, m0, m1); break;
        case 6: panel_rows(6, k, ar, lda, bp, cr, ldc, accumulate, m0, m1); break;
        case 5: panel_rows(5, k, ar, lda, bp, cr, ldc, accumulate, m0, m1); break;
        case 4: panel_rows(4, k, ar, lda, bp, cr, ldc, accumulate, m0, m1); break;
        case 3: panel_rows(3, k, ar, lda, bp, cr, ldc, accumulate, m0, m1); break;
        case 2: panel_rows(2, k, ar, lda, bp, cr, ldc, accumulate, m0, m1); break;
        case 1: panel_rows(1, k, ar, lda, bp, cr, ldc, accumulate, m0, m1); break;
        default: break;
        }
    }
}
#define HAVE_PANEL_AVX512 1

/* The LSTM cell sixteen units at a time, for AVX-512: the same arithmetic as the AVX2 cell, but
   each 1 / d as a 14-bit reciprocal refined by one Newton step (within 2 ulp; the division took
   half of the eight-lane cell's time). */
INLINE_AVX512 __m512 exp16(__m512 x) {
    x = _mm512_min_ps(_mm512_set1_ps(88.0f), x);
    x = _mm512_max_ps(_mm512_set1_ps(-87.3f), x);
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    const __m512 y = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1)));
    const __m512i scale = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(y, _mm512_castsi512_ps(scale));
}

/* 1 / d for d >= 1 (so the reciprocal is never subnormal). */
INLINE_AVX512 __m512 recip16(__m512 d) {
    const __m512 r = _mm512_rcp14_ps(d);
    return _mm512_fmadd_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(1)), r);
}

INLINE_AVX512 __m512 sigmoid16(__m512 a) {
    return recip16(_mm512_add_ps(_mm512_set1_ps(1), exp16(_mm512_sub_ps(_mm512_setzero_ps(), a))));
}

INLINE_AVX512 __m512 tanh16(__m512 a) {
    const __m512 one = _mm512_set1_ps(1);
    return _mm512_fnmadd_ps(_mm512_set1_ps(2), recip16(_mm512_add_ps(exp16(_mm512_add_ps(a, a)), one)), one);
}

INLINE_AVX512 __m512 sigmoid_slope16(__m512 x) { return _mm512_mul_ps(x, _mm512_sub_ps(_mm512_set1_ps(1), x)); }
INLINE_AVX512 __m512 tanh_slope16(__m512 x) { return _mm512_fnmadd_ps(x, x, _mm512_set1_ps(1)); }

/* Runs the body for every row r and every vector of sixteen units starting at unit j, `mask`
   selecting the units that exist. */
#define FOR_UNITS16(rows, units, ...)                                                             \
    do {                                                                                          \
        for (long r = 0; r < (rows); r++) {                                                       \
            for (long j = 0; j < (units); j += 16) {                                              \
                const __mmask16 mask = j + 16 <= (units) ? (__mmask16)0xFFFF                      \
                                                         : (__mmask16)((1u << ((units) - j)) - 1); \
                __VA_ARGS__                                                                       \
            }                                                                                     \
        }                                                                                         \
    } while (0)
#define LD16(p) _mm512_maskz_loadu_ps(mask, (p))
#define ST16(p, v) _mm512_mask_storeu_ps((p), mask, (v))

AVX512 static void lstm_forward_avx512(long rows, long u, float *gates, const float *si, const float *prev_cell,
                                       float *state, float *cell) {
    FOR_UNITS16(rows, u, {
        float *g = gates + r * 4 * u + j;
        const float *s = si + r * 4 * u + j;
        const __m512 i = sigmoid16(_mm512_add_ps(LD16(g), LD16(s)));
        const __m512 o = sigmoid16(_mm512_add_ps(LD16(g + u), LD16(s + u)));
        const __m512 f = sigmoid16(_mm512_add_ps(LD16(g + 2 * u), LD16(s + 2 * u)));
        const __m512 m = tanh16(_mm512_add_ps(LD16(g + 3 * u), LD16(s + 3 * u)));
        const __m512 c = _mm512_fmadd_ps(f, LD16(prev_cell + r * u + j), _mm512_mul_ps(i, m));
        ST16(g, i);
        ST16(g + u, o);
        ST16(g + 2 * u, f);
        ST16(g + 3 * u, m);
        ST16(cell + r * u + j, c);
        ST16(state + r * u + j, _mm512_mul_ps(o, tanh16(c)));
    });
}

AVX512 static void lstm_backward_avx512(long rows, long u, const float *gates, const float *prev_cell, const float *cell,
                                        const float *dy, long ldy, const float *d_next, float *d_cell, float *dg,
                                        float *d_prev) {
    FOR_UNITS16(rows, u, {
        const float *g = gates + r * 4 * u + j;
        const __m512 dh = _mm512_add_ps(LD16(dy + r * ldy + j), LD16(d_next + r * u + j));
        const __m512 i = LD16(g), o = LD16(g + u), f = LD16(g + 2 * u), m = LD16(g + 3 * u);
        const __m512 tc = tanh16(LD16(cell + r * u + j));
        const __m512 dc = _mm512_fmadd_ps(_mm512_mul_ps(dh, o), tanh_slope16(tc), LD16(d_cell + r * u + j));
        float *d = dg + r * 4 * u + j;
        ST16(d, _mm512_mul_ps(_mm512_mul_ps(dc, m), sigmoid_slope16(i)));
        ST16(d + u, _mm512_mul_ps(_mm512_mul_ps(dh, tc), sigmoid_slope16(o)));
        ST16(d + 2 * u, _mm512_mul_ps(_mm512_mul_ps(dc, LD16(prev_cell + r * u + j)), sigmoid_slope16(f)));
        ST16(d + 3 * u, _mm512_mul_ps(_mm512_mul_ps(dc, i), tanh_slope16(m)));
        ST16(d_cell + r * u + j, _mm512_mul_ps(dc, f));
        ST16(d_prev + r * u + j, _mm512_setzero_ps());
    });
}

AVX512 static void exp_avx512(const float *x, float *y, long n) {
    FOR_UNITS16(1, n, { ST16(y + j, exp16(LD16(x + j))); });
}
#define HAVE_LSTM_AVX512 1
#endif

long nets_panel32_count(long k, long n) { return (n + 31) / 32 * 32 * k; }

void nets_pack_panel32(const float *b, long k, long n, int transposed, float *packed) {
    for (long p = 0; p * 32 < n; p++) {
        for (long i = 0; i < k; i++) {
            float *out = packed + (p * k + i) * 32;
            for (long l = 0; l < 32; l++) {
                const long j = p * 32 + l;
                out[l] = j < n ? (transposed ? b[j * k + i] : b[i * n + j]) : 0;
            }
        }
    }
}

int nets_gemm_panel32(long m, long n, long k, const float *a, long lda, const float *packed, float *c, long ldc,
                      int accumulate) {
#ifdef HAVE_PANEL_AVX512
    if (nets_cpu_vector_level() < 2 || m < 0 || n < 0 || k < 0) return 0;
    gemm_panel32_avx512(m, n, k, a, lda, packed, c, ldc, accumulate);
    return 1;
#else
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)packed; (void)c; (void)ldc; (void)accumulate;
    return 0;
#endif
}

static int valid(int kind, long rows, long units) {
    return kind >= NETS_CELL_TANH && kind <= NETS_CELL_LSTM && rows >= 0 && units >= 0 && units <= (1L << 30);
}

int nets_exp_vector(const float *x, float *y, long n, int wide) {
#ifdef HAVE_LSTM_AVX512
    if (wide && nets_cpu_vector_level() >= 2 && n >= 0) {
        exp_avx512(x, y, n);
        return 1;
    }
#endif
#ifdef HAVE_RECURRENT_AVX2
    if (wide || nets_cpu_vector_level() < 1 || n < 0) return 0;
    exp_avx2(x, y, n);
    return 1;
#else
    (void)x; (void)y; (void)n; (void)wide;
    return 0;
#endif
}

int nets_cell_forward(int kind, long rows, long units, float *gates, const float *state_inputs, const float *prev,
                      const float *prev_cell, float *state, float *cell) {
#ifdef HAVE_RECURRENT_AVX2
    if (!nets_vector_kernels() || !valid(kind, rows, units)) return 0;
#ifdef HAVE_LSTM_AVX512
    if (kind == NETS_CELL_LSTM && nets_cpu_vector_level() >= 2) {
        lstm_forward_avx512(rows, units, gates, state_inputs, prev_cell, state, cell);
        return 1;
    }
#endif
    forward_avx2(kind, rows, units, gates, state_inputs, prev, prev_cell, state, cell);
    return 1;
#else
    (void)kind; (void)rows; (void)units; (void)gates; (void)state_inputs; (void)prev; (void)prev_cell; (void)state;
    (void)cell;
    return 0;
#endif
}

int nets_cell_backward(int kind, long rows, long units, const float *gates, const float *state_inputs,
                       const float *prev, const float *prev_cell, const float *cell, const float *dy, long ldy,
                       const float *d_next, float *d_cell, float *d_gates, float *d_state_inputs, float *d_prev) {
#ifdef HAVE_RECURRENT_AVX2
    if (!nets_vector_kernels() || !valid(kind, rows, units)) return 0;
#ifdef HAVE_LSTM_AVX512
    if (kind == NETS_CELL_LSTM && nets_cpu_vector_level() >= 2) {
        lstm_backward_avx512(rows, units, gates, prev_cell, cell, dy, ldy, d_next, d_cell, d_gates, d_prev);
        return 1;
    }
#endif
    backward_avx2(kind, rows, units, gates, state_inputs, prev, prev_cell, cell, dy, ldy, d_next, d_cell, d_gates,
                  d_state_inputs, d_prev);
    return 1;
#else
    (void)kind; (void)rows; (void)units; (void)gates; (void)state_inputs; (void)prev; (void)prev_cell; (void)cell;
    (void)dy; (void)ldy; (void)d_next; (void)d_cell; (void)d_gates; (void)d_state_inputs; (void)d_prev;
    return 0;
#endif
}
