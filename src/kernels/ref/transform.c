/* Reference data-movement kernels; see transform.h. */
#include "transform.h"

#include "../../runtime/oct_libc.h"

void oct_strided_copy_simplify(oct_strided_copy_params *p) {
  int32_t n = 0;
  for (int32_t i = 0; i < p->rank; i++) {
    if (p->dims[i] == 1) continue;
    /* Merging keeps every extent within int32; the guard only matters for
     * tensors of more than 2^31 elements. */
    if (n > 0 && p->step[n - 1] == p->step[i] * p->dims[i] &&
        (int64_t)p->dims[n - 1] * p->dims[i] <= INT32_MAX) {
      p->dims[n - 1] *= p->dims[i];
      p->step[n - 1] = p->step[i];
      continue;
    }
    p->dims[n] = p->dims[i];
    p->step[n] = p->step[i];
    n++;
  }
  p->rank = n;
}

/* One output row: `count` elements read `step` apart. */
static void copy_row(uint8_t *dst, const uint8_t *src, int32_t count,
                     int64_t step, int32_t es) {
  if (step == 1) {
    oct_memcpy(dst, src, (size_t)count * (size_t)es);
    return;
  }
  switch (es) {
    case 1:
      for (int32_t i = 0; i < count; i++) dst[i] = src[i * step];
      return;
    case 2: {
      uint16_t *d = (uint16_t *)(void *)dst;
      const uint16_t *s = (const uint16_t *)(const void *)src;
      for (int32_t i = 0; i < count; i++) d[i] = s[i * step];
      return;
    }
    case 4: {
      uint32_t *d = (uint32_t *)(void *)dst;
      const uint32_t *s = (const uint32_t *)(const void *)src;
      for (int32_t i = 0; i < count; i++) d[i] = s[i * step];
      return;
    }
    case 8: {
      uint64_t *d = (uint64_t *)(void *)dst;
      const uint64_t *s = (const uint64_t *)(const void *)src;
      for (int32_t i = 0; i < count; i++) d[i] = s[i * step];
      return;
    }
    default:
      for (int32_t i = 0; i < count; i++)
        oct_memcpy(dst + (size_t)i * (size_t)es, src + i * step * es,
                   (size_t)es);
  }
}

/* Steps the index over dims [0, outer) (the last fastest) and the input
 * offset with it; 0 once every index wrapped (the walk is done). */
static int next_index(const oct_strided_copy_params *p, int32_t outer,
                      int32_t *idx, int64_t *off) {
  for (int32_t a = outer - 1; a >= 0; a--) {
    *off += p->step[a];
    if (++idx[a] < p->dims[a]) return 1;
    *off -= p->step[a] * p->dims[a];
    idx[a] = 0;
  }
  return 0;
}

/* Element (j of the inner dim, i of dim r-2, step 1) of a block. */
#define SHORT_INNER(T)                                                  \
  do {                                                                  \
    const T *s_ = (const T *)(const void *)(src + off * es);            \
    T *d_ = (T *)(void *)dst;                                           \
    for (int32_t j = 0; j < inner; j++)                                 \
      for (int32_t i = 0; i < rows; i++)                                \
        d_[(size_t)i * (size_t)inner + (size_t)j] = s_[i + j * step];   \
  } while (0)

static void short_inner(const oct_strided_copy_params *p, const uint8_t *src,
                        uint8_t *dst) {
  const int32_t r = p->rank, es = p->elem_size;
  const int32_t inner = p->dims[r - 1], rows = p->dims[r - 2];
  const int64_t step = p->step[r - 1];
  const size_t block = (size_t)inner * (size_t)rows * (size_t)es;
  int32_t idx[OCT_COPY_MAX_RANK] = {0};
  int64_t off = p->start;
  for (;;) {
    if (es == 1) SHORT_INNER(uint8_t);
    else if (es == 2) SHORT_INNER(uint16_t);
    else SHORT_INNER(uint32_t);
    dst += block;
    if (!next_index(p, r - 2, idx, &off)) return;
  }
}

