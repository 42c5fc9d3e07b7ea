/* int8 GEMM for CONV_2D and FULLY_CONNECTED: weight packing, A packing
 * (im2col) and dispatch to the per-ISA drivers. See x86_s8.h. */
#if defined(__x86_64__)
#include "x86_s8.h"
#include "x86_select.h"

#include "../../runtime/cpu.h"
#include "../../runtime/oct_libc.h"

static int32_t vec_of(int isa) { return isa == OCT_X86_AVX512VNNI ? 16 : 8; }
static int32_t ku_of(int isa) { return isa == OCT_X86_AVX2 ? 2 : 4; }
static int32_t elem_of(int isa) { return isa == OCT_X86_AVX2 ? 2 : 1; }

static size_t align64(size_t v) { return (v + 63) & ~(size_t)63; }

/* Vectors per N tile: the most that leaves no partial tile, else the
 * widest the register file holds. */
static int32_t pick_nv(int isa, int32_t nvec) {
  const int32_t max = isa == OCT_X86_AVX512VNNI ? 4 : 3;
  if (nvec <= max) return nvec;
  for (int32_t nv = max; nv >= 2; nv--)
    if (nvec % nv == 0) return nv;
  return max;
}

size_t oct_x86_gemm_plan_bytes(int isa, int32_t k, int32_t n) {
  const int32_t vec = vec_of(isa), ku = ku_of(isa);
  const size_t np = (size_t)((n + vec - 1) / vec) * (size_t)vec;
  const size_t kp = (size_t)((k + ku - 1) / ku) * (size_t)ku;
  return align64(sizeof(oct_x86_gemm_plan)) + align64(5 * 4 * np) +
         align64(OCT_X86_FUSE_BYTES(np)) +
         align64(np * kp * (size_t)elem_of(isa));
}

/* Weight (c, kk) as the kernels multiply it: int8 as is, or, for uint8,
 * w - 128 in s8 (VNNI, with the row term) or w + weight_offset (int16). */
static int32_t weight_at(const void *w, int u8, int es, int32_t w_off,
                         size_t i) {
  if (!u8) return ((const int8_t *)w)[i];
  const int32_t v = ((const uint8_t *)w)[i];
  return es == 1 ? v - 128 : v + w_off;
}

const oct_x86_gemm_plan *oct_x86_gemm_plan_init(void *mem, int isa, int32_t k,
                                                int32_t n, const void *wv,
                                                int u8, const int32_t *bias,
                                                const oct_requant *q,
                                                int direct) {
  oct_x86_gemm_plan *p = mem;
  const int32_t vec = vec_of(isa), ku = ku_of(isa), es = elem_of(isa);
  p->isa = isa;
  p->k = k;
  p->kp = (k + ku - 1) / ku * ku;
  p->n = n;
  p->np = (n + vec - 1) / vec * vec;
  p->vec = vec;
  p->nv = pick_nv(isa, p->np / vec);
  p->a_elem = es;
  p->direct = direct;
  p->u8 = u8;
  p->row_term = u8 && es == 1;
  p->rc = 128 + q->weight_offset;
  uint8_t *base = (uint8_t *)mem + align64(sizeof *p);
  int32_t *rq = (int32_t *)(void *)base;
  oct_x86_requant_init(&p->rq, rq, p->np, 0, n, bias, q);
  /* Fold the input zero point (and VNNI's +128) into the bias. */
  int32_t *fb = (int32_t *)(void *)p->rq.bias;
  /* int8: in_off * sum w, less 128 * sum w on VNNI (A is x + 128).
   * uint8: in_off * sum (w + w_off), whatever A holds (x itself). */
  const int32_t in_off = q->input_offset - (es == 1 && !u8 ? 128 : 0);
  const int32_t w_off = u8 ? q->weight_offset : 0;
  for (int32_t c = 0; c < n; c++) {
    uint32_t s = 0;
    for (int32_t i = 0; i < k; i++) {
      const size_t wi = (size_t)c * k + i;
      s += (uint32_t)(u8 ? (int32_t)((const uint8_t *)wv)[wi] + w_off
                         : (int32_t)((const int8_t *)wv)[wi]);
    }
    fb[c] = (int32_t)((uint32_t)fb[c] + (uint32_t)in_off * s);
  }
  int64_t *fuse = (int64_t *)(void *)(base + align64(5 * 4 * (size_t)p->np));
  if (p->rq.round_up) oct_x86_requant_fuse(&p->rq, fuse, p->np, vec);
  uint8_t *wp = base + align64(5 * 4 * (size_t)p->np) +
                align64(OCT_X86_FUSE_BYTES(p->np));
  p->w = wp;
  /* Tile at channel c0 with nv vectors: for each group of ku depths, nv
   * vectors whose lane j holds the ku weights of channel c0 + v*vec + j. */
  const int32_t groups = p->kp / ku;
  for (int32_t c0 = 0; c0 < p->np; c0 += p->nv * vec) {
    int32_t nv = (p->np - c0) / vec;
    if (nv > p->nv) nv = p->nv;
    const size_t tile = (size_t)c0 * (size_t)p->kp * (size_t)es;
    for (int32_t g = 0; g < groups; g++)
      for (int32_t v = 0; v < nv; v++)
        for (int32_t j = 0; j < vec; j++)
          for (int32_t u = 0; u < ku; u++) {
            const int32_t c = c0 + v * vec + j, kk = g * ku + u;
            const int32_t val =
                c < n && kk < k
                    ? weight_at(wv, u8, es, q->weight_offset, (size_t)c * k + kk)
                    : 0;
            const size_t idx = (((size_t)g * nv + v) * vec + j) * ku + u;
            if (es == 1)
              wp[tile + idx] = (uint8_t)(int8_t)val;
            else
              ((int16_t *)(void *)(wp + tile))[idx] = (int16_t)val;
          }
  }
  return p;
}

