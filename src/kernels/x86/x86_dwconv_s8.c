/*
 * int8 DEPTHWISE_CONV_2D (depth multiplier 1, any kernel size up to
 * OCT_X86_DW_MAX_TAPS taps, stride, dilation and padding).
 *
 * Per output pixel, taps are taken in pairs: the two taps' inputs, widened
 * to int16 with the input offset added (|x + in_off| <= 255; AVX2 instead
 * folds in_off * sum of the weights into the bias), are
 * interleaved (vpunpck[lh]wd) and multiplied by interleaved int16 weights
 * with vpmaddwd, which sums each pair exactly into int32. A tap outside
 * the input reads a row of zero points (adds 0), as does the padding tap
 * of an odd count (its weights are 0 anyway).
 *
 * Lane order: vpunpck works inside 128-bit lanes, so of a block's
 * channels the "lo" accumulator holds, per 128-bit lane L, channels
 * 8L..8L+3 and "hi" 8L+4..8L+7; vpackssdw(lo, hi) restores the natural
 * order. Weights and requantization arrays are stored in that lane order.
 */
#if defined(__x86_64__)
#include "x86_requant.h"

static size_t align64(size_t v) { return (v + 63) & ~(size_t)63; }

static int32_t block_of(int isa) {
  return isa == OCT_X86_AVX512VNNI ? 64 : isa == OCT_X86_AVX512 ? 32 : 16;
}

int oct_x86_dw_supported(const oct_conv_dims *d) {
  return d->depth_mult == 1 && d->in_c == d->out_c &&
         (int64_t)d->k_h * d->k_w <= OCT_X86_DW_MAX_TAPS;
}

size_t oct_x86_dw_plan_bytes(int isa, const oct_conv_dims *d) {
  const int32_t bl = block_of(isa);
  const size_t cp = (size_t)((d->out_c + bl - 1) / bl) * (size_t)bl;
  const size_t pairs = (size_t)(d->k_h * d->k_w + 1) / 2;
  const size_t quads = (size_t)(d->k_h * d->k_w + 3) / 4;
  return align64(sizeof(oct_x86_dw_plan)) + align64(5 * 4 * cp) +
         align64(4 * cp) + align64(cp * pairs * 2 * 2) + align64(cp * quads * 4) +
         align64(cp);
}

/* Channel held by lane i (of `half` int32 lanes) of half h of a block. */
static int32_t lane_channel(int32_t i, int32_t h) {
  return (i / 4) * 8 + h * 4 + i % 4;
}

/*
 * The VNNI layout: taps in fours, each 32-bit lane holding one channel's
 * four inputs (x + 128 as u8, interleaved with vpunpck[lh]bw then
 * vpunpck[lh]wd) against its four weights; vpdpbusd sums them. Of a block
 * of 64 channels, accumulator j holds in 128-bit lane L the channels
 * 16L + 4j .. 16L + 4j + 3, which vpackssdw / vpacksswb put back in order.
 * The +128 is folded into the bias: (in_off - 128) * sum of the weights
 * (padding taps read the zero point, whose x + in_off is 0, and so cancel).
 */