void oct_strided_copy_ref(const oct_strided_copy_params *p, const void *in,
                          void *out) {
  const uint8_t *src = (const uint8_t *)in;
  uint8_t *dst = (uint8_t *)out;
  const int32_t es = p->elem_size;
  const int32_t r = p->rank;
  if (r == 0) {
    oct_memcpy(dst, src + p->start * es, (size_t)es);
    return;
  }
  const int32_t inner = p->dims[r - 1];
  const int64_t inner_step = p->step[r - 1];
  if (r >= 2 && inner <= 8 && inner_step != 1 && p->step[r - 2] == 1 &&
      (es == 1 || es == 2 || es == 4)) {
    /* A transpose to a short innermost dim (NCHW -> NHWC with 3
     * channels): walking the contiguous input dim in the inner loop reads
     * sequentially instead of `inner` elements per row, far apart. */
    short_inner(p, src, dst);
    return;
  }
  const size_t row_bytes = (size_t)inner * (size_t)es;
  int32_t idx[OCT_COPY_MAX_RANK] = {0};
  int64_t off = p->start;
  for (;;) {
    copy_row(dst, src + off * es, inner, inner_step, es);
    dst += row_bytes;
    if (!next_index(p, r - 1, idx, &off)) return;
  }
}

void oct_transpose_params(int32_t rank, const int32_t *in_dims,
                          const int32_t *perm, int32_t elem_size,
                          oct_strided_copy_params *p) {
  int64_t stride[OCT_COPY_MAX_RANK];
  int64_t s = 1;
  for (int32_t i = rank - 1; i >= 0; i--) {
    stride[i] = s;
    s *= in_dims[i];
  }
  p->rank = rank;
  p->start = 0;
  p->elem_size = elem_size;
  for (int32_t i = 0; i < rank; i++) {
    p->dims[i] = in_dims[perm[i]];
    p->step[i] = stride[perm[i]];
  }
}

void oct_depth_to_space_params(int32_t n, int32_t h, int32_t w, int32_t c,
                               int32_t block, int32_t elem_size,
                               oct_strided_copy_params *p) {
  /* The input is [n, h, w, block, block, c_out]; the output is the same
   * data read as [n, h, block(dy), w, block(dx), c_out]: a transpose. */
  const int32_t c_out = c / (block * block);
  const int32_t view[6] = {n, h, w, block, block, c_out};
  const int32_t perm[6] = {0, 1, 3, 2, 4, 5};
  oct_transpose_params(6, view, perm, elem_size, p);
}

/* Writes `count` copies of one element. */
static void fill_elems(uint8_t *dst, size_t count, const uint8_t *value,
                       int32_t es) {
  int same = 1;
  for (int32_t i = 1; i < es; i++) same &= value[i] == value[0];
  if (same) {
    oct_memset(dst, value[0], count * (size_t)es);
    return;
  }
  for (size_t i = 0; i < count; i++)
    oct_memcpy(dst + i * (size_t)es, value, (size_t)es);
}

/* Folds every unpadded dim into the dim before it (dims, before and after
 * scale by its extent), so that a row copied at once spans all of them:
 * padding H and W of NHWC copies W*C bytes per row, not C. */
static void pad_merge(const oct_pad_params *in, oct_pad_params *p) {
  *p = *in;
  int32_t r = p->rank;
  while (r > 1 && p->before[r - 1] == 0 && p->after[r - 1] == 0) {
    const int64_t e = p->in_dims[r - 1];
    const int64_t d = (int64_t)p->in_dims[r - 2] * e;
    const int64_t b = (int64_t)p->before[r - 2] * e;
    const int64_t a = (int64_t)p->after[r - 2] * e;
    if (d > INT32_MAX || b > INT32_MAX || a > INT32_MAX ||
        d + b + a > INT32_MAX)
      break;
    p->in_dims[r - 2] = (int32_t)d;
    p->before[r - 2] = (int32_t)b;
    p->after[r - 2] = (int32_t)a;
    r--;
  }
  p->rank = r;
}

