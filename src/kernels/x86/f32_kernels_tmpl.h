/*
 * Body of the float32 x86 kernels, included once per instruction set by
 * f32_kernels_avx2.c and f32_kernels_avx512.c, which define:
 *   SFX(name)   the variant's function name
 *   TARGET      the target attribute
 *   VL, MR      floats per vector, output pixels per GEMM tile
 *   V and the V* operations on it (VLOADN/VSTOREN: the first n lanes).
 * A GEMM tile is MR pixels x NR = 2*VL channels in registers. The clamp is
 * max(lo, x) then min(hi, x): the x86 min/max return their second operand
 * on NaN, so NaN passes through as in the reference.
 */
#define NR (2 * VL)

/* mr (MR or 1, a constant after inlining) rows of output pixels with
 * input window corners (y0[r], x0[r]), channels [0, n) of one NR block;
 * only the first `rows` rows are stored. Every row sums the same taps in
 * the same order whatever mr is, so tile shape never changes a result. */
static TARGET inline __attribute__((always_inline)) void SFX(conv_tile)(
    const oct_conv_dims *d, const float *inb, const float *zero,
    const int32_t *y0, const int32_t *x0, const float *wb, float *o,
    int32_t rows, int32_t n, V lo, V hi, const int mr) {
  const int32_t ic = d->in_c;
  V acc0[MR], acc1[MR];
  const V b0 = VLOAD(wb), b1 = VLOAD(wb + VL);
#pragma GCC unroll 16
  for (int r = 0; r < mr; r++) {
    acc0[r] = b0;
    acc1[r] = b1;
  }
  const float *wk = wb + NR;
  for (int32_t ky = 0; ky < d->k_h; ky++)
    for (int32_t kx = 0; kx < d->k_w; kx++) {
      const float *p[MR];
#pragma GCC unroll 16
      for (int r = 0; r < mr; r++) {
        const int32_t iy = y0[r] + ky * d->dil_h, ix = x0[r] + kx * d->dil_w;
        p[r] = (iy >= 0 && iy < d->in_h && ix >= 0 && ix < d->in_w)
                   ? inb + ((size_t)iy * (size_t)d->in_w + (size_t)ix) * (size_t)ic
                   : zero;
      }
      for (int32_t k = 0; k < ic; k++) {
        const V w0 = VLOAD(wk), w1 = VLOAD(wk + VL);
        wk += NR;
#pragma GCC unroll 16
        for (int r = 0; r < mr; r++) {
          const V x = VSET1(p[r][k]);
          acc0[r] = VFMA(x, w0, acc0[r]);
          acc1[r] = VFMA(x, w1, acc1[r]);
        }
      }
    }
  const size_t os = (size_t)d->out_c;
#pragma GCC unroll 16
  for (int r = 0; r < mr; r++) {
    if (r >= rows) break;
    const V v0 = VMIN(hi, VMAX(lo, acc0[r])), v1 = VMIN(hi, VMAX(lo, acc1[r]));
    float *orow = o + (size_t)r * os;
    if (n == NR) {
      VSTORE(orow, v0);
      VSTORE(orow + VL, v1);
    } else if (n > VL) {
      VSTORE(orow, v0);
      VSTOREN(orow + VL, v1, n - VL);
    } else {
      VSTOREN(orow, v0, n);
    }
  }
}

static TARGET __attribute__((noinline)) void SFX(conv_tile_full)(
    const oct_conv_dims *d, const float *inb, const float *zero,
    const int32_t *y0, const int32_t *x0, const float *wb, float *o,
    int32_t rows, int32_t n, V lo, V hi) {
  SFX(conv_tile)(d, inb, zero, y0, x0, wb, o, rows, n, lo, hi, MR);
}

static TARGET __attribute__((noinline)) void SFX(conv_tile_1)(
    const oct_conv_dims *d, const float *inb, const float *zero,
    const int32_t *y0, const int32_t *x0, const float *wb, float *o,
    int32_t n, V lo, V hi) {
  SFX(conv_tile)(d, inb, zero, y0, x0, wb, o, 1, n, lo, hi, 1);
}

/* Pixels per chunk: a chunk's input rows stay in L2 while every block of
 * output channels passes over them. */
#define CHUNK_MAX 1024

