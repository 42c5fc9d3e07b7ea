/* Hybrid CONV_2D / FULLY_CONNECTED on AVX2; see x86_hybrid.h. */
#if defined(__x86_64__)
#include "x86_hybrid.h"

#include "x86_gemm_ymm.h"

#include "../../runtime/oct_libc.h"

static size_t align64(size_t v) { return (v + 63) & ~(size_t)63; }

/* Plan memory: the GEMM plan, then the weight sums of the n channels. */
typedef struct hyb_plan {
  const oct_x86_gemm_plan *gemm;
  const int32_t *colsum; /* np entries, 0 past n */
} hyb_plan;

static OCT_AI OCT_TAVX2 __m256i lane_mask(int32_t n) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), idx);
}

/* v = act((float)acc * scale [+ bias]): the reference's operations, each
 * rounded as it rounds them. */
static OCT_AI OCT_TAVX2 void store_hyb(__m256i acc, const oct_x86_hybrid_epi *r, size_t c,
                                       float *o, int32_t cols, const int up) {
  (void)up;
  if (cols <= 0) return;
  if (r->corr)
    acc = _mm256_add_epi32(
        acc, _mm256_loadu_si256((const __m256i *)(const void *)(r->corr + c)));
  __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(r->scale + c));
  if (r->bias) v = _mm256_add_ps(v, _mm256_loadu_ps(r->bias + c));
  else if (r->add_zero) v = _mm256_add_ps(_mm256_setzero_ps(), v);
  /* max(lo, v) then min(hi, v): both return v when it is NaN, as the
   * reference's two comparisons leave it. */
  v = _mm256_min_ps(_mm256_set1_ps(r->hi), _mm256_max_ps(_mm256_set1_ps(r->lo), v));
  if (cols >= 8) _mm256_storeu_ps(o, v);
  else _mm256_maskstore_ps(o, lane_mask(cols), v);
}

#define GT_STORE(acc, r, c, o, cols, up) store_hyb(acc, r, c, o, cols, up)
#define GT_T OCT_TAVX2
#define GT_DOT(acc, a, w) _mm256_add_epi32(acc, _mm256_madd_epi16(a, w))
#define GT_NAME(x) x##_hyb
#define GT_OUT_T float
#define GT_RQ_T oct_x86_hybrid_epi
#define GT_RQ_ARG(p, s) ((const oct_x86_hybrid_epi *)(s)->epi)
#include "x86_gemm_tile.h"

size_t oct_x86_hybrid_plan_bytes(int32_t k, int32_t n) {
  const size_t np = (size_t)(n + 7) / 8 * 8;
  return align64(sizeof(hyb_plan)) + align64(4 * np) +
         align64(oct_x86_gemm_plan_bytes(OCT_X86_AVX2, k, n));
}

const void *oct_x86_hybrid_plan_init(void *mem, int32_t k, int32_t n,
                                     const int8_t *w, int direct) {
  const size_t np = (size_t)(n + 7) / 8 * 8;
  hyb_plan *hp = mem;
  int32_t *colsum = (int32_t *)(void *)((uint8_t *)mem + align64(sizeof *hp));
  void *gmem = (uint8_t *)colsum + align64(4 * np);
  /* No requantization: the int32 sums go to the float epilogue. The
   * plan's multipliers and shifts read zeros (the colsum area, filled
   * after). */
  oct_memset(colsum, 0, 4 * np);
  const oct_requant q0 = {0, 0, 0, 0, 0, colsum, colsum, OCT_ROUND_AWAY};
  hp->gemm = oct_x86_gemm_plan_init(gmem, OCT_X86_AVX2, k, n, w, 0, 0, &q0,
                                    direct);
  for (int32_t c = 0; c < n; c++) {
    uint32_t sum = 0;
    for (int32_t i = 0; i < k; i++) sum += (uint32_t)(int32_t)w[(size_t)c * k + i];
    colsum[c] = (int32_t)sum;
  }
  hp->colsum = colsum;
  return hp;
}

