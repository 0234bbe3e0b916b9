// Row-wise softmax and LayerNorm for the encoder, vectorised with AVX-512 where the CPU has it
// (runtime check once), plain C elsewhere.
#include "dt_kernels.h"
#include <math.h>
static void layer_norm_plain(float *x, int rows, int width, const float *weight, const float *bias, float epsilon);

#if defined(__x86_64__)
#include <immintrin.h>
#define DT_AVX512 __attribute__((target("avx512f,avx512dq")))

static int has_avx512 = -1;
static int avx512(void) {
    if (has_avx512 < 0) { __builtin_cpu_init(); has_avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"); }
    return has_avx512;
}

/// exp(x) for 16 floats: 2^n · p(r), r = x − n·ln2 in [−ln2/2, ln2/2], degree-6 polynomial
/// (relative error about 2e-7, like expf), inputs clamped to the float range.
DT_AVX512 static inline __m512 exp16(__m512 x) {
    x = _mm512_max_ps(_mm512_min_ps(x, _mm512_set1_ps(88.0f)), _mm512_set1_ps(-87.0f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

DT_AVX512 static void softmax_avx512(float *scores, int rows, int n) {
    for (int row = 0; row < rows; row++) {
        float *s = scores + (long)row * n;
        int full = n & ~15;
        __mmask16 tail = (__mmask16)((1u << (n - full)) - 1);
        __m512 m = _mm512_set1_ps(-INFINITY);
        for (int c = 0; c < full; c += 16) m = _mm512_max_ps(m, _mm512_loadu_ps(s + c));
        if (tail) m = _mm512_max_ps(m, _mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), tail, s + full));
        __m512 maximum = _mm512_set1_ps(_mm512_reduce_max_ps(m));
        __m512 sum = _mm512_setzero_ps();
        for (int c = 0; c < full; c += 16) {
            __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(s + c), maximum));
            _mm512_storeu_ps(s + c, e);
            sum = _mm512_add_ps(sum, e);
        }
        if (tail) {
            __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, s + full), maximum));
            e = _mm512_maskz_mov_ps(tail, e);
            _mm512_mask_storeu_ps(s + full, tail, e);
            sum = _mm512_add_ps(sum, e);
        }
        __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
        for (int c = 0; c < full; c += 16) _mm512_storeu_ps(s + c, _mm512_mul_ps(_mm512_loadu_ps(s + c), inverse));
        if (tail) _mm512_mask_storeu_ps(s + full, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, s + full), inverse));
    }
}

DT_AVX512 static void layer_norm_avx512(float *x, int rows, int width, const float *weight, const float *bias, float epsilon) {
    if (width % 16 != 0) { layer_norm_plain(x, rows, width, weight, bias, epsilon); return; }
    for (int row = 0; row < rows; row++) {
        float *v = x + (long)row * width;
        __m512 sum = _mm512_setzero_ps();
        for (int k = 0; k < width; k += 16) sum = _mm512_add_ps(sum, _mm512_loadu_ps(v + k));
        __m512 mean = _mm512_set1_ps(_mm512_reduce_add_ps(sum) / (float)width);
        __m512 squares = _mm512_setzero_ps();
        for (int k = 0; k < width; k += 16) {
            __m512 d = _mm512_sub_ps(_mm512_loadu_ps(v + k), mean);
            squares = _mm512_fmadd_ps(d, d, squares);
        }
        __m512 inverse = _mm512_set1_ps(1.0f / sqrtf(_mm512_reduce_add_ps(squares) / (float)width + epsilon));
        for (int k = 0; k < width; k += 16) {
            __m512 normalised = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(v + k), mean), inverse);
            _mm512_storeu_ps(v + k, _mm512_fmadd_ps(normalised, _mm512_loadu_ps(weight + k), _mm512_loadu_ps(bias + k)));
        }
    }
}
#endif

static void softmax_plain(float *scores, int rows, int n) {
    for (int row = 0; row < rows; row++) {
        float *s = scores + (long)row * n, maximum = -INFINITY, sum = 0;
        for (int c = 0; c < n; c++) maximum = s[c] > maximum ? s[c] : maximum;
        for (int c = 0; c < n; c++) { s[c] = expf(s[c] - maximum); sum += s[c]; }
        for (int c = 0; c < n; c++) s[c] /= sum;
    }
}

static void layer_norm_plain(float *x, int rows, int width, const float *weight, const float *bias, float epsilon) {
    for (int row = 0; row < rows; row++) {
        float *v = x + (long)row * width, mean = 0, variance = 0;
        for (int k = 0; k < width; k++) mean += v[k];
        mean /= (float)width;
        for (int k = 0; k < width; k++) { float d = v[k] - mean; variance += d * d; }
        float inverse = 1.0f / sqrtf(variance / (float)width + epsilon);
        for (int k = 0; k < width; k++) v[k] = (v[k] - mean) * inverse * weight[k] + bias[k];
    }
}

void dt_softmax_rows(float *scores, int rows, int n) {
#if defined(__x86_64__)
    if (avx512()) { softmax_avx512(scores, rows, n); return; }
#endif
    softmax_plain(scores, rows, n);
}

void dt_layer_norm(float *x, int rows, int width, const float *weight, const float *bias, float epsilon) {
#if defined(__x86_64__)
    if (avx512()) { layer_norm_avx512(x, rows, width, weight, bias, epsilon); return; }
#endif
    layer_norm_plain(x, rows, width, weight, bias, epsilon);
}