static const oct_x86_dw_plan *vnni_init(oct_x86_dw_plan *p, int32_t *rq,
                                        int32_t *perm, uint8_t *base,
                                        const int8_t *w, const int32_t *bias,
                                        const oct_requant *q) {
  for (int32_t c0 = 0; c0 < p->cp; c0 += 64)
    for (int32_t j = 0; j < 4; j++)
      for (int32_t l = 0; l < 16; l++)
        perm[c0 + 16 * j + l] = c0 + 16 * (l / 4) + 4 * j + l % 4;
  oct_x86_requant_init(&p->rq, rq, p->cp, perm, p->c, bias, q);
  int32_t *fb = (int32_t *)(void *)p->rq.bias;
  const uint32_t k = (uint32_t)(q->input_offset - 128);
  for (int32_t i = 0; i < p->cp; i++) {
    const int32_t ch = perm[i];
    if (ch >= p->c) continue;
    uint32_t sum = 0;
    for (int32_t t = 0; t < p->taps; t++)
      sum += (uint32_t)(int32_t)w[(size_t)t * (size_t)p->c + (size_t)ch];
    fb[i] = (int32_t)((uint32_t)fb[i] + k * sum);
  }
  base += align64((size_t)p->cp * (size_t)p->pairs * 4);
  int8_t *wp = (int8_t *)base;
  base += align64((size_t)p->cp * (size_t)p->groups * 4);
  for (int32_t c0 = 0, cb = 0; c0 < p->cp; c0 += 64, cb++)
    for (int32_t g = 0; g < p->groups; g++)
      for (int32_t j = 0; j < 4; j++)
        for (int32_t l = 0; l < 16; l++)
          for (int32_t u = 0; u < 4; u++) {
            const int32_t ch = c0 + 16 * (l / 4) + 4 * j + l % 4;
            const int32_t tap = 4 * g + u;
            const size_t idx =
                ((((size_t)cb * p->groups + g) * 4 + j) * 16 + l) * 4 + u;
            wp[idx] = ch < p->c && tap < p->taps
                          ? w[(size_t)tap * (size_t)p->c + (size_t)ch]
                          : 0;
          }
  p->w = (const int16_t *)(const void *)wp;
  int8_t *z = (int8_t *)base;
  oct_memset(z, (int)(uint8_t)(int8_t)(-q->input_offset), (size_t)p->cp);
  p->zrow = z;
  return p;
}

const oct_x86_dw_plan *oct_x86_dw_plan_init(void *mem, int isa,
                                            const oct_conv_dims *d,
                                            const void *wv, int u8,
                                            const int32_t *bias,
                                            const oct_requant *q) {
  const int8_t *w = wv;
  oct_x86_dw_plan *p = mem;
  const int32_t bl = block_of(isa), half = bl / 2;
  p->isa = isa;
  p->u8 = u8;
  p->c = d->out_c;
  p->cp = (p->c + bl - 1) / bl * bl;
  p->block = bl;
  p->taps = d->k_h * d->k_w;
  p->pairs = (p->taps + 1) / 2;
  p->groups = (p->taps + 3) / 4;
  p->tp = isa == OCT_X86_AVX512VNNI ? 4 * p->groups : 2 * p->pairs;
  p->in_off = q->input_offset;
  for (int32_t t = 0; t < p->taps; t++) {
    p->dy[t] = (t / d->k_w) * d->dil_h;
    p->dx[t] = (t % d->k_w) * d->dil_w;
    p->off[t] = ((int64_t)p->dy[t] * d->in_w + p->dx[t]) * p->c;
  }
  p->in_w = d->in_w;
  uint8_t *base = (uint8_t *)mem + align64(sizeof *p);
  int32_t *rq = (int32_t *)(void *)base;
  base += align64(5 * 4 * (size_t)p->cp);
  int32_t *perm = (int32_t *)(void *)base;
  base += align64(4 * (size_t)p->cp);
  if (isa == OCT_X86_AVX512VNNI && !u8)
    return vnni_init(p, rq, perm, base, w, bias, q);
  for (int32_t c0 = 0; c0 < p->cp; c0 += bl)
    for (int32_t h = 0; h < 2; h++)
      for (int32_t i = 0; i < half; i++)
        perm[c0 + h * half + i] = c0 + lane_channel(i, h);
  oct_x86_requant_init(&p->rq, rq, p->cp, perm, p->c, bias, q);
  int16_t *wp = (int16_t *)(void *)base;
  base += align64((size_t)p->cp * (size_t)p->pairs * 4);
  for (int32_t c0 = 0, cb = 0; c0 < p->cp; c0 += bl, cb++)
    for (int32_t tp = 0; tp < p->pairs; tp++)
      for (int32_t h = 0; h < 2; h++)
        for (int32_t i = 0; i < half; i++)
          for (int32_t t = 0; t < 2; t++) {
            const int32_t ch = c0 + lane_channel(i, h), tap = 2 * tp + t;
            const size_t idx =
                ((((size_t)cb * p->pairs + tp) * 2 + h) * half + i) * 2 + t;
            const size_t wi = (size_t)tap * (size_t)p->c + (size_t)ch;
            wp[idx] = (int16_t)(ch < p->c && tap < p->taps
                                    ? (p->u8 ? (int32_t)((const uint8_t *)w)[wi] +
                                                   q->weight_offset
                                             : (int32_t)w[wi])
                                    : 0);
          }
  p->w = wp;
  if (isa == OCT_X86_AVX2) {
    /* The AVX2 kernel multiplies x itself, not x + in_off: in_off * (sum
     * of the channel's weights) goes into the bias instead. A padding tap
     * reads the zero point, zp * w, which that term cancels. */
    int32_t *fb = (int32_t *)(void *)p->rq.bias;
    for (int32_t i = 0; i < p->cp; i++) {
      const int32_t ch = perm[i];
      if (ch < 0 || ch >= p->c) continue;
      uint32_t sum = 0;
      for (int32_t t = 0; t < p->taps; t++) {
        const size_t wi = (size_t)t * (size_t)p->c + (size_t)ch;
        sum += (uint32_t)(p->u8 ? (int32_t)((const uint8_t *)w)[wi] + q->weight_offset
                                : (int32_t)w[wi]);
      }
      fb[i] = (int32_t)((uint32_t)fb[i] + (uint32_t)q->input_offset * sum);
    }
  }
  int8_t *z = (int8_t *)base;
  oct_memset(z, (int)(uint8_t)(int8_t)(-q->input_offset), (size_t)p->cp);
  p->zrow = z;
  return p;
}

