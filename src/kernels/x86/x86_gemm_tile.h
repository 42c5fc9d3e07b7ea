/*
 * The GEMM micro-kernel, written once for zmm and ymm. The includer
 * defines:
 *   GT_T        target attribute        GT_V     vector type
 *   GT_LANES    int32 lanes per vector  GT_DOT(acc, a, w)  accumulate
 *   GT_ZERO()   zero vector             GT_BCAST(p)        4 bytes at p
 *   GT_LOAD(p)  vector load             GT_STORE(acc, r, c, o, cols, up)
 *   GT_NAME(x)  name suffixing          GT_ADD(a, b), GT_SET1(x)
 * Optional (defaults in brackets, reset at the end of this file):
 *   GT_OUT_T    output element type [int8_t]
 *   GT_RQ_T     type of the epilogue argument r [oct_x86_requant]
 *   GT_RQ_ARG(p, s)  the r the driver passes [&(p)->rq]
 * With RT, row i's accumulators first get rt[i] (the uint8 row term).
 * A tile multiplies MR rows of packed A (row stride `lda` bytes, 4 bytes
 * per step: 4 u8 or 2 int16) by NV weight vectors and requantizes.
 * Accumulators are named variables, not an array, so that every compiler
 * keeps them in registers; rows and vectors past MR/NV are compiled out.
 */
#ifndef GT_OUT_T
#define GT_OUT_T int8_t
#endif
#ifndef GT_RQ_T
#define GT_RQ_T oct_x86_requant
#endif
#ifndef GT_RQ_ARG
#define GT_RQ_ARG(p, s) (&(p)->rq)
#endif

#define GT_DECL(i) \
  GT_V c##i##0 = GT_ZERO(), c##i##1 = GT_ZERO(), c##i##2 = GT_ZERO(), \
       c##i##3 = GT_ZERO();
#define GT_ROW(i)                                        \
  if (MR > i) {                                          \
    const GT_V b = GT_BCAST(a + (size_t)(i) * lda + kb); \
    c##i##0 = GT_DOT(c##i##0, b, w0);                    \
    if (NV > 1) c##i##1 = GT_DOT(c##i##1, b, w1);        \
    if (NV > 2) c##i##2 = GT_DOT(c##i##2, b, w2);        \
    if (NV > 3) c##i##3 = GT_DOT(c##i##3, b, w3);        \
  }
