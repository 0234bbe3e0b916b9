// bfloat16 matrix products with AVX512-BF16 (vdpbf16ps): twice the multiply-adds per
// instruction of float32 FMA, float32 accumulation. Compiled for any x86-64; the AVX-512 code is
// only reached after dt_bf16_supported() says the CPU has it.
#include "dt_kernels.h"
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define DT_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
#endif

int dt_bf16_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw");
#else
    return 0;
#endif
}

long dt_bf16_packed_count(int out, int in) { return (long)out * in; }

static uint16_t to_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffff) > 0x7f800000) return (uint16_t)((u >> 16) | 0x40);  // NaN stays NaN
    u += 0x7fff + ((u >> 16) & 1);  // round to nearest even
    return (uint16_t)(u >> 16);
}

void dt_bf16_pack(const float *weight, int out, int in, uint16_t *packed) {
    const int pairs = in / 2;
    for (int block = 0; block < out / 16; block++)
        for (int p = 0; p < pairs; p++)
            for (int c = 0; c < 16; c++) {
                const float *row = weight + (long)(block * 16 + c) * in;
                uint16_t *dst = packed + (((long)block * pairs + p) * 32) + c * 2;
                dst[0] = to_bf16(row[2 * p]);
                dst[1] = to_bf16(row[2 * p + 1]);
            }
}

#if defined(__x86_64__)
/// `mr` rows (≤ 8) × 32 columns starting at `block` (two 16-column blocks).
DT_TARGET static inline void tile(const uint32_t *xp, int pairs, int mr, const uint16_t *w0, const uint16_t *w1,
                                  const float *bias, float *y, int out) {
    __m512 acc[8][2];
    for (int r = 0; r < 8; r++) { acc[r][0] = _mm512_setzero_ps(); acc[r][1] = _mm512_setzero_ps(); }
    if (mr == 8) {
        for (int p = 0; p < pairs; p++) {
            __m512bh b0 = (__m512bh)_mm512_loadu_si512(w0 + p * 32);
            __m512bh b1 = (__m512bh)_mm512_loadu_si512(w1 + p * 32);
#pragma GCC unroll 8
            for (int r = 0; r < 8; r++) {
                __m512bh a = (__m512bh)_mm512_set1_epi32((int)xp[r * pairs + p]);
                acc[r][0] = _mm512_dpbf16_ps(acc[r][0], a, b0);
                acc[r][1] = _mm512_dpbf16_ps(acc[r][1], a, b1);
            }
        }
    } else {
        for (int p = 0; p < pairs; p++) {
            __m512bh b0 = (__m512bh)_mm512_loadu_si512(w0 + p * 32);
            __m512bh b1 = (__m512bh)_mm512_loadu_si512(w1 + p * 32);
            for (int r = 0; r < mr; r++) {
                __m512bh a = (__m512bh)_mm512_set1_epi32((int)xp[r * pairs + p]);
                acc[r][0] = _mm512_dpbf16_ps(acc[r][0], a, b0);
                acc[r][1] = _mm512_dpbf16_ps(acc[r][1], a, b1);
            }
        }
    }
    __m512 bias0 = _mm512_loadu_ps(bias), bias1 = _mm512_loadu_ps(bias + 16);
    for (int r = 0; r < mr; r++) {
        _mm512_storeu_ps(y + (long)r * out, _mm512_add_ps(acc[r][0], bias0));
        _mm512_storeu_ps(y + (long)r * out + 16, _mm512_add_ps(acc[r][1], bias1));
    }
}

DT_TARGET static void convert_rows(const float *x, long count, uint16_t *dst) {
    long i = 0;
    for (; i + 32 <= count; i += 32) {
        __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(x + i));
        _mm512_storeu_si512(dst + i, (__m512i)v);
    }
    for (; i < count; i++) dst[i] = to_bf16(x[i]);
}

DT_TARGET void dt_bf16_linear(const float *x, int rows, int in, const uint16_t *packed, const float *bias, int out,
                              float *y, uint16_t *scratch) {
    const int pairs = in / 2;
    convert_rows(x, (long)rows * in, scratch);
    const uint32_t *xp = (const uint32_t *)scratch;
    // Row panels of 64 keep their bfloat16 inputs in L1/L2 while all the weights stream past.
    for (int r0 = 0; r0 < rows; r0 += 64) {
        int r1 = r0 + 64 < rows ? r0 + 64 : rows;
        for (int j = 0; j < out; j += 32) {
            const uint16_t *w0 = packed + (long)(j / 16) * pairs * 32, *w1 = w0 + (long)pairs * 32;
            for (int r = r0; r < r1; r += 8) {
                int mr = r1 - r < 8 ? r1 - r : 8;
                tile(xp + (long)r * pairs, pairs, mr, w0, w1, bias + j, y + (long)r * out + j, out);
            }
        }
    }
}
#else
void dt_bf16_linear(const float *x, int rows, int in, const uint16_t *packed, const float *bias, int out,
                    float *y, uint16_t *scratch) {
    (void)x; (void)rows; (void)in; (void)packed; (void)bias; (void)out; (void)y; (void)scratch;
}
#endif