/* Widening of the input bytes: signed for int8, unsigned for uint8 (U8
 * is a constant in every caller, so one of the two is compiled). */
#define cvt512(v) (U8 ? _mm512_cvtepu8_epi16(v) : _mm512_cvtepi8_epi16(v))
#define cvt256(v) (U8 ? _mm256_cvtepu8_epi16(v) : _mm256_cvtepi8_epi16(v))

/* Input pointers (channel 0) of the pixel's taps, zero-point row for those
 * outside the input. */
static OCT_AI void tap_ptrs(const oct_x86_dw_plan *p, const oct_conv_dims *d,
                            const int8_t *img, int32_t y0, int32_t x0,
                            const int8_t **ptr) {
  for (int32_t t = 0; t < p->tp; t++) {
    const int32_t iy = y0 + p->dy[t], ix = x0 + p->dx[t];
    ptr[t] = t < p->taps && iy >= 0 && iy < d->in_h && ix >= 0 && ix < d->in_w
                 ? img + ((size_t)iy * (size_t)d->in_w + (size_t)ix) *
                             (size_t)p->c
                 : p->zrow;
  }
}

static OCT_AI OCT_T512BW void dw_pixel512(const oct_x86_dw_plan *p,
                                          const int8_t *const *ptr,
                                          int8_t *o, const int UP,
                                          const int U8) {
  const __m512i off = _mm512_set1_epi16((int16_t)p->in_off);
  const __m512i *wv = (const __m512i *)(const void *)p->w;
  for (int32_t c0 = 0; c0 < p->c; c0 += 32) {
    const int32_t left = p->c - c0;
    const __mmask32 k =
        left >= 32 ? (__mmask32)0xFFFFFFFFu : (__mmask32)((1u << left) - 1);
    __m512i lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
    for (int32_t tp = 0; tp < p->pairs; tp++, wv += 2) {
      __m512i x0, x1;
      if (left >= 32) {
        x0 = cvt512(
            _mm256_loadu_si256((const __m256i *)(const void *)(ptr[2 * tp] + c0)));
        x1 = cvt512(_mm256_loadu_si256(
            (const __m256i *)(const void *)(ptr[2 * tp + 1] + c0)));
      } else {
        x0 = cvt512(_mm256_maskz_loadu_epi8(k, ptr[2 * tp] + c0));
        x1 = cvt512(
            _mm256_maskz_loadu_epi8(k, ptr[2 * tp + 1] + c0));
      }
      x0 = _mm512_add_epi16(x0, off);
      x1 = _mm512_add_epi16(x1, off);
      lo = _mm512_add_epi32(
          lo, _mm512_madd_epi16(_mm512_unpacklo_epi16(x0, x1), _mm512_loadu_si512(wv)));
      hi = _mm512_add_epi32(
          hi, _mm512_madd_epi16(_mm512_unpackhi_epi16(x0, x1), _mm512_loadu_si512(wv + 1)));
    }
    lo = oct_rq512(lo, &p->rq, (size_t)c0, UP);
    hi = oct_rq512(hi, &p->rq, (size_t)c0 + 16, UP);
    _mm512_mask_cvtepi16_storeu_epi8(o + c0, k, _mm512_packs_epi32(lo, hi));
  }
}