#define GT_EPI(i)                                                        \
  if (MR > i && rows > i) {                                              \
    GT_OUT_T *o = out + (size_t)(i) * ldo;                                 \
    if (RT) {                                                            \
      const GT_V t = GT_SET1(rt[i]);                                     \
      c##i##0 = GT_ADD(c##i##0, t);                                      \
      if (NV > 1) c##i##1 = GT_ADD(c##i##1, t);                          \
      if (NV > 2) c##i##2 = GT_ADD(c##i##2, t);                          \
      if (NV > 3) c##i##3 = GT_ADD(c##i##3, t);                          \
    }                                                                    \
    GT_STORE(c##i##0, r, c0, o, cols, UP);                               \
    if (NV > 1) GT_STORE(c##i##1, r, c0 + GT_LANES, o + GT_LANES,        \
                         cols - GT_LANES, UP);                           \
    if (NV > 2) GT_STORE(c##i##2, r, c0 + 2 * GT_LANES,                  \
                         o + 2 * GT_LANES, cols - 2 * GT_LANES, UP);     \
    if (NV > 3) GT_STORE(c##i##3, r, c0 + 3 * GT_LANES,                  \
                         o + 3 * GT_LANES, cols - 3 * GT_LANES, UP);     \
  }

static OCT_AI GT_T void GT_NAME(tile)(const uint8_t *restrict a, size_t lda,
                                      const uint8_t *restrict w, int32_t rows,
                                      GT_OUT_T *restrict out, size_t ldo,
                                      const GT_RQ_T *r, size_t c0,
                                      int32_t cols, const int32_t *rt,
                                      const int NV, const int MR, const int UP,
                                      const int RT) {
  GT_DECL(0) GT_DECL(1) GT_DECL(2) GT_DECL(3) GT_DECL(4) GT_DECL(5)
  GT_DECL(6) GT_DECL(7) GT_DECL(8) GT_DECL(9) GT_DECL(10) GT_DECL(11)
  const size_t step = (size_t)NV * sizeof(GT_V);
  for (size_t kb = 0; kb < lda; kb += 4, w += step) {
    const GT_V w0 = GT_LOAD(w);
    const GT_V w1 = NV > 1 ? GT_LOAD(w + sizeof(GT_V)) : GT_ZERO();
    const GT_V w2 = NV > 2 ? GT_LOAD(w + 2 * sizeof(GT_V)) : GT_ZERO();
    const GT_V w3 = NV > 3 ? GT_LOAD(w + 3 * sizeof(GT_V)) : GT_ZERO();
    GT_ROW(0) GT_ROW(1) GT_ROW(2) GT_ROW(3) GT_ROW(4) GT_ROW(5)
    GT_ROW(6) GT_ROW(7) GT_ROW(8) GT_ROW(9) GT_ROW(10) GT_ROW(11)
  }
  GT_EPI(0) GT_EPI(1) GT_EPI(2) GT_EPI(3) GT_EPI(4) GT_EPI(5)
  GT_EPI(6) GT_EPI(7) GT_EPI(8) GT_EPI(9) GT_EPI(10) GT_EPI(11)
}

typedef void (*GT_NAME(tile_fn))(const uint8_t *restrict a, size_t lda,
                                 const uint8_t *restrict w, int32_t rows,
                                 GT_OUT_T *restrict out, size_t ldo,
                                 const GT_RQ_T *r, size_t c0,
                                 int32_t cols, const int32_t *rt);

#define GT_INST(NV, MR, UP, RT)                                           \
  static GT_T void GT_NAME(tile_##NV##_##UP##_##RT)(                      \
      const uint8_t *restrict a, size_t lda, const uint8_t *restrict w,   \
      int32_t rows, GT_OUT_T *restrict out, size_t ldo,                     \
      const GT_RQ_T *r, size_t c0, int32_t cols,                  \
      const int32_t *rt) {                                                \
    GT_NAME(tile)(a, lda, w, rows, out, ldo, r, c0, cols, rt, NV, MR, UP, \
                  RT);                                                    \
  }

/* Rows per tile for NV vectors (at most 12; a multiple-of-24 row block
 * splits evenly for all of them). */
GT_INST(1, GT_MR1, 0, 0) GT_INST(1, GT_MR1, 1, 0)
GT_INST(2, GT_MR2, 0, 0) GT_INST(2, GT_MR2, 1, 0)
GT_INST(3, GT_MR3, 0, 0) GT_INST(3, GT_MR3, 1, 0)
GT_INST(4, GT_MR4, 0, 0) GT_INST(4, GT_MR4, 1, 0)
GT_INST(1, GT_MR1, 0, 1) GT_INST(1, GT_MR1, 1, 1)
GT_INST(2, GT_MR2, 0, 1) GT_INST(2, GT_MR2, 1, 1)
GT_INST(3, GT_MR3, 0, 1) GT_INST(3, GT_MR3, 1, 1)
GT_INST(4, GT_MR4, 0, 1) GT_INST(4, GT_MR4, 1, 1)

static void GT_NAME(gemm)(const oct_x86_gemm_plan *p, const oct_x86_a_src *s,
                          int32_t m, GT_OUT_T *out, void *scratch) {
  static const GT_NAME(tile_fn) fns[2][4][2] = {
      {{GT_NAME(tile_1_0_0), GT_NAME(tile_1_1_0)},
       {GT_NAME(tile_2_0_0), GT_NAME(tile_2_1_0)},
       {GT_NAME(tile_3_0_0), GT_NAME(tile_3_1_0)},
       {GT_NAME(tile_4_0_0), GT_NAME(tile_4_1_0)}},
      {{GT_NAME(tile_1_0_1), GT_NAME(tile_1_1_1)},
       {GT_NAME(tile_2_0_1), GT_NAME(tile_2_1_1)},
       {GT_NAME(tile_3_0_1), GT_NAME(tile_3_1_1)},
       {GT_NAME(tile_4_0_1), GT_NAME(tile_4_1_1)}}};
  static const int32_t mrs[4] = {GT_MR1, GT_MR2, GT_MR3, GT_MR4};
  const size_t lda = (size_t)p->kp * (size_t)p->a_elem;
  const size_t ldo = (size_t)p->n;
  const int up = p->rq.round_up ? 1 : 0;
  const int rt = p->row_term ? 1 : 0;
  int32_t *terms = (int32_t *)(void *)((uint8_t *)scratch +
                                       (size_t)OCT_X86_GEMM_MB * lda);
  for (int32_t m0 = 0; m0 < m; m0 += OCT_X86_GEMM_MB) {
    const int32_t rows = m - m0 < OCT_X86_GEMM_MB ? m - m0 : OCT_X86_GEMM_MB;
    const int32_t rows_pad = (rows + 23) / 24 * 24;
    oct_x86_pack_a(p, s, m0, rows, rows_pad, scratch);
    if (rt) oct_x86_row_terms(p, scratch, rows, terms);
    const uint8_t *a = scratch;
    for (int32_t c0 = s->c_lo; c0 < s->c_hi; c0 += p->nv * GT_LANES) {
      int32_t nv = (p->np - c0) / GT_LANES;
      if (nv > p->nv) nv = p->nv;
      const uint8_t *wt = (const uint8_t *)p->w + (size_t)c0 * lda;
      const GT_NAME(tile_fn) fn = fns[rt][nv - 1][up];
      const int32_t mr = mrs[nv - 1];
      for (int32_t r0 = 0; r0 < rows; r0 += mr)
        fn(a + (size_t)r0 * lda, lda, wt, rows - r0,
           out + (size_t)(m0 + r0) * ldo + (size_t)c0, ldo, GT_RQ_ARG(p, s),
           (size_t)c0, p->n - c0, terms + r0);
    }
  }
}

#undef GT_OUT_T
#undef GT_RQ_T
#undef GT_RQ_ARG