/* Scratch: quantized rows, row scales and zero points, the epilogue's
 * scale / bias / correction arrays, the GEMM block. */
typedef struct hyb_scratch {
  int8_t *q;
  float *row_scale;
  int32_t *row_zp;
  float *scale, *bias;
  int32_t *corr;
  void *gemm;
} hyb_scratch;

static hyb_scratch hyb_split(const hyb_plan *hp, void *scratch, int32_t rows,
                             int64_t row_len) {
  const size_t np = (size_t)hp->gemm->np;
  hyb_scratch s;
  uint8_t *p = scratch;
  s.q = (int8_t *)p;
  p += align64((size_t)rows * (size_t)row_len);
  s.row_scale = (float *)(void *)p;
  p += align64(4 * (size_t)rows);
  s.row_zp = (int32_t *)(void *)p;
  p += align64(4 * (size_t)rows);
  s.scale = (float *)(void *)p;
  p += align64(4 * np);
  s.bias = (float *)(void *)p;
  p += align64(4 * np);
  s.corr = (int32_t *)(void *)p;
  p += align64(4 * np);
  s.gemm = p;
  return s;
}

size_t oct_x86_hybrid_gemm_stride(const void *plan) {
  const hyb_plan *hp = plan;
  return align64(oct_x86_gemm_scratch_bytes(hp->gemm));
}

size_t oct_x86_hybrid_scratch_bytes(const void *plan, int32_t rows,
                                    int64_t row_len, int threads) {
  const hyb_plan *hp = plan;
  const size_t np = (size_t)hp->gemm->np;
  return align64((size_t)rows * (size_t)row_len) + 2 * align64(4 * (size_t)rows) +
         3 * align64(4 * np) +
         (size_t)(threads > 1 ? threads : 1) * oct_x86_hybrid_gemm_stride(plan);
}

/* ---- quantization of one row ---- */

/* Min and max as the reference's loop finds them; 0 when x holds NaN
 * (the reference's comparisons then depend on where the NaN is). */
