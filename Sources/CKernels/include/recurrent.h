#ifndef NETS_RECURRENT_H
#define NETS_RECURRENT_H

/* The fused cells of the recurrent layers (AVX2 + FMA; the LSTM's in AVX-512 where the CPU has
   it), one time step over a block of examples.
   Like the kernels of kernels.h, each returns 0 without touching its outputs when the vector
   kernels are off or the CPU lacks them; the caller then runs its portable Swift code. */

/* The cells. Their gates, in the order of a row of gate values (gate q of unit j at q*units + j):
   TANH one (s = Tanh[a]); GRU input, reset, memory (Wolfram's GatedRecurrentLayer); LSTM input,
   output, forget, memory (LongShortTermMemoryLayer). */
enum nets_cell { NETS_CELL_TANH = 0, NETS_CELL_GRU = 1, NETS_CELL_LSTM = 2 };

/* y[i] = exp(x[i]) for n values, within 2 units in the last place for |x| < 87 (clamped to
   [-87.3, 88] beyond, so never infinite; NaN stays NaN). For tests: it runs whenever the CPU
   has AVX2 and FMA, even with the vector kernels turned off; with `wide`, sixteen lanes at a time
   as the AVX-512 LSTM cell computes it (0 without AVX-512). */
int nets_exp_vector(const float *x, float *y, long n, int wide);

/* One forward step of `rows` examples of `units` units. `gates` (rows x g*units) holds W_x x_t + b
   on entry and the gate activations on exit; `state_inputs` (rows x g*units) holds W_s s_{t-1};
   `prev` and `prev_cell` (rows x units) are s_{t-1} and c_{t-1}; the step writes s_t to `state`
   and (LSTM only) c_t to `cell`. `prev_cell` and `cell` are read and written by the LSTM only. */
int nets_cell_forward(int cell_kind, long rows, long units, float *gates, const float *state_inputs,
                      const float *prev, const float *prev_cell, float *state, float *cell);

/* One backward step, from the forward step's `gates` (activations), `state_inputs` (read by the
   GRU only), `prev`, `prev_cell` and `cell` (the LSTM's c_{t-1} and c_t). The gradient reaching
   s_t is dy + d_next: dy row r at dy + r*ldy (the output's gradient), d_next (rows x units) the
   next step's. `d_cell` (rows x units, LSTM only) holds dC_t on entry and dC_{t-1} on exit.
   Writes the gradients of the gate inputs to `d_gates` (rows x g*units); the GRU also writes
   those of W_s s_{t-1} to `d_state_inputs` (for the others they equal `d_gates`); `d_prev`
   (rows x units) gets the part of dS_{t-1} that does not go through W_s (the GRU's i * dS_t;
   0 for the others). */
int nets_cell_backward(int cell_kind, long rows, long units, const float *gates, const float *state_inputs,
                       const float *prev, const float *prev_cell, const float *cell, const float *dy, long ldy,
                       const float *d_next, float *d_cell, float *d_gates, float *d_state_inputs, float *d_prev);

/* Floats needed for a k x n matrix packed by nets_pack_panel32. */
long nets_panel32_count(long k, long n);

/* Packs B (k x n) in panels of 32 columns: packed[p][i][l] = B[i][32 p + l], zero past n. B is
   row-major k x n, or, when `transposed`, given as its transpose (row-major n x k). */
void nets_pack_panel32(const float *b, long k, long n, int transposed, float *packed);

/* C = A B (or C + A B when `accumulate`) for A (m x k, row stride lda), B packed by
   nets_pack_panel32 and C (m x n, row stride ldc), on AVX-512: the per-step product of a
   recurrence, whose B (the state weights) is packed once for all steps and stays in cache.
   Returns 0 without AVX-512 (the caller then multiplies with OpenBLAS). */
int nets_gemm_panel32(long m, long n, long k, const float *a, long lda, const float *packed, float *c, long ldc,
                      int accumulate);

#endif
