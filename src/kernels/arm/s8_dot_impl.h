/*
 * The int8 FULLY_CONNECTED and CONV_2D kernels, written once and compiled
 * twice: s8_neon.c (plain NEON) and s8_neon_dot.c (SDOT, built with
 * -march=armv8.2-a+dotprod). The includer defines
 *   OCT_NEON_SUFFIX(name)  the variant's function name
 *   OCT_NEON_USE_DOT       0 or 1
 * Keeping the dot-product code in its own translation unit means the
 * compiler can never slip an SDOT into the plain variant.
 *
 * Arithmetic. The reference sums (w + w_off) * (x + in_off); x + in_off
 * does not fit int8, so the kernels expand the product modulo 2^32:
 *   sum w*x + in_off * sum w + w_off * sum x + K * in_off * w_off
 * which is the same integer modulo 2^32 (a ring identity), so wrapping
 * accumulators give the reference's wrapped sum exactly. Padding taps are
 * skipped, as in the reference, so "sum w" runs over the valid taps only:
 * for a pixel whose window lies inside the input that is the whole
 * filter's sum, computed once per chunk of output channels; border pixels
 * sum their valid taps on the fly.
 *
 * Four output channels are computed together (one input load, four weight
 * rows); a tail of 1-3 channels repeats the last row and stores only the
 * valid lanes.
 */
#include <string.h>

#include "arm_kernels.h"
#include "neon_requant.h"

#define CHUNK 64 /* output channels per block of weight sums */

typedef struct acc4 {
  int32x4_t d[4];        /* per channel: partial sums of w*x across lanes */
  int32x4_t s[4];        /* per channel: partial sums of w */
  uint32_t td[4], ts[4]; /* scalar tails of both */
} acc4;

static inline void acc4_zero(acc4 *a) {
  for (int j = 0; j < 4; j++) {
    a->d[j] = vdupq_n_s32(0);
    a->s[j] = vdupq_n_s32(0);
    a->td[j] = a->ts[j] = 0;
  }
}

/* Adds x[0..len) . w[j][0..len) to channel j, and sum w[j] when with_sum. */
static inline void seg_dot4(acc4 *restrict a, const int8_t *restrict x,
                            const int8_t *const w[4], size_t len,
                            int with_sum) {
  size_t k = 0;
#if OCT_NEON_USE_DOT
  const int8x16_t ones = vdupq_n_s8(1);
#endif
  for (; k + 16 <= len; k += 16) {
    const int8x16_t xv = vld1q_s8(x + k);
    for (int j = 0; j < 4; j++) {
      const int8x16_t wv = vld1q_s8(w[j] + k);
#if OCT_NEON_USE_DOT
      a->d[j] = vdotq_s32(a->d[j], wv, xv);
      if (with_sum) a->s[j] = vdotq_s32(a->s[j], wv, ones);
#else
      /* Each int8 product fits int16; pairs are added in int32. */
      a->d[j] =
          vpadalq_s16(a->d[j], vmull_s8(vget_low_s8(wv), vget_low_s8(xv)));
      a->d[j] = vpadalq_s16(a->d[j], vmull_high_s8(wv, xv));
      if (with_sum) a->s[j] = vpadalq_s16(a->s[j], vpaddlq_s8(wv));
#endif
    }
  }
  for (; k + 8 <= len; k += 8) {
    const int8x8_t xv = vld1_s8(x + k);
    for (int j = 0; j < 4; j++) {
      const int8x8_t wv = vld1_s8(w[j] + k);
      a->d[j] = vpadalq_s16(a->d[j], vmull_s8(wv, xv));
      if (with_sum) a->s[j] = vpadalq_s16(a->s[j], vmovl_s8(wv));
    }
  }
  for (; k < len; k++)
    for (int j = 0; j < 4; j++) {
      a->td[j] += (uint32_t)(w[j][k] * x[k]);
      if (with_sum) a->ts[j] += (uint32_t)w[j][k];
    }
}

/* Lane j of the result: the total of v[j] plus tail[j], modulo 2^32. */
static inline int32x4_t reduce4(const int32x4_t v[4], const uint32_t tail[4]) {
  const int32x4_t r =
      vpaddq_s32(vpaddq_s32(v[0], v[1]), vpaddq_s32(v[2], v[3]));
  return oct_neon_add_wrap(r, vreinterpretq_s32_u32(vld1q_u32(tail)));
}

/* Sum of n int8 values, modulo 2^32. */
static inline uint32_t sum_s8(const int8_t *x, size_t n) {
  int32x4_t s = vdupq_n_s32(0);
  size_t k = 0;
  for (; k + 16 <= n; k += 16) s = vpadalq_s16(s, vpaddlq_s8(vld1q_s8(x + k)));
  uint32_t t = vaddvq_u32(vreinterpretq_u32_s32(s));
  for (; k < n; k++) t += (uint32_t)x[k];
  return t;
}