/* Four adjacent interior output pixels (inputs `sx` bytes apart): each
 * weight vector is loaded once for the four. */
static OCT_AI OCT_T512BW void dw_quad512(const oct_x86_dw_plan *p,
                                         const int8_t *const *ptr, size_t sx,
                                         int8_t *o, const int UP,
                                         const int U8) {
  const __m512i off = _mm512_set1_epi16((int16_t)p->in_off);
  const __m512i *wv = (const __m512i *)(const void *)p->w;
  const size_t c = (size_t)p->c;
  for (int32_t c0 = 0; c0 < p->c; c0 += 32) {
    const int32_t left = p->c - c0;
    const __mmask32 k =
        left >= 32 ? (__mmask32)0xFFFFFFFFu : (__mmask32)((1u << left) - 1);
    __m512i lo[4], hi[4];
    for (int j = 0; j < 4; j++) lo[j] = hi[j] = _mm512_setzero_si512();
    for (int32_t tp = 0; tp < p->pairs; tp++, wv += 2) {
      const __m512i wl = _mm512_loadu_si512(wv), wh = _mm512_loadu_si512(wv + 1);
      const int8_t *p0 = ptr[2 * tp] + c0, *p1 = ptr[2 * tp + 1] + c0;
      /* The padding tap of an odd count reads the zero-point row for
       * every pixel. */
      const size_t s1 = p1 == p->zrow + c0 ? 0 : sx;
      for (int j = 0; j < 4; j++) {
        __m512i x0, x1;
        if (left >= 32) { /* a plain load folds into vpmovsxbw */
          x0 = cvt512(_mm256_loadu_si256(
              (const __m256i *)(const void *)(p0 + j * sx)));
          x1 = cvt512(_mm256_loadu_si256(
              (const __m256i *)(const void *)(p1 + j * s1)));
        } else {
          x0 = cvt512(_mm256_maskz_loadu_epi8(k, p0 + j * sx));
          x1 = cvt512(_mm256_maskz_loadu_epi8(k, p1 + j * s1));
        }
        x0 = _mm512_add_epi16(x0, off);
        x1 = _mm512_add_epi16(x1, off);
        lo[j] = _mm512_add_epi32(lo[j], _mm512_madd_epi16(_mm512_unpacklo_epi16(x0, x1), wl));
        hi[j] = _mm512_add_epi32(hi[j], _mm512_madd_epi16(_mm512_unpackhi_epi16(x0, x1), wh));
      }
    }
    for (int j = 0; j < 4; j++) {
      const __m512i l = oct_rq512(lo[j], &p->rq, (size_t)c0, UP);
      const __m512i h = oct_rq512(hi[j], &p->rq, (size_t)c0 + 16, UP);
      _mm512_mask_cvtepi16_storeu_epi8(o + j * c + c0, k, _mm512_packs_epi32(l, h));
    }
  }
}

