/* Shared prepare-time pieces of the x86 int8 kernels. */
#if defined(__x86_64__)
#include "x86_s8.h"

const char *oct_x86_isa_name(int isa) {
  switch (isa) {
    case OCT_X86_AVX2: return "avx2";
    case OCT_X86_AVXVNNI: return "avxvnni";
    case OCT_X86_AVX512VNNI: return "avx512vnni";
    case OCT_X86_AVX512: return "avx512";
    default: return "ref";
  }
}

void oct_x86_requant_init(oct_x86_requant *r, int32_t *mem, int32_t np,
                          const int32_t *perm, int32_t n, const int32_t *bias,
                          const oct_requant *q) {
  int32_t *b = mem, *m = mem + np, *l = mem + 2 * np, *s = mem + 3 * np,
          *k = mem + 4 * np;
  const int up = q->rounding == OCT_ROUND_UP;
  for (int32_t i = 0; i < np; i++) {
    const int32_t c = perm ? perm[i] : i;
    if (c < 0 || c >= n) {
      b[i] = m[i] = l[i] = s[i] = k[i] = 0;
      continue;
    }
    const int32_t sh = q->shift[c];
    b[i] = bias ? bias[c] : 0;
    m[i] = q->mult[c];
    l[i] = sh > 0 ? sh : 0;
    s[i] = sh > 0 ? 0 : -sh;
    if (up)
      k[i] = s[i] > 0 ? (int32_t)(1u << (s[i] - 1)) : 0;
    else
      k[i] = (int32_t)(((int64_t)1 << s[i]) - 1);
  }
  r->bias = b;
  r->mult = m;
  r->lsh = l;
  r->rsh = s;
  r->rbm = k;
  r->lo = q->act_min - q->output_offset;
  r->hi = q->act_max - q->output_offset;
  r->offset = q->output_offset;
  r->round_up = up;
  r->any_lsh = 0;
  for (int32_t i = 0; i < np; i++) r->any_lsh |= l[i] != 0;
  r->k64 = r->s64 = 0;
}

void oct_x86_requant_fuse(oct_x86_requant *r, int64_t *mem, int32_t np) {
  int64_t *k = mem, *s = mem + np;
  for (int32_t i = 0; i < np; i++) {
    /* Vector of channels c0..c0+15: slot j < 8 is channel c0 + 2j, slot
     * 8 + j is channel c0 + 2j + 1. */
    const int32_t c0 = i / 16 * 16, j = i % 16;
    const int32_t ch = j < 8 ? c0 + 2 * j : c0 + 2 * (j - 8) + 1;
    const int32_t rsh = r->rsh[ch];
    k[i] = ((int64_t)1 << 30) + (rsh ? (int64_t)1 << (30 + rsh) : 0);
    s[i] = 31 + rsh;
  }
  r->k64 = k;
  r->s64 = s;
}
#endif
