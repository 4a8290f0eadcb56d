#ifndef NETS_POINTWISE512_H
#define NETS_POINTWISE512_H

/* AVX-512 kernels for inference plans (CPUs where nets_cpu_vector_level() is 2). Like the AVX2
   kernels in kernels.h, each returns 0 without touching its output when the CPU lacks the
   instructions or the arguments are outside what it handles; the caller then takes another path. */

/* The 1x1 convolution over weights packed by nets_pack_oc16 (blocks of 16 output channels, 16
   floats per input channel), vectorised over positions: tiles of 8 output channels x 48
   positions (24 accumulators fed by three loads of x per input channel and broadcasts of the
   packed weights), and 16 x 16 for the last positions. Computes y = act(W x + bias16 + residual) for output-channel blocks
   [blk0, blk1) and positions [p0, p1); x is k x positions (row stride ldx), y and residual
   o x positions (row strides ldy, ldr), read and written in place (NCHW). `residual` may be NULL.
   Same arguments as nets_pointwise_oc16. */
int nets_pointwise_avx512(const float *packed, const float *bias16, long o, long k, const float *x, long ldx, long p0,
                          long p1, float *y, long ldy, const float *residual, long ldr, int activation, long blk0,
                          long blk1);

/* The same product vectorised over output channels instead (sixteen to a vector, two blocks x
   up to seven positions per tile, each position's channels scattered to their rows): for small
   images, whose 7 x 7 = 49 positions fill position vectors badly. Same arguments; ldy and ldr
   at most 2^26. */
int nets_pointwise_channels_avx512(const float *packed, const float *bias16, long o, long k, const float *x, long ldx,
                                   long p0, long p1, float *y, long ldy, const float *residual, long ldr, int activation,
                                   long blk0, long blk1);

#endif