static OCT_TAVX2 int minmax256(const float *x, int64_t n, float *mn, float *mx) {
  float lo = x[0], hi = x[0];
  int64_t i = 0;
  if (n >= 8) {
    __m256 vlo = _mm256_loadu_ps(x), vhi = vlo;
    __m256 nan = _mm256_cmp_ps(vlo, vlo, _CMP_UNORD_Q);
    for (i = 8; i + 8 <= n; i += 8) {
      const __m256 v = _mm256_loadu_ps(x + i);
      nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
      vlo = _mm256_min_ps(vlo, v);
      vhi = _mm256_max_ps(vhi, v);
    }
    if (_mm256_movemask_ps(nan)) return 0;
    float l[8], h[8];
    _mm256_storeu_ps(l, vlo);
    _mm256_storeu_ps(h, vhi);
    lo = l[0];
    hi = h[0];
    for (int j = 1; j < 8; j++) {
      if (l[j] < lo) lo = l[j];
      if (h[j] > hi) hi = h[j];
    }
  }
  for (; i < n; i++) {
    if (x[i] != x[i]) return 0;
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  *mn = lo;
  *mx = hi;
  return 1;
}

/* roundf (ties away from zero) of 8 floats: trunc, then a step where the
 * exact remainder reaches one half. */
static OCT_AI OCT_TAVX2 __m256 round_away(__m256 y) {
  const __m256 t = _mm256_round_ps(y, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256 d = _mm256_sub_ps(y, t), one = _mm256_set1_ps(1.0f);
  const __m256 up = _mm256_and_ps(_mm256_cmp_ps(d, _mm256_set1_ps(0.5f), _CMP_GE_OQ), one);
  const __m256 dn = _mm256_and_ps(_mm256_cmp_ps(d, _mm256_set1_ps(-0.5f), _CMP_LE_OQ), one);
  return _mm256_sub_ps(_mm256_add_ps(t, up), dn);
}

static OCT_TAVX2 void quantize_loop(const float *x, int64_t n, float inv,
                                    float zf, int asym, float lo_q, int8_t *q) {
  const __m256 vinv = _mm256_set1_ps(inv), vz = _mm256_set1_ps(zf);
  const __m256 vlo = _mm256_set1_ps(lo_q), vhi = _mm256_set1_ps(127.0f);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 y0 = _mm256_mul_ps(_mm256_loadu_ps(x + i), vinv);
    __m256 y1 = _mm256_mul_ps(_mm256_loadu_ps(x + i + 8), vinv);
    if (asym) {
      y0 = _mm256_add_ps(vz, y0);
      y1 = _mm256_add_ps(vz, y1);
    }
    y0 = _mm256_max_ps(_mm256_min_ps(round_away(y0), vhi), vlo);
    y1 = _mm256_max_ps(_mm256_min_ps(round_away(y1), vhi), vlo);
    const __m256i w = _mm256_permute4x64_epi64(
        _mm256_packs_epi32(_mm256_cvttps_epi32(y0), _mm256_cvttps_epi32(y1)), 0xD8);
    _mm_storeu_si128((__m128i *)(void *)(q + i),
                     _mm_packs_epi16(_mm256_castsi256_si128(w),
                                     _mm256_extracti128_si256(w, 1)));
  }
  for (; i < n; i++) {
    float r = roundf(asym ? zf + x[i] * inv : x[i] * inv);
    if (r > 127.0f) r = 127.0f;
    if (r < lo_q) r = lo_q;
    q[i] = (int8_t)r;
  }
}

void oct_x86_hybrid_quantize(const float *x, int64_t n, int asymmetric,
                             int8_t *q, float *scale, int32_t *zp) {
  float mn, mx;
  if (n < 1 || !minmax256(x, n, &mn, &mx)) {
    if (asymmetric) {
      oct_hybrid_quantize_asym(x, n, q, scale, zp);
    } else {
      oct_hybrid_quantize_sym(x, n, q, scale);
      *zp = 0;
    }
    return;
  }
  float inv;
  int nonzero;
  if (asymmetric) {
    nonzero = oct_hybrid_params_asym(mn, mx, scale, zp, &inv);
  } else {
    nonzero = oct_hybrid_params_sym(mn, mx, scale, &inv);
    *zp = 0;
  }
  if (!nonzero) {
    oct_memset(q, 0, (size_t)n);
    return;
  }
  quantize_loop(x, n, inv, (float)*zp, asymmetric, asymmetric ? -128.0f : -127.0f, q);
}

/* ---- kernels ---- */

void oct_x86_hybrid_image(const void *plan, const oct_hybrid_params *h,
                          const float *bias, int32_t n, int fc,
                          const float *x, int64_t len, float lo, float hi,
                          void *scratch, oct_x86_hybrid_row *row) {
  const hyb_plan *hp = plan;
  hyb_scratch sc = hyb_split(hp, scratch, 1, len);
  float s;
  int32_t z;
  oct_x86_hybrid_quantize(x, len, h->asymmetric, sc.q, &s, &z);
  const int32_t np = hp->gemm->np;
  for (int32_t c = 0; c < np; c++) {
    /* The reference's products: FC s * w_scale, CONV w_scale * s (equal:
     * one IEEE multiplication either way). */
    sc.scale[c] = c < n ? h->w_scale[c] * s : 0.0f;
    if (bias) sc.bias[c] = c < n ? bias[c] : 0.0f;
    sc.corr[c] = (int32_t)((uint32_t)(-(int64_t)z) * (uint32_t)hp->colsum[c]);
  }
  row->q = sc.q;
  row->z = z;
  row->e.scale = sc.scale;
  row->e.bias = bias ? sc.bias : 0;
  row->e.corr = z ? sc.corr : 0;
  row->e.add_zero = fc && !bias;
  row->e.lo = lo;
  row->e.hi = hi;
  row->gemm_scratch = sc.gemm;
}

void oct_x86_hybrid_rows(const void *plan, const oct_x86_hybrid_row *row,
                         const oct_conv_dims *d, const int8_t *q, int32_t m,
                         float *out, void *gemm_scratch) {
  const hyb_plan *hp = plan;
  const oct_x86_a_src src = {q, hp->gemm->direct ? 0 : d, row->z, 0,
                             hp->gemm->np, &row->e};
  gemm_hyb(hp->gemm, &src, m, out, gemm_scratch);
}

void oct_x86_conv2d_hybrid(const oct_conv_dims *d, const oct_act_f32 *a,
                           const oct_hybrid_params *h, const float *restrict in,
                           const int8_t *restrict w, const float *restrict bias,
                           float *restrict out, void *restrict scratch) {
  const int64_t img = (int64_t)d->in_h * d->in_w * d->in_c;
  const size_t out_img = (size_t)d->out_h * (size_t)d->out_w * (size_t)d->out_c;
  oct_conv_dims one = *d;
  one.batch = 1;
  for (int32_t b = 0; b < d->batch; b++) {
    oct_x86_hybrid_row row;
    oct_x86_hybrid_image(w, h, bias, d->out_c, 0, in + (size_t)b * (size_t)img,
                         img, a->lo, a->hi, scratch, &row);
    oct_x86_hybrid_rows(w, &row, &one, row.q, d->out_h * d->out_w,
                        out + (size_t)b * out_img, row.gemm_scratch);
  }
}

void oct_x86_fc_hybrid(const oct_fc_dims *d, const oct_act_f32 *a,
                       const oct_hybrid_params *h, const float *restrict in,
                       const int8_t *restrict w, const float *restrict bias,
                       float *restrict out, void *restrict scratch) {
  for (int32_t b = 0; b < d->batch; b++) {
    oct_x86_hybrid_row row;
    oct_x86_hybrid_image(w, h, bias, d->out_c, 1, in + (size_t)b * (size_t)d->depth,
                         d->depth, a->lo, a->hi, scratch, &row);
    oct_x86_hybrid_rows(w, &row, 0, row.q, 1, out + (size_t)b * (size_t)d->out_c,
                        row.gemm_scratch);
  }
}

/* ---- DEPTHWISE_CONV_2D ---- */

/* Plan memory: the depthwise plan (input offset 0, no bias), then per
 * lane slot the weight sums and the weight scales. */
typedef struct hdw_plan {
  const oct_x86_dw_plan *dw;
  const int32_t *colsum;
  const float *wsc;
} hdw_plan;

int oct_x86_hybrid_dw_supported(const oct_conv_dims *d) {
  return oct_x86_dw_supported(d);
}

size_t oct_x86_hybrid_dw_plan_bytes(const oct_conv_dims *d) {
  const size_t cp = (size_t)(d->out_c + 15) / 16 * 16;
  return align64(sizeof(hdw_plan)) + 2 * align64(4 * cp) +
         align64(4 * (size_t)d->out_c) + oct_x86_dw_plan_bytes(OCT_X86_AVX2, d);
}

const void *oct_x86_hybrid_dw_plan_init(void *mem, const oct_conv_dims *d,
                                        const int8_t *w, const float *w_scale) {
  const size_t cp = (size_t)(d->out_c + 15) / 16 * 16;
  hdw_plan *hp = mem;
  uint8_t *b = (uint8_t *)mem + align64(sizeof *hp);
  int32_t *colsum = (int32_t *)(void *)b;
  float *wsc = (float *)(void *)(b + align64(4 * cp));
  int32_t *zeros = (int32_t *)(void *)(b + 2 * align64(4 * cp));
  void *dmem = b + 2 * align64(4 * cp) + align64(4 * (size_t)d->out_c);
  oct_memset(zeros, 0, 4 * (size_t)d->out_c);
  const oct_requant q0 = {0, 0, 0, 0, 0, zeros, zeros, OCT_ROUND_AWAY};
  const oct_x86_dw_plan *p =
      oct_x86_dw_plan_init(dmem, OCT_X86_AVX2, d, w, 0, 0, &q0);
  const int32_t taps = d->k_h * d->k_w;
  for (int32_t i = 0; i < p->cp; i++) {
    const int32_t ch = oct_x86_dw_channel(p, i);
    uint32_t sum = 0;
    if (ch < d->out_c)
      for (int32_t t = 0; t < taps; t++)
        sum += (uint32_t)(int32_t)w[(size_t)t * (size_t)d->out_c + (size_t)ch];
    colsum[i] = (int32_t)sum;
    wsc[i] = ch < d->out_c ? w_scale[ch] : 0.0f;
  }
  hp->dw = p;
  hp->colsum = colsum;
  hp->wsc = wsc;
  return hp;
}

size_t oct_x86_hybrid_dw_scratch_bytes(const void *plan, int64_t img) {
  const hdw_plan *hp = plan;
  const size_t cp = (size_t)hp->dw->cp;
  return align64((size_t)img) + 3 * align64(4 * cp);
}

/* Scratch of one image: q, then per lane slot the corrections and the
 * bias, then the zero-point row. */
void oct_x86_hybrid_dw_image(const void *plan, const oct_hybrid_params *h,
                             const float *bias, const float *x, int64_t img,
                             void *scratch, oct_x86_hybrid_dw_row *row) {
  const hdw_plan *hp = plan;
  const oct_x86_dw_plan *p = hp->dw;
  const size_t cp = (size_t)p->cp;
  uint8_t *sb = scratch;
  int8_t *q = (int8_t *)sb;
  int32_t *corr = (int32_t *)(void *)(sb + align64((size_t)img));
  float *bp = (float *)(void *)(sb + align64((size_t)img) + align64(4 * cp));
  int8_t *zrow = (int8_t *)(sb + align64((size_t)img) + 2 * align64(4 * cp));
  if (bias)
    for (int32_t i = 0; i < p->cp; i++) {
      const int32_t ch = oct_x86_dw_channel(p, i);
      bp[i] = ch < p->c ? bias[ch] : 0.0f;
    }
  float s;
  int32_t z;
  oct_x86_hybrid_quantize(x, img, h->asymmetric, q, &s, &z);
  for (int32_t i = 0; i < p->cp; i++)
    corr[i] = (int32_t)((uint32_t)(-(int64_t)z) * (uint32_t)hp->colsum[i]);
  row->q = q;
  row->z = z;
  row->s = s;
  row->corr = corr;
  row->bias = bias ? bp : 0;
  row->zrow = zrow;
}

void oct_x86_hybrid_dw_rows(const void *plan, const oct_x86_hybrid_dw_row *row,
                            const oct_conv_dims *d, const int8_t *q, float lo,
                            float hi, float *out) {
  const hdw_plan *hp = plan;
  oct_x86_dw_hybrid_run(hp->dw, d, q, row->z, row->s, row->corr, hp->wsc,
                        row->bias, lo, hi, row->zrow, out);
}

void oct_x86_dwconv2d_hybrid(const oct_conv_dims *d, const oct_act_f32 *a,
                             const oct_hybrid_params *h,
                             const float *restrict in, const int8_t *restrict w,
                             const float *restrict bias, float *restrict out,
                             void *restrict scratch) {
  const int64_t img = (int64_t)d->in_h * d->in_w * d->in_c;
  const size_t out_img = (size_t)d->out_h * (size_t)d->out_w * (size_t)d->out_c;
  oct_conv_dims one = *d;
  one.batch = 1;
  for (int32_t b = 0; b < d->batch; b++) {
    oct_x86_hybrid_dw_row row;
    oct_x86_hybrid_dw_image(w, h, bias, in + (size_t)b * (size_t)img, img,
                            scratch, &row);
    oct_x86_hybrid_dw_rows(w, &row, &one, row.q, a->lo, a->hi,
                           out + (size_t)b * out_img);
  }
}
#endif