void oct_pad_ref(const oct_pad_params *pin, const void *in, void *out) {
  oct_pad_params merged;
  pad_merge(pin, &merged);
  const oct_pad_params *p = &merged;
  const int32_t r = p->rank;
  const int32_t es = p->elem_size;
  int64_t out_stride[OCT_COPY_MAX_RANK];
  int64_t total = 1;
  for (int32_t i = r - 1; i >= 0; i--) {
    out_stride[i] = total;
    total *= (int64_t)p->in_dims[i] + p->before[i] + p->after[i];
  }
  uint8_t *dst = (uint8_t *)out;
  const uint8_t *src = (const uint8_t *)in;
  int64_t in_total = 1;
  for (int32_t a = 0; a < r; a++) in_total *= p->in_dims[a];
  if (in_total == 0) {
    fill_elems(dst, (size_t)total, p->value, es);
    return;
  }
  /* Input rows land at increasing offsets: the pad value goes only into
   * the gap before each row and after the last (each byte written once). */
  const int32_t inner = p->in_dims[r - 1];
  const size_t row_bytes = (size_t)inner * (size_t)es;
  int32_t idx[OCT_COPY_MAX_RANK] = {0};
  int64_t off = 0, filled = 0;
  for (int32_t a = 0; a < r; a++) off += p->before[a] * out_stride[a];
  for (;;) {
    if (off > filled)
      fill_elems(dst + filled * es, (size_t)(off - filled), p->value, es);
    oct_memcpy(dst + off * es, src, row_bytes);
    filled = off + inner;
    src += row_bytes;
    int32_t a = r - 2;
    for (; a >= 0; a--) {
      off += out_stride[a];
      if (++idx[a] < p->in_dims[a]) break;
      off -= out_stride[a] * p->in_dims[a];
      idx[a] = 0;
    }
    if (a < 0) break;
  }
  if (total > filled)
    fill_elems(dst + filled * es, (size_t)(total - filled), p->value, es);
}

void oct_concat_ref(const oct_concat_params *p, const void *const *in,
                    void *out) {
  uint8_t *dst = (uint8_t *)out;
  const size_t es = (size_t)p->elem_size;
  for (int64_t k = 0; k < p->outer; k++) {
    for (int32_t i = 0; i < p->count; i++) {
      const size_t bytes = (size_t)p->chunk[i] * es;
      oct_memcpy(dst, (const uint8_t *)in[i] + (size_t)k * bytes, bytes);
      dst += bytes;
    }
  }
}

void oct_split_ref(const oct_concat_params *p, const void *in,
                   void *const *out) {
  const uint8_t *src = (const uint8_t *)in;
  const size_t es = (size_t)p->elem_size;
  for (int64_t k = 0; k < p->outer; k++) {
    for (int32_t i = 0; i < p->count; i++) {
      const size_t bytes = (size_t)p->chunk[i] * es;
      oct_memcpy((uint8_t *)out[i] + (size_t)k * bytes, src, bytes);
      src += bytes;
    }
  }
}

void oct_concat_f32_ref(const oct_concat_params *p, const float *const *in,
                        float *out, float act_min, float act_max) {
  for (int64_t k = 0; k < p->outer; k++) {
    for (int32_t i = 0; i < p->count; i++) {
      const int64_t n = p->chunk[i];
      const float *src = in[i] + k * n;
      for (int64_t j = 0; j < n; j++) {
        float v = src[j];
        v = v < act_min ? act_min : v;
        out[j] = v > act_max ? act_max : v;
      }
      out += n;
    }
  }
}

/* The float requantization TFLite's ConcatenationWithScaling does. */
static inline int32_t concat_requant(int32_t q, const oct_concat_requant *rq,
                                     int32_t out_zp, int32_t lo, int32_t hi) {
  const float r = roundf((float)q * rq->scale + rq->bias);
  /* Clamp before converting: a hostile scale must not overflow the cast. */
  const float flo = (float)(lo - out_zp), fhi = (float)(hi - out_zp);
  if (!(r > flo)) return lo;
  if (r >= fhi) return hi;
  return (int32_t)r + out_zp;
}

#define OCT_CONCAT_Q(NAME, T)                                                \
  void NAME(const oct_concat_params *p, const oct_concat_requant *rq,        \
            const T *const *in, T *out, int32_t out_zp, int32_t act_min,     \
            int32_t act_max) {                                               \
    for (int64_t k = 0; k < p->outer; k++) {                                 \
      for (int32_t i = 0; i < p->count; i++) {                               \
        const int64_t n = p->chunk[i];                                       \
        const T *src = in[i] + k * n;                                        \
        if (rq[i].copy) {                                                    \
          oct_memcpy(out, src, (size_t)n * sizeof(T));                       \
        } else {                                                             \
          for (int64_t j = 0; j < n; j++)                                    \
            out[j] =                                                         \
                (T)concat_requant(src[j], &rq[i], out_zp, act_min, act_max); \
        }                                                                    \
        out += n;                                                            \
      }                                                                      \
    }                                                                        \
  }

OCT_CONCAT_Q(oct_concat_u8_ref, uint8_t)
OCT_CONCAT_Q(oct_concat_s8_ref, int8_t)
OCT_CONCAT_Q(oct_concat_s16_ref, int16_t)