size_t oct_x86_gemm_scratch_bytes(const oct_x86_gemm_plan *p) {
  return (size_t)OCT_X86_GEMM_MB * (size_t)p->kp * (size_t)p->a_elem +
         (size_t)OCT_X86_GEMM_MB * 4;
}

int oct_x86_conv_is_direct(const oct_conv_dims *d) {
  return d->k_h == 1 && d->k_w == 1 && d->stride_h == 1 && d->stride_w == 1 &&
         d->pad_h == 0 && d->pad_w == 0;
}

/* One segment of A: n inputs, or n copies of the zero point when src is
 * NULL (a padding tap). */
static void put_u8(uint8_t *dst, const int8_t *src, int32_t n, int32_t zp) {
  if (!src) {
    oct_memset(dst, (int)(uint8_t)((uint8_t)zp ^ 0x80u), (size_t)n);
    return;
  }
  if (n >= 64 && (oct_cpu_usable() & OCT_CPU_AVX512)) {
    oct_x86_flip_avx512(dst, src, (size_t)n);
    return;
  }
  for (int32_t i = 0; i < n; i++) dst[i] = (uint8_t)((uint8_t)src[i] ^ 0x80u);
}

static void put_s16(int16_t *dst, const int8_t *src, int32_t n, int32_t zp) {
  if (!src) {
    for (int32_t i = 0; i < n; i++) dst[i] = (int16_t)zp;
    return;
  }
  /* Only the AVX2 GEMM packs A as int16. Short segments (an im2col row
   * of a 3-channel input is 9 bytes) stay inline. */
  if (n < 16) {
    for (int32_t i = 0; i < n; i++) dst[i] = src[i];
    return;
  }
  oct_x86_widen_avx2(dst, src, (size_t)n);
}

/* uint8 inputs: A holds x itself (VNNI) or x widened to int16. */
static void put_u8_copy(uint8_t *dst, const int8_t *src, int32_t n,
                        int32_t zp) {
  if (!src) oct_memset(dst, (int)(uint8_t)zp, (size_t)n);
  else oct_memcpy(dst, src, (size_t)n);
}

