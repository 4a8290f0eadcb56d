#ifndef NETS_KERNELS_H
#define NETS_KERNELS_H

/* Vector kernels for x86-64 CPUs with AVX2 and FMA, chosen at run time. Every function returns
   0 without touching its output when the CPU lacks those instructions (or the arguments are
   outside what the kernel handles); the caller then runs its portable Swift code. */

/* Activation applied in registers before a result is stored. */
enum nets_activation { NETS_NONE = 0, NETS_RELU = 1, NETS_RELU6 = 2 };

/* 1 when the vector kernels run on this CPU (AVX2 and FMA), else 0. NETS_VECTOR_KERNELS=0 in
   the environment turns them off (to compare with the portable code). */
int nets_vector_kernels(void);
/* 2: AVX-512 (F/BW/DQ/VL), 1: AVX2 + FMA, 0: neither. */
int nets_cpu_vector_level(void);

/* Turns the vector kernels on (when the CPU has them) or off, for tests that compare them with
   the portable code. */
void nets_set_vector_kernels(int enabled);

/* A per-thread depth of "serial" regions: inside one, the tensor runtime's parallel loops run
   on the calling thread (nested parallelism runs serially, as in OpenMP). */
void nets_serial_begin(void);
void nets_serial_end(void);
int nets_serial(void);

/* A spin-wait hint (PAUSE on x86-64): lets the other hyperthread run and saves power. */
void nets_spin_pause(void);

/* One plane of a 3x3 depthwise convolution, stride 1 or 2, dilation 1:
   dst[oy][ox] = act(bias + residual[oy][ox] + sum k[i][j] src[oy*stride - pad_top + i][ox*stride - pad_left + j]),
   taps outside the h x w source counting as zero. `residual` may be NULL. */
int nets_depthwise3x3(const float *src, long h, long w, const float *k, long stride, long pad_top, long pad_left,
                      float *dst, long ho, long wo, float bias, const float *residual, int activation);

/* Gradients of one plane of a 3x3 depthwise convolution (stride 1 or 2, padding up to 2, as in
   nets_depthwise3x3) from dY = g (ho x wo): writes dX (h x w) and adds to dK (3 x 3). */
int nets_depthwise3x3_backward(const float *x, long h, long w, const float *g, long ho, long wo, const float *k,
                               long stride, long pad_top, long pad_left, float *dx, float *dk);

/* Largest k (input channels x kernel taps) the small-k kernels take. */
#define NETS_SMALLK_MAX 256

/* C = act(A B + bias[row] + R) for A (m x k, row stride lda), B (k x n, row stride ldb), C and R
   (m x n, row strides ldc and ldr), without packing, vectorised over B's columns: meant for
   small k (convolutions with few input channels) or wide B (1x1 convolutions over large
   images, read in place). `bias` and `residual` may be NULL. */
int nets_gemm_smallk(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                     float *c, long ldc, const float *bias, const float *residual, long ldr, int activation);

/* Output rows [oy0, oy1) of one image of a convolution (dilation 1, one group): src is c x h x w,
   weights o x c x kh x kw, dst and residual o x ho x wo; dst = act(conv + bias[o] + residual).
   Meant for few input channels (c * kh * kw <= NETS_SMALLK_MAX), such as a network's first layer.
   `bias` and `residual` may be NULL. */
int nets_conv_rows(const float *src, long c, long h, long w, const float *weights, long o, long kh, long kw,
                   long stride, long pad_top, long pad_left, float *dst, long ho, long wo, long oy0, long oy1,
                   const float *bias, const float *residual, int activation);

/* Floats needed for o x k weights packed by nets_pack_oc16. */
long nets_pack_oc16_count(long o, long k);

/* Packs W (o x k, row-major) in blocks of 16 output channels: packed[b][p][l] = W[16 b + l][p],
   zero past o. */
void nets_pack_oc16(const float *w, long o, long k, float *packed);

/* The channel-blocked 1x1 convolution, vectorised over output channels (for small images, whose
   rows are too short to vectorise over): y = act(W x + bias + residual) for output-channel
   blocks [blk0, blk1) and positions [p0, p1). W is packed by nets_pack_oc16, bias16 holds its
   biases zero-padded to the blocks; x is k x positions (row stride ldx), y and residual o x
   positions (row strides ldy, ldr). `residual` may be NULL; y overlaps neither x nor the
   residual. Tiles of 16 channels x up to 6 positions over k in chunks (a chunk's slice of x stays
   in L1 for every tile), transposed in registers for the epilogue (one store per channel); a
   tile whose eight lanes fit in [p0, p1) stores all eight, the lanes past the tile written
   again by the tiles after it. */
int nets_pointwise_oc16(const float *packed, const float *bias16, long o, long k, const float *x, long ldx, long p0,
                        long p1, float *y, long ldy, const float *residual, long ldr, int activation, long blk0,
                        long blk1);

#endif
