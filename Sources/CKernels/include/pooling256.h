#ifndef NETS_POOLING256_H
#define NETS_POOLING256_H

/* nets_global_sum_avx512 (smallk512.h) in AVX2, for CPUs without AVX-512: y[p] = mean (or sum,
   when `mean` is 0) of the `size` floats at x + p * size, for p < planes, in four vector
   accumulators (a plane of 7 x 7 is six vectors and a masked one, not 49 dependent scalar
   additions). Returns 0 without touching y when the CPU lacks AVX2 and FMA, the vector kernels
   are off, or the arguments are negative. */
int nets_global_sum_avx2(const float *x, long planes, long size, int mean, float *y);

#endif