/* The output pixels of one image, with the taps of pixels whose window
 * lies inside the input at fixed offsets (no bounds checks). */
#define OCT_DW_LOOPS(OT, PIXEL, HAS_QUAD, QUAD)                                                 \
  const int8_t *ptr[OCT_X86_DW_MAX_TAPS + 2];                                 \
  const size_t img = (size_t)d->in_h * (size_t)d->in_w * (size_t)p->c;        \
  const int32_t span_h = (d->k_h - 1) * d->dil_h, span_w = (d->k_w - 1) * d->dil_w; \
  for (int32_t t = p->taps; t < p->tp; t++) ptr[t] = p->zrow;                \
  for (int32_t b = 0; b < d->batch; b++)                                      \
    for (int32_t oy = 0; oy < d->out_h; oy++) {                               \
      const int32_t y0 = oy * d->stride_h - d->pad_h;                         \
      const int row_in = y0 >= 0 && y0 + span_h < d->in_h;                    \
      const int8_t *im = in + (size_t)b * img;                                \
      OT *o = out + ((size_t)b * d->out_h + (size_t)oy) *                     \
                            (size_t)d->out_w * (size_t)p->c;                  \
      for (int32_t ox = 0; ox < d->out_w; ox++, o += p->c) {                  \
        const int32_t x0 = ox * d->stride_w - d->pad_w;                       \
        const int32_t x3 = x0 + 3 * d->stride_w;                              \
        if (HAS_QUAD && row_in && x0 >= 0 && ox + 3 < d->out_w &&                  \
            x3 + span_w < d->in_w) {                                          \
          const int8_t *base =                                                \
              im + ((size_t)y0 * (size_t)d->in_w + (size_t)x0) * (size_t)p->c; \
          for (int32_t t = 0; t < p->taps; t++) ptr[t] = base + p->off[t];    \
          QUAD;                                                               \
          ox += 3;                                                            \
          o += 3 * (size_t)p->c;                                              \
          continue;                                                           \
        }                                                                     \
        if (row_in && x0 >= 0 && x0 + span_w < d->in_w) {                     \
          const int8_t *base =                                                \
              im + ((size_t)y0 * (size_t)d->in_w + (size_t)x0) * (size_t)p->c; \
          for (int32_t t = 0; t < p->taps; t++) ptr[t] = base + p->off[t];    \
        } else {                                                              \
          tap_ptrs(p, d, im, y0, x0, ptr);                                    \
        }                                                                     \
        PIXEL;                                                                \
      }                                                                       \
    }

#define OCT_DW512(NAME, UP, U8)                                              \
  static OCT_T512BW void NAME(const oct_x86_dw_plan *p, const oct_conv_dims *d, \
                              const int8_t *in, int8_t *out) {                 \
    const size_t sx = (size_t)d->stride_w * (size_t)p->c;                      \
    OCT_DW_LOOPS(int8_t, dw_pixel512(p, ptr, o, UP, U8), 1,                            \
                 dw_quad512(p, ptr, sx, o, UP, U8))                            \
  }
OCT_DW512(dw512_away, 0, 0)
OCT_DW512(dw512_up, 1, 0)
OCT_DW512(dw512_away_u8, 0, 1)
OCT_DW512(dw512_up_u8, 1, 1)

void oct_x86_dw_run_avx512(const oct_x86_dw_plan *p, const oct_conv_dims *d,
                           const int8_t *in, int8_t *out) {
  if (p->u8) {
    if (p->rq.round_up) dw512_up_u8(p, d, in, out);
    else dw512_away_u8(p, d, in, out);
  } else {
    if (p->rq.round_up) dw512_up(p, d, in, out);
    else dw512_away(p, d, in, out);
  }
}

