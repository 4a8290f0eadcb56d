#ifndef NETS_SMALLK512_H
#define NETS_SMALLK512_H

/* AVX-512 kernels for convolutions with few input channels (a network's first layer) and for
   the inference plan's cheap passes (global pooling). Like the other vector kernels, each
   returns 0 without touching its output when the CPU lacks AVX-512, the wide kernels are
   turned off, or the arguments are outside what it handles; the caller then takes another path. */

/* 1 when the AVX-512 kernels run (the CPU has AVX-512 F/BW/DQ/VL, the vector kernels are on,
   and neither nets_set_wide_kernels nor NETS_WIDE_KERNELS=0 in the environment has turned them
   off). */
int nets_wide_kernels(void);

/* Turns the AVX-512 kernels of this header on (where the CPU allows) or off, for tests that
   compare them with the AVX2 kernels. */
void nets_set_wide_kernels(int enabled);

/* C (m x n) = act(A B + bias[row] + R) with row p of B at brows[p] (p < k), or, when brows is
   NULL, at b + p * ldb; A is m x k (row stride lda), C and R m x n (row strides ldc, ldr).
   Tiles of 8 rows x 48 columns (24 accumulators, three loads of B and eight broadcasts of A
   per p), the last vector of a row masked. `bias` and `residual` may be NULL. */
int nets_smallk_avx512(long m, long n, long k, const float *a, long lda, const float *const *brows, const float *b,
                       long ldb, float *c, long ldc, const float *bias, const float *residual, long ldr, int activation);

/* nets_conv_rows (kernels.h) with the AVX-512 GEMM: the same arguments and outputs, 0 when the
   AVX-512 kernels do not run. */
int nets_conv_rows_avx512(const float *src, long c, long h, long w, const float *weights, long o, long kh, long kw,
                          long stride, long pad_top, long pad_left, float *dst, long ho, long wo, long oy0, long oy1,
                          const float *bias, const float *residual, int activation);

/* Planes [p0, p1) of a 3x3 depthwise convolution, stride 1, over small images (ho * wo <= 256)
   whose output rows are as wide as the input's (wo == w): plane p reads src + p h w with the
   kernel k + 9 (p % channels) and bias[p % channels] (bias may be NULL), and writes
   dst + p ho wo = act(conv + bias + residual + p ho wo) (residual may be NULL). The plane is
   one flat vector of positions: each tap is one masked load at a fixed offset, the masks (the
   taps that fall outside the image) computed once for every plane of the call. */
int nets_depthwise3x3_flat_avx512(const float *src, long p0, long p1, long channels, long h, long w, const float *k,
                                  const float *bias, long pad_top, long pad_left, float *dst, long ho, long wo,
                                  const float *residual, int activation);

/* y[p] = mean (or sum, when `mean` is 0) of the `size` floats at x + p * size, for p < planes. */
int nets_global_sum_avx512(const float *x, long planes, long size, int mean, float *y);

#endif