TARGET void SFX(oct_conv2d_f32)(const oct_conv_dims *d, const oct_act_f32 *a,
                                const float *restrict in,
                                const float *restrict w,
                                const float *restrict bias,
                                float *restrict out, void *restrict scratch) {
  (void)bias;
  (void)scratch;
  const size_t taps = (size_t)d->k_h * (size_t)d->k_w;
  const int32_t nb = (d->out_c + NR - 1) / NR;
  const size_t bstride = (size_t)NR * (1 + taps * (size_t)d->in_c);
  const float *zero = w + (size_t)nb * bstride;
  const V lo = VSET1(a->lo), hi = VSET1(a->hi);
  const int32_t npix = d->out_h * d->out_w;
  size_t cmax = ((size_t)64 << 10) / (taps * (size_t)d->in_c + 1);
  cmax = (cmax + MR - 1) / MR * MR;
  if (cmax > CHUNK_MAX) cmax = CHUNK_MAX;
  int32_t ys[CHUNK_MAX], xs[CHUNK_MAX];
  for (int32_t b = 0; b < d->batch; b++) {
    const float *inb = in + (size_t)b * d->in_h * d->in_w * d->in_c;
    float *outb = out + (size_t)b * npix * d->out_c;
    int32_t oy = 0, ox = 0;
    for (int32_t c0 = 0; c0 < npix; c0 += (int32_t)cmax) {
      const int32_t cn = npix - c0 < (int32_t)cmax ? npix - c0 : (int32_t)cmax;
      for (int32_t i = 0; i < cn; i++) {
        ys[i] = oy * d->stride_h - d->pad_h;
        xs[i] = ox * d->stride_w - d->pad_w;
        if (++ox == d->out_w) {
          ox = 0;
          oy++;
        }
      }
      for (int32_t j = 0; j < nb; j++) {
        const int32_t n = d->out_c - j * NR < NR ? d->out_c - j * NR : NR;
        const float *wb = w + (size_t)j * bstride;
        float *o = outb + (size_t)c0 * d->out_c + (size_t)j * NR;
        for (int32_t t = 0; t < cn; t += MR) {
          const int32_t rows = cn - t < MR ? cn - t : MR;
          float *ot = o + (size_t)t * d->out_c;
          if (rows == MR) {
            SFX(conv_tile_full)(d, inb, zero, ys + t, xs + t, wb, ot, MR, n, lo, hi);
          } else if (2 * rows > MR) {
            /* Rows past the end repeat the last pixel and are not stored. */
            int32_t y0[MR], x0[MR];
            for (int r = 0; r < MR; r++) {
              y0[r] = ys[t + (r < rows ? r : rows - 1)];
              x0[r] = xs[t + (r < rows ? r : rows - 1)];
            }
            SFX(conv_tile_full)(d, inb, zero, y0, x0, wb, ot, rows, n, lo, hi);
          } else {
            for (int32_t r = 0; r < rows; r++)
              SFX(conv_tile_1)(d, inb, zero, ys + t + r, xs + t + r, wb,
                               ot + (size_t)r * d->out_c, n, lo, hi);
          }
        }
      }
    }
  }
}

TARGET void SFX(oct_fc_f32)(const oct_fc_dims *d, const oct_act_f32 *a,
                            const float *restrict in, const float *restrict w,
                            const float *restrict bias, float *restrict out,
                            void *restrict scratch) {
  /* A [batch, depth] x [depth, out_c] product is a 1x1 conv over a
   * 1 x batch image. */
  const oct_conv_dims cd = {1, 1, d->batch, d->depth, 1, d->batch, d->out_c,
                            1, 1, 1, 1, 1, 1, 0, 0, 1};
  SFX(oct_conv2d_f32)(&cd, a, in, w, bias, out, scratch);
}