/* Requantizes the four channels at c (nb of them valid) and stores them. */
static inline void store4(int8_t *restrict out, int32x4_t acc,
                          const oct_requant *q, int32_t c, int nb,
                          const oct_neon_rq *r) {
  int32_t m[4], s[4];
  for (int j = 0; j < 4; j++) {
    const int32_t cj = c + (j < nb ? j : nb - 1);
    m[j] = q->mult[cj];
    s[j] = q->shift[cj];
  }
  const int32x4_t v = oct_neon_requant4(acc, vld1q_s32(m), vld1q_s32(s), r);
  int8_t tmp[8];
  vst1_s8(tmp, oct_neon_narrow8(v, v));
  memcpy(out, tmp, (size_t)nb);
}

static inline int32x4_t bias4(const int32_t *bias, int32_t c, int nb) {
  int32_t b[4] = {0, 0, 0, 0};
  if (bias)
    for (int j = 0; j < nb; j++) b[j] = bias[c + j];
  return vld1q_s32(b);
}

/*
 * out[m][n] for m < M, n < N: x [M, K], w [N, K] (both row-major). w_off
 * is FULLY_CONNECTED's weight offset (0 for CONV_2D, whose int8 kernels
 * have none). Row 0 of each chunk also sums the weights, so each weight
 * row is read once when M == 1 (the usual FULLY_CONNECTED).
 */
static void gemm_s8(int32_t M, int32_t N, int32_t K, const int8_t *restrict x,
                    const int8_t *restrict w, const int32_t *restrict bias,
                    int32_t w_off, const oct_requant *q, int8_t *restrict out) {
  const oct_neon_rq r = oct_neon_rq_init(q);
  const uint32_t in_off = (uint32_t)q->input_offset;
  const uint32_t k_term = (uint32_t)K * in_off * (uint32_t)w_off;
  int32_t wsum[CHUNK];
  for (int32_t n0 = 0; n0 < N; n0 += CHUNK) {
    const int32_t nc = N - n0 < CHUNK ? N - n0 : CHUNK;
    for (int32_t m = 0; m < M; m++) {
      const int8_t *xr = x + (size_t)m * (size_t)K;
      const uint32_t row_term =
          w_off ? (uint32_t)w_off * sum_s8(xr, (size_t)K) + k_term : 0;
      const int32x4_t rowv = vdupq_n_s32((int32_t)row_term);
      for (int32_t j = 0; j < nc; j += 4) {
        const int nb = nc - j < 4 ? (int)(nc - j) : 4;
        const int8_t *wr[4];
        for (int t = 0; t < 4; t++)
          wr[t] = w + (size_t)(n0 + j + (t < nb ? t : nb - 1)) * (size_t)K;
        acc4 a;
        acc4_zero(&a);
        seg_dot4(&a, xr, wr, (size_t)K, m == 0);
        if (m == 0) vst1q_s32(wsum + j, reduce4(a.s, a.ts));
        int32x4_t acc = reduce4(a.d, a.td);
        acc = oct_neon_mla_wrap(acc, vld1q_s32(wsum + j),
                                vdupq_n_s32((int32_t)in_off));
        acc = oct_neon_add_wrap(oct_neon_add_wrap(acc, rowv),
                                bias4(bias, n0 + j, nb));
        store4(out + (size_t)m * (size_t)N + (size_t)(n0 + j), acc, q, n0 + j,
               nb, &r);
      }
    }
  }
}

void OCT_NEON_SUFFIX(oct_fc_s8)(const oct_fc_dims *d, const oct_requant *q,
                                const int8_t *restrict in,
                                const int8_t *restrict w,
                                const int32_t *restrict bias,
                                int8_t *restrict out, void *restrict scratch) {
  (void)scratch;
  gemm_s8(d->batch, d->out_c, d->depth, in, w, bias, q->weight_offset, q, out);
}

void OCT_NEON_SUFFIX(oct_conv2d_1x1_s8)(
    const oct_conv_dims *d, const oct_requant *q, const int8_t *restrict in,
    const int8_t *restrict w, const int32_t *restrict bias,
    int8_t *restrict out, void *restrict scratch) {
  (void)scratch;
  /* Stride 1 and no padding: output pixels are the input pixels. */
  const int64_t pixels = (int64_t)d->batch * d->out_h * d->out_w;
  /* M is an int32 row count; prepare bounds tensors well below that for
   * any real model, but split anyway rather than assume it. */
  for (int64_t p0 = 0; p0 < pixels; p0 += INT32_MAX) {
    const int64_t rows = pixels - p0 < INT32_MAX ? pixels - p0 : INT32_MAX;
    gemm_s8((int32_t)rows, d->out_c, d->in_c, in + (size_t)p0 * (size_t)d->in_c,
            w, bias, 0, q, out + (size_t)p0 * (size_t)d->out_c);
  }
}