static void put_u16(int16_t *dst, const int8_t *src, int32_t n, int32_t zp) {
  const uint8_t *s = (const uint8_t *)src;
  if (!src) {
    for (int32_t i = 0; i < n; i++) dst[i] = (int16_t)zp;
    return;
  }
  if (n < 16) {
    for (int32_t i = 0; i < n; i++) dst[i] = s[i];
    return;
  }
  oct_x86_widen_u8_avx2(dst, s, (size_t)n);
}

/* n elements of A from src, or padding (src NULL). */
static inline __attribute__((always_inline)) void put(const oct_x86_gemm_plan *p, uint8_t *row, size_t col,
                const int8_t *src, int32_t n, int32_t zp) {
  if (p->a_elem == 1) {
    if (p->u8) put_u8_copy(row + col, src, n, zp);
    else put_u8(row + col, src, n, zp);
  } else {
    if (p->u8) put_u16((int16_t *)(void *)row + col, src, n, zp);
    else put_s16((int16_t *)(void *)row + col, src, n, zp);
  }
}

void oct_x86_row_terms(const oct_x86_gemm_plan *p, const void *a, int32_t rows,
                       int32_t *terms) {
  const uint8_t *b = a;
  for (int32_t r = 0; r < rows; r++) {
    uint32_t sum = 0;
    const uint8_t *row = b + (size_t)r * (size_t)p->kp;
    for (int32_t i = 0; i < p->kp; i++) sum += row[i];
    terms[r] = (int32_t)(sum * (uint32_t)p->rc);
  }
}

void oct_x86_pack_a(const oct_x86_gemm_plan *p, const oct_x86_a_src *s,
                    int32_t m0, int32_t rows, int32_t rows_pad, void *dst) {
  const size_t es = (size_t)p->a_elem, kp = (size_t)p->kp;
  uint8_t *db = dst;
  if (!s->d && kp == (size_t)p->k) {
    /* Rows are contiguous in the input and in A: one pass. */
    put(p, db, 0, s->in + (size_t)m0 * (size_t)p->k, rows * p->k, s->zp);
  } else {
    /* Output position of row m0, then stepped per row (no divisions). */
    int32_t ow = 0, oh = 0, b = 0;
    if (s->d) {
      ow = m0 % s->d->out_w;
      oh = m0 / s->d->out_w % s->d->out_h;
      b = m0 / s->d->out_w / s->d->out_h;
    }
    for (int32_t r = 0; r < rows; r++) {
      uint8_t *row = db + (size_t)r * kp * es;
      const int32_t m = m0 + r;
      if (!s->d) {
        put(p, row, 0, s->in + (size_t)m * (size_t)p->k, p->k, s->zp);
      } else {
        const oct_conv_dims *d = s->d;
        if (r > 0 && ++ow == d->out_w) {
          ow = 0;
          if (++oh == d->out_h) {
            oh = 0;
            b++;
          }
        }
        const int32_t y0 = oh * d->stride_h - d->pad_h;
        const int32_t x0 = ow * d->stride_w - d->pad_w;
        const int32_t c = d->in_c;
        size_t col = 0;
        for (int32_t ky = 0; ky < d->k_h; ky++) {
          const int32_t iy = y0 + ky * d->dil_h;
          if (iy < 0 || iy >= d->in_h) {
            put(p, row, col, 0, d->k_w * c, s->zp);
            col += (size_t)d->k_w * (size_t)c;
            continue;
          }
          const int8_t *irow =
              s->in + ((size_t)b * d->in_h + (size_t)iy) * d->in_w * (size_t)c;
          if (d->dil_w == 1) {
            /* Taps of one filter row are adjacent in the input: pad,
             * one copy, pad. */
            int32_t lo = x0 < 0 ? -x0 : 0;
            int32_t hi = d->in_w - x0 < d->k_w ? d->in_w - x0 : d->k_w;
            if (lo > d->k_w) lo = d->k_w;
            if (hi < lo) hi = lo;
            if (lo) put(p, row, col, 0, lo * c, s->zp);
            if (hi > lo)
              put(p, row, col + (size_t)lo * c,
                  irow + (size_t)(x0 + lo) * (size_t)c, (hi - lo) * c, s->zp);
            if (hi < d->k_w)
              put(p, row, col + (size_t)hi * c, 0, (d->k_w - hi) * c, s->zp);
            col += (size_t)d->k_w * (size_t)c;
            continue;
          }
          for (int32_t kx = 0; kx < d->k_w; kx++) {
            const int32_t ix = x0 + kx * d->dil_w;
            put(p, row, col,
                ix >= 0 && ix < d->in_w ? irow + (size_t)ix * (size_t)c : 0, c,
                s->zp);
            col += (size_t)c;
          }
        }
      }
      /* At most 3 bytes or 1 int16 (kp rounds k up to the dot width). */
      for (size_t i = (size_t)p->k * es; i < kp * es; i++) row[i] = 0;
    }
  }
  if (rows_pad > rows)
    oct_memset(db + (size_t)rows * kp * es, 0,
               (size_t)(rows_pad - rows) * kp * es);
}

