/* AVX-512 kernels for inference plans, compiled for AVX-512 function by function and called
   only after nets_cpu_vector_level() reports it (see pointwise512.h). */
#include "pointwise512.h"
#include "vector_common.h"

#ifdef NETS_X86

/* A 16 x 16 tile: output channels 16 blk + [0, live) at the positions [q, q + 16) selected by `m`.
   Sixteen accumulators (one per output channel, sixteen positions each) start at the biases;
   each input channel adds a broadcast weight times one (masked) load of x's row. */
INLINE_AVX512 void tile16(const float *pw, const float *bias16, long k, const float *x, long ldx, long q, __mmask16 m,
                          long live, float *y, long ldy, const float *res, long ldr, int act) {
    __m512 acc[16];
    for (int l = 0; l < 16; l++) acc[l] = _mm512_set1_ps(bias16[l]);
    const float *xq = x + q;
    for (long p = 0; p < k; p++) {
        const __m512 v = _mm512_maskz_loadu_ps(m, xq + p * ldx);
        const float *w = pw + 16 * p;
        for (int l = 0; l < 16; l++) acc[l] = _mm512_fmadd_ps(_mm512_set1_ps(w[l]), v, acc[l]);
    }
    for (long l = 0; l < live; l++) {
        __m512 a = acc[l];
        if (res) a = _mm512_add_ps(a, _mm512_maskz_loadu_ps(m, res + l * ldr + q));
        _mm512_mask_storeu_ps(y + l * ldy + q, m, activate16(a, act));
    }
}


/* Eight output channels (half a packed block: `half` 0 or 1) x 48 positions: 24 accumulators,
   three loads of x and eight broadcasts per input channel. */
INLINE_AVX512 void tile8x3(const float *pw, const float *bias16, int half, long k, const float *x, long ldx, long q,
                           __mmask16 m2, long live, float *y, long ldy, const float *res, long ldr, int act) {
    __m512 a0[8], a1[8], a2[8];
    for (int l = 0; l < 8; l++) a0[l] = a1[l] = a2[l] = _mm512_set1_ps(bias16[8 * half + l]);
    const float *xq = x + q;
    for (long p = 0; p < k; p++) {
        const float *xr = xq + p * ldx;
        const __m512 v0 = _mm512_loadu_ps(xr), v1 = _mm512_loadu_ps(xr + 16), v2 = _mm512_maskz_loadu_ps(m2, xr + 32);
        const float *w = pw + 16 * p + 8 * half;
        for (int l = 0; l < 8; l++) {
            const __m512 wl = _mm512_set1_ps(w[l]);
            a0[l] = _mm512_fmadd_ps(wl, v0, a0[l]);
            a1[l] = _mm512_fmadd_ps(wl, v1, a1[l]);
            a2[l] = _mm512_fmadd_ps(wl, v2, a2[l]);
        }
    }
    for (long l = 0; l < live; l++) {
        const long r = 8 * half + l;
        __m512 b0 = a0[l], b1 = a1[l], b2 = a2[l];
        if (res) {
            const float *rr = res + r * ldr + q;
            b0 = _mm512_add_ps(b0, _mm512_loadu_ps(rr));
            b1 = _mm512_add_ps(b1, _mm512_loadu_ps(rr + 16));
            b2 = _mm512_add_ps(b2, _mm512_maskz_loadu_ps(m2, rr + 32));
        }
        float *yr = y + r * ldy + q;
        _mm512_storeu_ps(yr, activate16(b0, act));
        _mm512_storeu_ps(yr + 16, activate16(b1, act));
        _mm512_mask_storeu_ps(yr + 32, m2, activate16(b2, act));
    }
}

/* Position panels whose k x width slice of x stays in L2 while every block reads it; inside a
   panel, each block's packed weights (16 k floats) stay in L1 across the panel's tiles. Tiles
   are 8 channels x 48 positions (the last vector masked) while more than 32 positions remain,
   then 16 x 16 (masked) for the rest. */
