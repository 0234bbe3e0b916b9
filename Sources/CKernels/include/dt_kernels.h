// DocuThinker's hand-written CPU kernels (C, runtime-dispatched by CPU features).
#ifndef DT_KERNELS_H
#define DT_KERNELS_H
#include <stdint.h>

/// 1 when this CPU runs the bfloat16 dot-product instructions (AVX512-BF16) the kernels below use.
int dt_bf16_supported(void);

/// Bytes of the packed bfloat16 copy of a weight matrix `out × in` (row-major, as in PyTorch).
long dt_bf16_packed_count(int out, int in);

/// Packs `weight[out][in]` (float32) into the kernel's layout: blocks of 16 output columns, and
/// within a block, for every pair of inputs, the 16 columns' two values side by side (bfloat16,
/// rounded to nearest even). Requires out % 16 == 0 and in % 2 == 0.
void dt_bf16_pack(const float *weight, int out, int in, uint16_t *packed);

/// y[rows][out] = x[rows][in] · weightᵀ + bias, with x rounded to bfloat16 and float32
/// accumulation. `scratch` holds rows × in bfloat16 values. Only when dt_bf16_supported().
void dt_bf16_linear(const float *x, int rows, int in, const uint16_t *packed, const float *bias, int out,
                    float *y, uint16_t *scratch);
/// In-place softmax of each of `rows` rows of `n` floats (AVX-512 when available).
void dt_softmax_rows(float *scores, int rows, int n);

/// In-place LayerNorm of each of `rows` rows of `width` floats: (x - mean) / sqrt(var + eps) * weight + bias.
void dt_layer_norm(float *x, int rows, int width, const float *weight, const float *bias, float epsilon);
#endif
