/*
 * Plain-NEON int8 DEPTHWISE_CONV_2D for depth multiplier 1 (every
 * MobileNet-style depthwise layer), and for one input channel with any
 * multiplier (a first layer on a grayscale image: every output channel
 * reads the same input value, which is broadcast). Channels are contiguous in
 * both the input and the [1, KH, KW, C] filter, so eight channels go per
 * vector; x + input_offset fits int16, so the products are the reference's own
 * (no expansion), accumulated in int32 lanes modulo 2^32 (SMLAL) like the
 * reference's uint32 sums. Padding taps are skipped, as in the reference.
 *
 * The dot-product instructions do not help here: they reduce over four
 * adjacent bytes, and a depthwise sum runs over taps, not over adjacent
 * channels, so there is no SDOT variant.
 */
#if defined(__aarch64__)
#include <string.h>

#include "arm_kernels.h"
#include "neon_requant.h"

int oct_arm_dwconv2d_fits(const oct_conv_dims *d) {
  return d->depth_mult == 1 || d->in_c == 1;
}

static inline void tap_range(int32_t o, int32_t dil, int32_t k, int32_t n,
                             int32_t *lo, int32_t *hi) {
  const int64_t l = o < 0 ? (-(int64_t)o + dil - 1) / dil : 0;
  const int64_t h = o >= n ? 0 : ((int64_t)n - o + dil - 1) / dil;
  *lo = (int32_t)(l < k ? l : k);
  *hi = (int32_t)(h < k ? h : k);
}

void oct_dwconv2d_s8_neon(const oct_conv_dims *d, const oct_requant *q,
                          const int8_t *restrict in, const int8_t *restrict w,
                          const int32_t *restrict bias, int8_t *restrict out,
                          void *restrict scratch) {
  (void)scratch;
  const oct_neon_rq r = oct_neon_rq_init(q);
  const int16x8_t in_off = vdupq_n_s16((int16_t)q->input_offset);
  const size_t C = (size_t)d->out_c;
  const size_t IC = (size_t)d->in_c; /* C, or 1 (broadcast) */
  const int bcast = d->in_c == 1 && d->out_c > 1;
  for (int32_t b = 0; b < d->batch; b++)
    for (int32_t oy = 0; oy < d->out_h; oy++) {
      const int32_t y0 = oy * d->stride_h - d->pad_h;
      int32_t ky0, ky1;
      tap_range(y0, d->dil_h, d->k_h, d->in_h, &ky0, &ky1);
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t x0 = ox * d->stride_w - d->pad_w;
        int32_t kx0, kx1;
        tap_range(x0, d->dil_w, d->k_w, d->in_w, &kx0, &kx1);
        int8_t *o = out + (((size_t)b * (size_t)d->out_h + (size_t)oy) *
                               (size_t)d->out_w +
                           (size_t)ox) *
                              C;
        size_t c = 0;
        for (; c + 8 <= C; c += 8) {
          int32x4_t lo = vdupq_n_s32(0), hi = vdupq_n_s32(0);
          for (int32_t ky = ky0; ky < ky1; ky++) {
            const int32_t iy = y0 + ky * d->dil_h;
            const int8_t *xrow = in +
                                 ((size_t)b * (size_t)d->in_h + (size_t)iy) *
                                     (size_t)d->in_w * IC +
                                 (bcast ? 0 : c);
            const int8_t *wrow = w + (size_t)ky * (size_t)d->k_w * C + c;
            for (int32_t kx = kx0; kx < kx1; kx++) {
              const size_t ix = (size_t)(x0 + kx * d->dil_w);
              const int16x8_t xv =
                  bcast ? vaddq_s16(vdupq_n_s16(xrow[ix]), in_off)
                        : vaddq_s16(vmovl_s8(vld1_s8(xrow + ix * C)), in_off);
              const int16x8_t wv = vmovl_s8(vld1_s8(wrow + (size_t)kx * C));
              lo = vmlal_s16(lo, vget_low_s16(wv), vget_low_s16(xv));
              hi = vmlal_high_s16(hi, wv, xv);
            }
          }
          if (bias) {
            lo = oct_neon_add_wrap(lo, vld1q_s32(bias + c));
            hi = oct_neon_add_wrap(hi, vld1q_s32(bias + c + 4));
          }
          lo = oct_neon_requant4(lo, vld1q_s32(q->mult + c),
                                 vld1q_s32(q->shift + c), &r);
          hi = oct_neon_requant4(hi, vld1q_s32(q->mult + c + 4),
                                 vld1q_s32(q->shift + c + 4), &r);
          vst1_s8(o + c, oct_neon_narrow8(lo, hi));
        }
        /* Channel tail: the reference's arithmetic, one channel at a time. */
        for (; c < C; c++) {
          uint32_t acc = 0;
          for (int32_t ky = ky0; ky < ky1; ky++) {
            const int32_t iy = y0 + ky * d->dil_h;
            for (int32_t kx = kx0; kx < kx1; kx++) {
              const int32_t ix = x0 + kx * d->dil_w;
              const int8_t xv = in[(((size_t)b * (size_t)d->in_h + (size_t)iy) *
                                        (size_t)d->in_w +
                                    (size_t)ix) *
                                       IC +
                                   (bcast ? 0 : c)];
              const int8_t wv =
                  w[((size_t)ky * (size_t)d->k_w + (size_t)kx) * C + c];
              acc += (uint32_t)(wv * (xv + q->input_offset));
            }
          }
          if (bias) acc += (uint32_t)bias[c];
          o[c] = (int8_t)oct_requant_acc32(acc, q->mult[c], q->shift[c], q);
        }
      }
    }
}
#endif