static OCT_AI OCT_T512 void dw_pixel_vnni(const oct_x86_dw_plan *p,
                                          const int8_t *const *ptr, int8_t *o,
                                          const int UP) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  const __m512i *wv = (const __m512i *)(const void *)p->w;
  for (int32_t c0 = 0; c0 < p->c; c0 += 64) {
    const int32_t left = p->c - c0;
    const __mmask64 k = left >= 64 ? ~(__mmask64)0
                                   : (((__mmask64)1 << left) - 1);
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
    for (int32_t g = 0; g < p->groups; g++, wv += 4) {
      const int8_t *const *pp = ptr + 4 * g;
      const __m512i x0 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(k, pp[0] + c0), flip);
      const __m512i x1 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(k, pp[1] + c0), flip);
      const __m512i x2 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(k, pp[2] + c0), flip);
      const __m512i x3 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(k, pp[3] + c0), flip);
      const __m512i l01 = _mm512_unpacklo_epi8(x0, x1), h01 = _mm512_unpackhi_epi8(x0, x1);
      const __m512i l23 = _mm512_unpacklo_epi8(x2, x3), h23 = _mm512_unpackhi_epi8(x2, x3);
      a0 = _mm512_dpbusd_epi32(a0, _mm512_unpacklo_epi16(l01, l23), _mm512_loadu_si512(wv));
      a1 = _mm512_dpbusd_epi32(a1, _mm512_unpackhi_epi16(l01, l23), _mm512_loadu_si512(wv + 1));
      a2 = _mm512_dpbusd_epi32(a2, _mm512_unpacklo_epi16(h01, h23), _mm512_loadu_si512(wv + 2));
      a3 = _mm512_dpbusd_epi32(a3, _mm512_unpackhi_epi16(h01, h23), _mm512_loadu_si512(wv + 3));
    }
    a0 = oct_rq512(a0, &p->rq, (size_t)c0, UP);
    a1 = oct_rq512(a1, &p->rq, (size_t)c0 + 16, UP);
    a2 = oct_rq512(a2, &p->rq, (size_t)c0 + 32, UP);
    a3 = oct_rq512(a3, &p->rq, (size_t)c0 + 48, UP);
    const __m512i v = _mm512_packs_epi16(_mm512_packs_epi32(a0, a1),
                                         _mm512_packs_epi32(a2, a3));
    _mm512_mask_storeu_epi8(o + c0, k, v);
  }
}

static OCT_T512 void dwvnni_away(const oct_x86_dw_plan *p,
                                 const oct_conv_dims *d, const int8_t *in,
                                 int8_t *out) {
  OCT_DW_LOOPS(int8_t, dw_pixel_vnni(p, ptr, o, 0), 0, (void)0)
}
static OCT_T512 void dwvnni_up(const oct_x86_dw_plan *p,
                               const oct_conv_dims *d, const int8_t *in,
                               int8_t *out) {
  OCT_DW_LOOPS(int8_t, dw_pixel_vnni(p, ptr, o, 1), 0, (void)0)
}

void oct_x86_dw_run_vnni(const oct_x86_dw_plan *p, const oct_conv_dims *d,
                         const int8_t *in, int8_t *out) {
  if (p->rq.round_up) dwvnni_up(p, d, in, out);
  else dwvnni_away(p, d, in, out);
}

static OCT_AI OCT_TAVX2 __m256i load16(const int8_t *src, int32_t left,
                                      const int U8) {
  if (left >= 16)
    return cvt256(
        _mm_loadu_si128((const __m128i *)(const void *)src));
  int8_t tmp[16] = {0};
  oct_memcpy(tmp, src, (size_t)left);
  return cvt256(_mm_loadu_si128((const __m128i *)(void *)tmp));
}

