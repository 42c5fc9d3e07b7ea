/* Shared prepare-time pieces of the x86 int8 kernels. */
#if defined(__x86_64__)
#include "x86_s8.h"

#include "../../runtime/oct_libc.h"

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
  r->c32 = 0;
}

void oct_x86_requant_fuse(oct_x86_requant *r, int64_t *mem, int32_t np,
                          int32_t vec) {
  int64_t *k = mem, *s = mem + np;
  int32_t *c = (int32_t *)(void *)(mem + 2 * (size_t)np);
  const int32_t half = vec / 2;
  for (int32_t i = 0; i < np; i++) {
    /* Vector of channels c0..c0+vec-1: slot j < vec/2 is channel c0 + 2j,
     * slot vec/2 + j is channel c0 + 2j + 1. */
    const int32_t c0 = i / vec * vec, j = i % vec;
    const int32_t ch = j < half ? c0 + 2 * j : c0 + 2 * (j - half) + 1;
    const int32_t rsh = r->rsh[ch];
    uint64_t kv = ((uint64_t)1 << 30) + (rsh ? (uint64_t)1 << (30 + rsh) : 0);
    if (vec == 8) kv += (uint64_t)1 << 63;
    oct_memcpy(&k[i], &kv, sizeof kv);
    s[i] = 31 + rsh;
    if (vec == 8) {
      /* 2^(63 - s) = 2^(32 - rsh): its low 32 bits. */
      const int32_t rs = r->rsh[i];
      c[i] = rs ? (int32_t)((uint32_t)1 << (32 - rs)) : 0;
    }
  }
  r->k64 = k;
  r->s64 = s;
  r->c32 = vec == 8 ? c : 0;
}
#endif