AVX512 static void pointwise_avx512(const float *packed, const float *bias16, long o, long k, const float *x, long ldx,
                                    long p0, long p1, float *y, long ldy, const float *residual, long ldr, int act,
                                    long blk0, long blk1) {
    long width = 32768 / k / 16 * 16;
    if (width < 16) width = 16;
    for (long q0 = p0; q0 < p1; q0 += width) {
        const long q1 = q0 + width < p1 ? q0 + width : p1;
        for (long blk = blk0; blk < blk1; blk++) {
            const long oc0 = 16 * blk, live = o - oc0 < 16 ? o - oc0 : 16;
            const float *pw = packed + oc0 * k, *res = residual ? residual + oc0 * ldr : NULL;
            float *yb = y + oc0 * ldy;
            long q = q0;
            for (; q + 33 <= q1; q += 48) {
                const long n = q1 - q - 32 < 16 ? q1 - q - 32 : 16;
                const __mmask16 m2 = (__mmask16)((1u << n) - 1);
                for (int half = 0; half < 2 && 8 * half < live; half++)
                    tile8x3(pw, bias16 + oc0, half, k, x, ldx, q, m2, live - 8 * half < 8 ? live - 8 * half : 8, yb, ldy, res, ldr, act);
            }
            for (; q < q1; q += 16) {
                const long n = q1 - q < 16 ? q1 - q : 16;
                const __mmask16 m = (__mmask16)((1u << n) - 1);
                tile16(pw, bias16 + oc0, k, x, ldx, q, m, live, yb, ldy, res, ldr, act);
            }
        }
    }
}

/* Output-channel-vectorised tile: nb (1 or 2) blocks of 16 output channels x np (at most 7)
   positions from q, over kn input channels: acc[b][j] holds the 16 channels of position q + j,
   fed per input channel by one load of each block's packed weights (`pw`, the first block's
   weights at the chunk's first input channel; the second block's are 16 k floats on) and one
   broadcast of x per position. The sums start at the biases (`first`) or at `part`, where a
   tile that is not the last chunk leaves them; the last chunk's epilogue scatters each
   position's channels to their rows (gathering the residual the same way), the lanes past the
   live channels masked off. */
INLINE_AVX512 void oc_tile(const int nb, const int np, const float *pw, long k, long kn, const float *bias16,
                           const float *x, long ldx, long q, float *part, int first, int last, float *y, long ldy,
                           const float *res, long ldr, long live, int act) {
    __m512 acc[2][7];
    for (int b = 0; b < nb; b++) {
        const __m512 start = _mm512_loadu_ps(bias16 + 16 * b);
        for (int j = 0; j < np; j++) acc[b][j] = first ? start : _mm512_load_ps(part + 16 * (7 * b + j));
    }
    const float *w1 = pw + 16 * k;
    for (long p = 0; p < kn; p++) {
        const __m512 a0 = _mm512_loadu_ps(pw + 16 * p), a1 = nb > 1 ? _mm512_loadu_ps(w1 + 16 * p) : a0;
        const float *xp = x + p * ldx + q;
        for (int j = 0; j < np; j++) {
            const __m512 v = _mm512_set1_ps(xp[j]);
            acc[0][j] = _mm512_fmadd_ps(a0, v, acc[0][j]);
            if (nb > 1) acc[1][j] = _mm512_fmadd_ps(a1, v, acc[1][j]);
        }
    }
    if (!last) {
        for (int b = 0; b < nb; b++)
            for (int j = 0; j < np; j++) _mm512_store_ps(part + 16 * (7 * b + j), acc[b][j]);
        return;
    }
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i rows = _mm512_mullo_epi32(lanes, _mm512_set1_epi32((int)ldy));
    const __m512i rrows = _mm512_mullo_epi32(lanes, _mm512_set1_epi32((int)ldr));
    for (int b = 0; b < nb; b++) {
        const long n = live - 16 * b < 16 ? live - 16 * b : 16;
        const __mmask16 m = (__mmask16)((1u << n) - 1);
        for (int j = 0; j < np; j++) {
            __m512 v = acc[b][j];
            if (res) v = _mm512_add_ps(v, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, rrows, res + 16 * b * ldr + q + j, 4));
            _mm512_mask_i32scatter_ps(y + 16 * b * ldy + q + j, m, rows, activate16(v, act), 4);
        }
    }
}

#define OC_TILE(NP)                                                                                                 \
    case NP:                                                                                                        \
        if (nb == 2) oc_tile(2, NP, pwc, k, kn, bias16 + oc0, xc, ldx, q, pt, kc == 0, kc + kn >= k, yb, ldy, rb,   \
                             ldr, live, act);                                                                       \
        else oc_tile(1, NP, pwc, k, kn, bias16 + oc0, xc, ldx, q, pt, kc == 0, kc + kn >= k, yb, ldy, rb, ldr,      \
                     live, act);                                                                                    \
        break;

/* Floats of x and weights that one chunk of input channels keeps in L1 (32 KB of the 48). */
#define CH512_CHUNK_FLOATS 8192
/* Tiles of seven positions per panel: their partial sums (7 KB) stay in L1 with the chunk. */
#define CH512_TILES 8