static OCT_AI OCT_TAVX2 void dw_pixel256(const oct_x86_dw_plan *p,
                                         const int8_t *const *ptr, int8_t *o,
                                         const int UP, const int U8) {
  /* The input offset is in the bias (see oct_x86_dw_plan_init). */
  const __m256i *wv = (const __m256i *)(const void *)p->w;
  for (int32_t c0 = 0; c0 < p->c; c0 += 16) {
    const int32_t left = p->c - c0;
    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
    for (int32_t tp = 0; tp < p->pairs; tp++, wv += 2) {
      const __m256i x0 = load16(ptr[2 * tp] + c0, left, U8);
      const __m256i x1 = load16(ptr[2 * tp + 1] + c0, left, U8);
      lo = _mm256_add_epi32(
          lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(x0, x1), _mm256_loadu_si256(wv)));
      hi = _mm256_add_epi32(
          hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(x0, x1), _mm256_loadu_si256(wv + 1)));
    }
    lo = oct_rq256(lo, &p->rq, (size_t)c0, UP);
    hi = oct_rq256(hi, &p->rq, (size_t)c0 + 8, UP);
    const __m256i h = _mm256_packs_epi32(lo, hi);
    const __m128i h0 = _mm256_castsi256_si128(h);
    const __m128i h1 = _mm256_extracti128_si256(h, 1);
    const __m128i b = U8 ? _mm_packus_epi16(h0, h1) : _mm_packs_epi16(h0, h1);
    if (left >= 16) {
      _mm_storeu_si128((__m128i *)(void *)(o + c0), b);
    } else {
      int8_t tmp[16];
      _mm_storeu_si128((__m128i *)(void *)tmp, b);
      oct_memcpy(o + c0, tmp, (size_t)left);
    }
  }
}

#define OCT_DW256(NAME, UP, U8)                                              \
  static OCT_TAVX2 void NAME(const oct_x86_dw_plan *p, const oct_conv_dims *d,  \
                             const int8_t *in, int8_t *out) {                  \
    OCT_DW_LOOPS(int8_t, dw_pixel256(p, ptr, o, UP, U8), 0, (void)0)                   \
  }
OCT_DW256(dw256_away, 0, 0)
OCT_DW256(dw256_up, 1, 0)
OCT_DW256(dw256_away_u8, 0, 1)
OCT_DW256(dw256_up_u8, 1, 1)

void oct_x86_dw_run_avx2(const oct_x86_dw_plan *p, const oct_conv_dims *d,
                         const int8_t *in, int8_t *out) {
  if (p->u8) {
    if (p->rq.round_up) dw256_up_u8(p, d, in, out);
    else dw256_away_u8(p, d, in, out);
  } else {
    if (p->rq.round_up) dw256_up(p, d, in, out);
    else dw256_away(p, d, in, out);
  }
}

/* ---- hybrid (float input and output, int8 weights) on AVX2 ---- */

/* The float epilogue of one image, per lane slot (cp entries, the
 * block's lane order). */
typedef struct dw_hyb_epi {
  const int32_t *corr; /* -z * (sum of the channel's weights), or NULL */
  const float *wsc;    /* weight scales */
  const float *bias;   /* or NULL */
  float s, lo, hi;     /* the image's input scale, activation clamp */
} dw_hyb_epi;

static OCT_AI OCT_TAVX2 __m256 dw_hyb_float(__m256i acc, const dw_hyb_epi *e,
                                            size_t c) {
  if (e->corr)
    acc = _mm256_add_epi32(
        acc, _mm256_loadu_si256((const __m256i *)(const void *)(e->corr + c)));
  /* The reference's order: (acc * s) * w_scale, then + bias. */
  __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_set1_ps(e->s));
  v = _mm256_mul_ps(v, _mm256_loadu_ps(e->wsc + c));
  if (e->bias) v = _mm256_add_ps(v, _mm256_loadu_ps(e->bias + c));
  return _mm256_min_ps(_mm256_set1_ps(e->hi), _mm256_max_ps(_mm256_set1_ps(e->lo), v));
}

static OCT_AI OCT_TAVX2 void store_f8(float *o, __m256 v, int32_t n) {
  if (n >= 8) {
    _mm256_storeu_ps(o, v);
  } else if (n > 0) {
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(n),
                                         _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(o, m, v);
  }
}

