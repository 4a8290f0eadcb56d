#ifndef NETS_POINTWISE256_H
#define NETS_POINTWISE256_H

/* The AVX2 1x1 convolution over weights packed by nets_pack_oc16 (kernels.h), vectorised over
   positions: for CPUs without AVX-512, where nets_pointwise_oc16 (vectorised over output
   channels) spends most of a small-k layer scattering its tiles to the output rows one float
   at a time. Tiles of 6 output channels x 16 positions (12 accumulators fed by two loads of x
   and six broadcasts of the packed weights per input channel; 6 + 6 + 4 channels to a block),
   8 x 8 for a last range of at most eight positions, the last vector of a row masked; the
   epilogue (bias, residual, activation) in registers. Computes y = act(W x + bias16 + residual) for output-channel blocks [blk0, blk1)
   and positions [p0, p1); x is k x positions (row stride ldx), y and residual o x positions
   (row strides ldy, ldr), read and written in place (NCHW). `residual` may be NULL. Same
   arguments as nets_pointwise_oc16; returns 0 without touching y when the CPU lacks AVX2 and
   FMA, the vector kernels are off, or the arguments are outside what it handles. */
int nets_pointwise_positions_avx2(const float *packed, const float *bias16, long o, long k, const float *x, long ldx,
                                  long p0, long p1, float *y, long ldy, const float *residual, long ldr, int activation,
                                  long blk0, long blk1);

#endif