/* First and one-past-last filter index whose tap o + k * dil lies in
 * [0, n). Empty ranges come back as lo >= hi. */
static inline void tap_range(int32_t o, int32_t dil, int32_t k, int32_t n,
                             int32_t *lo, int32_t *hi) {
  const int64_t l = o < 0 ? (-(int64_t)o + dil - 1) / dil : 0;
  const int64_t h = o >= n ? 0 : ((int64_t)n - o + dil - 1) / dil;
  *lo = (int32_t)(l < k ? l : k);
  *hi = (int32_t)(h < k ? h : k);
}

void OCT_NEON_SUFFIX(oct_conv2d_s8)(
    const oct_conv_dims *d, const oct_requant *q, const int8_t *restrict in,
    const int8_t *restrict w, const int32_t *restrict bias,
    int8_t *restrict out, void *restrict scratch) {
  (void)scratch;
  const oct_neon_rq r = oct_neon_rq_init(q);
  const int32x4_t in_off = vdupq_n_s32(q->input_offset);
  const size_t ic = (size_t)d->in_c;
  const size_t krow = (size_t)d->k_h * (size_t)d->k_w * ic; /* per out ch */
  int32_t wsum[CHUNK];
  for (int32_t n0 = 0; n0 < d->out_c; n0 += CHUNK) {
    const int32_t nc = d->out_c - n0 < CHUNK ? d->out_c - n0 : CHUNK;
    for (int32_t j = 0; j < nc; j++)
      wsum[j] = (int32_t)sum_s8(w + (size_t)(n0 + j) * krow, krow);
    for (int32_t b = 0; b < d->batch; b++)
      for (int32_t oy = 0; oy < d->out_h; oy++) {
        const int32_t y0 = oy * d->stride_h - d->pad_h;
        int32_t ky0, ky1;
        tap_range(y0, d->dil_h, d->k_h, d->in_h, &ky0, &ky1);
        for (int32_t ox = 0; ox < d->out_w; ox++) {
          const int32_t x0 = ox * d->stride_w - d->pad_w;
          int32_t kx0, kx1;
          tap_range(x0, d->dil_w, d->k_w, d->in_w, &kx0, &kx1);
          const int full =
              ky0 == 0 && ky1 == d->k_h && kx0 == 0 && kx1 == d->k_w;
          int8_t *o =
              out +
              (((size_t)b * (size_t)d->out_h + (size_t)oy) * (size_t)d->out_w +
               (size_t)ox) *
                  (size_t)d->out_c +
              (size_t)n0;
          for (int32_t j = 0; j < nc; j += 4) {
            const int nb = nc - j < 4 ? (int)(nc - j) : 4;
            const int8_t *wrow[4];
            for (int t = 0; t < 4; t++)
              wrow[t] = w + (size_t)(n0 + j + (t < nb ? t : nb - 1)) * krow;
            acc4 a;
            acc4_zero(&a);
            for (int32_t ky = ky0; ky < ky1; ky++) {
              const int32_t iy = y0 + ky * d->dil_h;
              const int8_t *xrow =
                  in + ((size_t)b * (size_t)d->in_h + (size_t)iy) *
                           (size_t)d->in_w * ic;
              const size_t wk = (size_t)ky * (size_t)d->k_w;
              if (d->dil_w == 1 && kx0 < kx1) {
                /* Adjacent taps are adjacent in memory: one segment. */
                const int8_t *ws[4];
                for (int t = 0; t < 4; t++)
                  ws[t] = wrow[t] + (wk + (size_t)kx0) * ic;
                const size_t len = (size_t)(kx1 - kx0) * ic;
                const int8_t *xs = xrow + (size_t)(x0 + kx0) * ic;
                if (full)
                  seg_dot4(&a, xs, ws, len, 0);
                else
                  seg_dot4(&a, xs, ws, len, 1);
              } else {
                for (int32_t kx = kx0; kx < kx1; kx++) {
                  const int8_t *ws[4];
                  for (int t = 0; t < 4; t++)
                    ws[t] = wrow[t] + (wk + (size_t)kx) * ic;
                  const int8_t *xs = xrow + (size_t)(x0 + kx * d->dil_w) * ic;
                  if (full)
                    seg_dot4(&a, xs, ws, ic, 0);
                  else
                    seg_dot4(&a, xs, ws, ic, 1);
                }
              }
            }
            const int32x4_t s = full ? vld1q_s32(wsum + j) : reduce4(a.s, a.ts);
            int32x4_t acc = oct_neon_mla_wrap(reduce4(a.d, a.td), s, in_off);
            acc = oct_neon_add_wrap(acc, bias4(bias, n0 + j, nb));
            store4(o + j, acc, q, n0 + j, nb, &r);
          }
        }
      }
  }
}