static OCT_AI OCT_TAVX2 void dw_pixel_hyb(const oct_x86_dw_plan *p,
                                          const int8_t *const *ptr, float *o,
                                          const dw_hyb_epi *e) {
  const __m256i *wv = (const __m256i *)(const void *)p->w;
  for (int32_t c0 = 0; c0 < p->c; c0 += 16) {
    const int32_t left = p->c - c0;
    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
    for (int32_t tp = 0; tp < p->pairs; tp++, wv += 2) {
      const __m256i x0 = load16(ptr[2 * tp] + c0, left, 0);
      const __m256i x1 = load16(ptr[2 * tp + 1] + c0, left, 0);
      lo = _mm256_add_epi32(
          lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(x0, x1), _mm256_loadu_si256(wv)));
      hi = _mm256_add_epi32(
          hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(x0, x1), _mm256_loadu_si256(wv + 1)));
    }
    /* lo holds channels 0-3 | 8-11 of the block, hi 4-7 | 12-15. */
    const __m256 fl = dw_hyb_float(lo, e, (size_t)c0);
    const __m256 fh = dw_hyb_float(hi, e, (size_t)c0 + 8);
    store_f8(o + c0, _mm256_permute2f128_ps(fl, fh, 0x20), left);
    store_f8(o + c0 + 8, _mm256_permute2f128_ps(fl, fh, 0x31), left - 8);
  }
}

static OCT_TAVX2 void dw_hyb_image(const oct_x86_dw_plan *p,
                                   const oct_conv_dims *d, const int8_t *in,
                                   float *out, const dw_hyb_epi *e) {
  OCT_DW_LOOPS(float, dw_pixel_hyb(p, ptr, o, e), 0, (void)0)
}

int32_t oct_x86_dw_channel(const oct_x86_dw_plan *p, int32_t i) {
  const int32_t half = p->block / 2, j = i % p->block;
  return i - j + lane_channel(j % half, j / half);
}

void oct_x86_dw_hybrid_run(const oct_x86_dw_plan *p, const oct_conv_dims *d,
                           const int8_t *q, int32_t z, float s,
                           const int32_t *corr, const float *wsc,
                           const float *bias, float lo, float hi,
                           int8_t *zrow, float *out) {
  /* Padding taps read z: z * w, which corr's -z * (sum of all taps'
   * weights) removes with the inside taps' share. */
  oct_x86_dw_plan pz = *p;
  oct_memset(zrow, (int)(uint8_t)(int8_t)z, (size_t)p->cp);
  pz.zrow = zrow;
  const dw_hyb_epi e = {z ? corr : 0, wsc, bias, s, lo, hi};
  dw_hyb_image(&pz, d, q, out, &e);
}

void oct_x86_dwconv2d_s8(const oct_conv_dims *d, const oct_requant *q,
                         const int8_t *restrict in, const int8_t *restrict w,
                         const int32_t *restrict bias, int8_t *restrict out,
                         void *restrict scratch) {
  (void)q;
  (void)bias;
  (void)scratch;
  const oct_x86_dw_plan *p = (const oct_x86_dw_plan *)(const void *)w;
  if (p->isa == OCT_X86_AVX512VNNI)
    oct_x86_dw_run_vnni(p, d, in, out);
  else if (p->isa == OCT_X86_AVX512)
    oct_x86_dw_run_avx512(p, d, in, out);
  else
    oct_x86_dw_run_avx2(p, d, in, out);
}

void oct_x86_dwconv2d_u8(const oct_conv_dims *d, const oct_requant *q,
                         const uint8_t *restrict in, const uint8_t *restrict w,
                         const int32_t *restrict bias, uint8_t *restrict out,
                         void *restrict scratch) {
  oct_x86_dwconv2d_s8(d, q, (const int8_t *)in, (const int8_t *)w, bias,
                      (int8_t *)out, scratch);
}
#endif
