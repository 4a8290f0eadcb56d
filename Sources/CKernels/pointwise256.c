/* The AVX2 1x1 convolution vectorised over positions, on weights packed in blocks of 16 output
   channels (see pointwise256.h). Compiled for AVX2 + FMA function by function and called only
   after nets_vector_kernels() reports them. */
#include "pointwise256.h"
#include "vector_common.h"

#ifdef NETS_X86
/* Floats of x that one position panel holds: 32 KB, the L1 cache. */
#define PANEL 8192L

/* R output channels x NV vectors of eight positions. `pw` is the block's packed weights moved
   to the tile's first channel (the weight of channel r for input channel p at pw[16 p + r]),
   `bias` the tile's biases, x, y and res moved to the tile's first position (y and res also to
   its first channel). The last vector's lanes are those of `last` unless FULL; only the first
   `live` channels are stored. R * NV accumulators, NV loads and R broadcasts per input channel. */
INLINE_AVX2 void tile(const int R, const int NV, const int FULL, const float *pw, const float *bias, long k,
                      const float *x, long ldx, __m256i last, long live, float *y, long ldy, const float *res, long ldr,
                      int act) {
    __m256 acc[8][2];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++) acc[r][v] = _mm256_broadcast_ss(bias + r);
    for (long p = 0; p < k; p++) {
        const float *xr = x + p * ldx;
        __m256 xv[2];
        for (int v = 0; v < NV; v++)
            xv[v] = FULL || v + 1 < NV ? _mm256_loadu_ps(xr + 8 * v) : _mm256_maskload_ps(xr + 8 * v, last);
        const float *w = pw + 16 * p;
        for (int r = 0; r < R; r++) {
            const __m256 wr = _mm256_broadcast_ss(w + r);
            for (int v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(wr, xv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < R && r < live; r++) {
        float *yr = y + r * ldy;
        const float *rr = res ? res + r * ldr : NULL;
        for (int v = 0; v < NV; v++) {
            __m256 a = acc[r][v];
            const int whole = FULL || v + 1 < NV;
            if (rr) a = _mm256_add_ps(a, whole ? _mm256_loadu_ps(rr + 8 * v) : _mm256_maskload_ps(rr + 8 * v, last));
            a = activate8(a, act);
            if (whole) _mm256_storeu_ps(yr + 8 * v, a);
            else _mm256_maskstore_ps(yr + 8 * v, last, a);
        }
    }
}

/* One block of 16 channels (`live` of them real) at the n <= 16 positions from the tile's
   first: two vectors in groups of 6, 6 and 4 channels (12 accumulators, two loads and six
   broadcasts per input channel; groups of 4 for a block of at most eight live channels), or,
   for at most eight positions, one vector in groups of 8. A group never reads past the block's
   weights. */
AVX2 static void block_tiles(long n, const float *pw, const float *bias, long k, const float *xq, long ldx, long live,
                             float *yq, long ldy, const float *rq, long ldr, int act) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i last = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n > 8 ? n - 8 : n)), lanes);
#define TILE(R, NV, FULL, r0)                                                                                        \
    tile(R, NV, FULL, pw + (r0), bias + (r0), k, xq, ldx, last, live - (r0), yq + (r0) * ldy, ldy,                   \
         rq ? rq + (r0) * ldr : NULL, ldr, act)
/* A last block of at most eight channels (24 outputs: 16 + 8) as groups of 4, not 6 + 6 with
   four of the twelve rows computed for nothing. */
#define GROUPS(FULL)                                                                                                 \
    if (live <= 4) {                                                                                                 \
        TILE(4, 2, FULL, 0);                                                                                         \
    } else if (live <= 8) {                                                                                          \
        TILE(4, 2, FULL, 0);                                                                                         \
        TILE(4, 2, FULL, 4);                                                                                         \
    } else {                                                                                                         \
        TILE(6, 2, FULL, 0);                                                                                         \
        TILE(6, 2, FULL, 6);                                                                                         \
        if (live > 12) TILE(4, 2, FULL, 12);                                                                         \
    }
    if (n > 8) {
        if (n == 16) {
            GROUPS(1)
        } else {
            GROUPS(0)
        }
    } else if (n == 8) {
        TILE(8, 1, 1, 0);
        if (live > 8) TILE(8, 1, 1, 8);
    } else {
        TILE(8, 1, 0, 0);
        if (live > 8) TILE(8, 1, 0, 8);
    }
#undef GROUPS
#undef TILE
}

/* Position panels whose k x width slice of x stays in L1 while every block and group reads it
   (as the unpacked small-k kernel does), tiles of 16 positions across each panel. */
AVX2 static void pointwise_positions(const float *packed, const float *bias16, long o, long k, const float *x, long ldx,
                                     long p0, long p1, float *y, long ldy, const float *residual, long ldr, int act,
                                     long blk0, long blk1) {
    long width = PANEL / k / 16 * 16;
    if (width < 16) width = 16;
    for (long q0 = p0; q0 < p1; q0 += width) {
        const long q1 = q0 + width < p1 ? q0 + width : p1;
        for (long blk = blk0; blk < blk1; blk++) {
            const long oc0 = 16 * blk, live = o - oc0 < 16 ? o - oc0 : 16;
            const float *pw = packed + oc0 * k, *bias = bias16 + oc0;
            for (long q = q0; q < q1; q += 16) {
                const long n = q1 - q < 16 ? q1 - q : 16;
                block_tiles(n, pw, bias, k, x + q, ldx, live, y + oc0 * ldy + q, ldy,
                            residual ? residual + oc0 * ldr + q : NULL, ldr, act);
            }
        }
    }
}

int nets_pointwise_positions_avx2(const float *packed, const float *bias16, long o, long k, const float *x, long ldx,
                                  long p0, long p1, float *y, long ldy, const float *residual, long ldr, int activation,
                                  long blk0, long blk1) {
    if (!nets_vector_kernels() || o < 1 || k < 1 || p0 < 0 || p1 < p0 || blk0 < 0 || blk1 > (o + 15) / 16) return 0;
    pointwise_positions(packed, bias16, o, k, x, ldx, p0, p1, y, ldy, residual, ldr, activation, blk0, blk1);
    return 1;
}

#else

int nets_pointwise_positions_avx2(const float *packed, const float *bias16, long o, long k, const float *x, long ldx,
                                  long p0, long p1, float *y, long ldy, const float *residual, long ldr, int activation,
                                  long blk0, long blk1) {
    (void)packed; (void)bias16; (void)o; (void)k; (void)x; (void)ldx; (void)p0; (void)p1; (void)y; (void)ldy;
    (void)residual; (void)ldr; (void)activation; (void)blk0; (void)blk1;
    return 0;
}

#endif
