#ifndef NETS_DEPTHWISE256_H
#define NETS_DEPTHWISE256_H

/* AVX2 depthwise kernels beside kernels.h's: like those, each returns 0 without touching its
   output when the CPU lacks AVX2 and FMA, the vector kernels are off, or the arguments are
   outside what it handles; the caller then takes another path. */

/* Largest plane (ho * wo) the flat kernel takes. */
#define NETS_FLAT256_MAX 256

/* nets_depthwise3x3_flat_avx512 (smallk512.h) in AVX2, for CPUs without AVX-512: planes
   [p0, p1) of a 3x3 depthwise convolution, stride 1, over small images (ho * wo <=
   NETS_FLAT256_MAX) whose output rows are as wide as the input's (wo == w), padding at most 2.
   Plane p reads src + p h w with the kernel k + 9 (p % channels) and bias[p % channels] (bias
   may be NULL), and writes dst + p ho wo = act(conv + bias + residual + p ho wo) (residual may
   be NULL). The plane is one flat run of positions, eight to a vector: each tap is one masked
   load at a fixed offset, the masks (taps that fall outside the image) computed once per call
   rather than per row and per plane, so that a 7 x 7 plane is seven vectors, not seven masked
   rows. */
int nets_depthwise3x3_flat_avx2(const float *src, long p0, long p1, long channels, long h, long w, const float *k,
                                const float *bias, long pad_top, long pad_left, float *dst, long ho, long wo,
                                const float *residual, int activation);

#endif