/* One output row of a 3x3 depthwise conv, channels [c, c+n) of VL. */
static TARGET inline void SFX(dw3x3_block)(const oct_conv_dims *d,
                                           const float *const *rowp,
                                           const float *wp, size_t cp,
                                           const float *bp, float *orow,
                                           int32_t c, int32_t n, V lo, V hi,
                                           int full) {
  const size_t C = (size_t)d->out_c;
  V wv[9];
  for (int t = 0; t < 9; t++) wv[t] = VLOAD(wp + (size_t)t * cp + c);
  const V bv = VLOAD(bp + c);
  const int32_t dw = d->dil_w;
  for (int32_t ox = 0; ox < d->out_w; ox++) {
    const int32_t x0 = ox * d->stride_w - d->pad_w;
    V acc = bv;
    if (x0 >= 0 && x0 + 2 * dw < d->in_w) {
      for (int ky = 0; ky < 3; ky++) {
        if (!rowp[ky]) continue;
        const float *p = rowp[ky] + (size_t)x0 * C + c;
        if (full) {
          acc = VFMA(VLOAD(p), wv[ky * 3], acc);
          acc = VFMA(VLOAD(p + (size_t)dw * C), wv[ky * 3 + 1], acc);
          acc = VFMA(VLOAD(p + (size_t)(2 * dw) * C), wv[ky * 3 + 2], acc);
        } else {
          acc = VFMA(VLOADN(p, n), wv[ky * 3], acc);
          acc = VFMA(VLOADN(p + (size_t)dw * C, n), wv[ky * 3 + 1], acc);
          acc = VFMA(VLOADN(p + (size_t)(2 * dw) * C, n), wv[ky * 3 + 2], acc);
        }
      }
    } else {
      for (int ky = 0; ky < 3; ky++) {
        if (!rowp[ky]) continue;
        for (int kx = 0; kx < 3; kx++) {
          const int32_t ix = x0 + kx * dw;
          if (ix < 0 || ix >= d->in_w) continue;
          const float *p = rowp[ky] + (size_t)ix * C + c;
          acc = VFMA(full ? VLOAD(p) : VLOADN(p, n), wv[ky * 3 + kx], acc);
        }
      }
    }
    acc = VMIN(hi, VMAX(lo, acc));
    float *o = orow + (size_t)ox * C + c;
    if (full) VSTORE(o, acc);
    else VSTOREN(o, acc, n);
  }
}

TARGET void SFX(oct_dwconv2d_f32)(const oct_conv_dims *d,
                                  const oct_act_f32 *a,
                                  const float *restrict in,
                                  const float *restrict w,
                                  const float *restrict bias,
                                  float *restrict out, void *restrict scratch) {
  (void)bias;
  (void)scratch;
  const size_t C = (size_t)d->out_c; /* == in_c: depth_mult is 1 */
  const size_t cp = (C + 15) & ~(size_t)15;
  const size_t taps = (size_t)d->k_h * (size_t)d->k_w;
  const float *bp = w + taps * cp;
  const V lo = VSET1(a->lo), hi = VSET1(a->hi);
  for (int32_t b = 0; b < d->batch; b++) {
    const float *inb = in + (size_t)b * d->in_h * d->in_w * C;
    for (int32_t oy = 0; oy < d->out_h; oy++) {
      const int32_t y0 = oy * d->stride_h - d->pad_h;
      float *orow = out + (((size_t)b * d->out_h + oy) * d->out_w) * C;
      if (d->k_h == 3 && d->k_w == 3) {
        const float *rowp[3];
        for (int ky = 0; ky < 3; ky++) {
          const int32_t iy = y0 + ky * d->dil_h;
          rowp[ky] = iy >= 0 && iy < d->in_h ? inb + (size_t)iy * d->in_w * C : 0;
        }
        int32_t c = 0;
        for (; c + VL <= (int32_t)C; c += VL)
          SFX(dw3x3_block)(d, rowp, w, cp, bp, orow, c, VL, lo, hi, 1);
        if (c < (int32_t)C)
          SFX(dw3x3_block)(d, rowp, w, cp, bp, orow, c, (int32_t)C - c, lo, hi, 0);
        continue;
      }
      for (int32_t ox = 0; ox < d->out_w; ox++) {
        const int32_t x0 = ox * d->stride_w - d->pad_w;
        float *o = orow + (size_t)ox * C;
        for (size_t c = 0; c < C; c += VL) {
          const int32_t n = C - c < VL ? (int32_t)(C - c) : VL;
          V acc = VLOAD(bp + c);
          for (int32_t ky = 0; ky < d->k_h; ky++) {
            const int32_t iy = y0 + ky * d->dil_h;
            if (iy < 0 || iy >= d->in_h) continue;
            for (int32_t kx = 0; kx < d->k_w; kx++) {
              const int32_t ix = x0 + kx * d->dil_w;
              if (ix < 0 || ix >= d->in_w) continue;
              const float *p = inb + ((size_t)iy * d->in_w + ix) * C + c;
              const float *wt = w + ((size_t)ky * d->k_w + kx) * cp + c;
              acc = VFMA(n == VL ? VLOAD(p) : VLOADN(p, n), VLOAD(wt), acc);
            }
          }
          acc = VMIN(hi, VMAX(lo, acc));
          if (n == VL) VSTORE(o + c, acc);
          else VSTOREN(o + c, acc, n);
        }
      }
    }
  }
}

#undef NR
#undef CHUNK_MAX