static void run(const oct_x86_gemm_plan *p, const oct_x86_a_src *s, int32_t m,
                int8_t *out, void *scratch) {
  switch (p->isa) {
    case OCT_X86_AVX512VNNI: oct_x86_gemm_run_avx512vnni(p, s, m, out, scratch); break;
    case OCT_X86_AVXVNNI: oct_x86_gemm_run_avxvnni(p, s, m, out, scratch); break;
    default: oct_x86_gemm_run_avx2(p, s, m, out, scratch); break;
  }
}

void oct_x86_conv2d_s8(const oct_conv_dims *d, const oct_requant *q,
                       const int8_t *restrict in, const int8_t *restrict w,
                       const int32_t *restrict bias, int8_t *restrict out,
                       void *restrict scratch) {
  (void)bias;
  const oct_x86_gemm_plan *p = (const oct_x86_gemm_plan *)(const void *)w;
  const oct_x86_a_src s = {in, p->direct ? 0 : d, -q->input_offset, 0, p->np, 0};
  run(p, &s, d->batch * d->out_h * d->out_w, out, scratch);
}

void oct_x86_conv2d_u8(const oct_conv_dims *d, const oct_requant *q,
                       const uint8_t *restrict in, const uint8_t *restrict w,
                       const int32_t *restrict bias, uint8_t *restrict out,
                       void *restrict scratch) {
  oct_x86_conv2d_s8(d, q, (const int8_t *)in, (const int8_t *)w, bias,
                    (int8_t *)out, scratch);
}

void oct_x86_fc_u8(const oct_fc_dims *d, const oct_requant *q,
                   const uint8_t *restrict in, const uint8_t *restrict w,
                   const int32_t *restrict bias, uint8_t *restrict out,
                   void *restrict scratch) {
  oct_x86_fc_s8(d, q, (const int8_t *)in, (const int8_t *)w, bias,
                (int8_t *)out, scratch);
}

void oct_x86_fc_s8(const oct_fc_dims *d, const oct_requant *q,
                   const int8_t *restrict in, const int8_t *restrict w,
                   const int32_t *restrict bias, int8_t *restrict out,
                   void *restrict scratch) {
  (void)bias;
  const oct_x86_gemm_plan *p = (const oct_x86_gemm_plan *)(const void *)w;
  const oct_x86_a_src s = {in, 0, -q->input_offset, 0, p->np, 0};
  run(p, &s, d->batch, out, scratch);
}

int32_t oct_x86_fc_tiles(const void *plan) {
  const oct_x86_gemm_plan *p = plan;
  const int32_t tile = p->nv * p->vec;
  return (p->np + tile - 1) / tile;
}

void oct_x86_fc_tiles_run(const oct_fc_dims *d, const oct_requant *q,
                          const void *in, const void *plan, void *out,
                          void *scratch, int32_t t0, int32_t t1) {
  const oct_x86_gemm_plan *p = plan;
  const int32_t tile = p->nv * p->vec;
  const int32_t hi = t1 * tile < p->np ? t1 * tile : p->np;
  const oct_x86_a_src s = {in, 0, -q->input_offset, t0 * tile, hi, 0};
  if (s.c_lo < s.c_hi) run(p, &s, d->batch, out, scratch);
}
#endif