/* Panels of at most 56 positions x pairs of blocks x chunks of input channels x tiles of seven
   positions (the last tile shorter). A chunk's rows of x (chunk x panel floats) and the pair's
   weights for it (chunk x 32 floats) stay in L1 while every tile of the panel reads them; over
   all of k at once (960 channels at 7 x 7: 123 KB of weights, 188 KB of x), each tile streamed
   both from L2 again. */
AVX512 static void pointwise_channels512(const float *packed, const float *bias16, long o, long k, const float *x,
                                         long ldx, long p0, long p1, float *y, long ldy, const float *residual,
                                         long ldr, int act, long blk0, long blk1) {
    float part[CH512_TILES * 2 * 7 * 16] __attribute__((aligned(64)));
    for (long q0 = p0; q0 < p1; q0 += 7 * CH512_TILES) {
        const long q1 = q0 + 7 * CH512_TILES < p1 ? q0 + 7 * CH512_TILES : p1;
        long most = CH512_CHUNK_FLOATS / (q1 - q0 + 32);
        if (most < 16) most = 16;
        const long chunks = (k + most - 1) / most, chunk = (k + chunks - 1) / chunks;
        for (long blk = blk0; blk < blk1; blk += 2) {
            const int nb = blk + 1 < blk1 ? 2 : 1;
            const long oc0 = 16 * blk, live = o - oc0 < 16 * nb ? o - oc0 : 16 * nb;
            const float *rb = residual ? residual + oc0 * ldr : NULL;
            float *yb = y + oc0 * ldy;
            for (long kc = 0; kc < k; kc += chunk) {
                const long kn = k - kc < chunk ? k - kc : chunk;
                const float *pwc = packed + oc0 * k + 16 * kc, *xc = x + kc * ldx;
                float *pt = part;
                for (long q = q0; q < q1; q += 7, pt += 2 * 7 * 16) {
                    switch (q1 - q < 7 ? q1 - q : 7) {
                        OC_TILE(7)
                        OC_TILE(6)
                        OC_TILE(5)
                        OC_TILE(4)
                        OC_TILE(3)
                        OC_TILE(2)
                        OC_TILE(1)
                    }
                }
            }
        }
    }
}

int nets_pointwise_channels_avx512(const float *packed, const float *bias16, long o, long k, const float *x, long ldx,
                                   long p0, long p1, float *y, long ldy, const float *residual, long ldr, int activation,
                                   long blk0, long blk1) {
    /* The scatter's row offsets (15 rows of ldy) must fit in 32 bits. */
    if (nets_cpu_vector_level() < 2 || !nets_vector_kernels() || o < 1 || k < 1 || p0 < 0 || p1 < p0 || blk0 < 0 ||
        blk1 > (o + 15) / 16 || ldy < 0 || ldy > (1L << 26) || ldr < 0 || ldr > (1L << 26))
        return 0;
    pointwise_channels512(packed, bias16, o, k, x, ldx, p0, p1, y, ldy, residual, ldr, activation, blk0, blk1);
    return 1;
}

int nets_pointwise_avx512(const float *packed, const float *bias16, long o, long k, const float *x, long ldx, long p0,
                          long p1, float *y, long ldy, const float *residual, long ldr, int activation, long blk0,
                          long blk1) {
    if (nets_cpu_vector_level() < 2 || !nets_vector_kernels() || o < 1 || k < 1 || p0 < 0 || p1 < p0 || blk0 < 0 ||
        blk1 > (o + 15) / 16)
        return 0;
    pointwise_avx512(packed, bias16, o, k, x, ldx, p0, p1, y, ldy, residual, ldr, activation, blk0, blk1);
    return 1;
}

#else

int nets_pointwise_channels_avx512(const float *packed, const float *bias16, long o, long k, const float *x, long ldx,
                                   long p0, long p1, float *y, long ldy, const float *residual, long ldr, int activation,
                                   long blk0, long blk1) {
    (void)packed; (void)bias16; (void)o; (void)k; (void)x; (void)ldx; (void)p0; (void)p1; (void)y; (void)ldy;
    (void)residual; (void)ldr; (void)activation; (void)blk0; (void)blk1;
    return 0;
}

int nets_pointwise_avx512(const float *packed, const float *bias16, long o, long k, const float *x, long ldx, long p0,
                          long p1, float *y, long ldy, const float *residual, long ldr, int activation, long blk0,
                          long blk1) {
    (void)packed; (void)bias16; (void)o; (void)k; (void)x; (void)ldx; (void)p0; (void)p1; (void)y; (void)ldy;
    (void)residual; (void)ldr; (void)activation; (void)blk0; (void)blk1;
    return 0;
}

#endif
