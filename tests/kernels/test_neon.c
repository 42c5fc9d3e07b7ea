/*
 * Every Arm NEON int8 kernel variant (the tables in kernels/arm/
 * arm_kernels.h) against the reference kernel, bit for bit, at sizes
 * around the tile edges: channels 1..33 and past the 64-channel weight-sum
 * chunk, depths around the 16- and 8-byte steps, odd widths, strides 1 and
 * 2, padding, dilation, random requantization (both tie rules, multipliers
 * above and below one, narrow activation ranges, huge biases that wrap the
 * accumulator). Variants the CPU lacks are skipped with a message; the
 * whole test is skipped on hosts that are not AArch64 (run it under qemu:
 * scripts/test_arm.sh, whose default CPU has the dot product).
 */
#include "test_util.h"

#if !defined(__aarch64__)
int main(void) {
  TEST_SKIP(
      "test_neon: NEON kernels exist only on AArch64 (scripts/test_arm.sh runs "
      "them under qemu)");
}
#else
#include "kernels/arm/arm_kernels.h"
#include "kernels/ref/quant_math.h"

#define MAX_C 160

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng >> 33);
}
static int32_t rint_in(int32_t lo, int32_t hi) {
  return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
}

typedef struct rq {
  oct_requant q;
  int32_t mult[MAX_C], shift[MAX_C], bias[MAX_C];
} rq;

/* Random requantization for n channels, as prepare could produce it. */
static void make_rq(rq *r, int n, int fc) {
  for (int c = 0; c < n; c++) {
    /* 2^-20 .. 2^3: right shifts up to ~20 and left shifts up to 3. */
    const double m =
        ldexp(1.0 + (double)(rnd() % 1000) / 1000.0, rint_in(-21, 2));
    int e = 0;
    oct_quantize_multiplier(m, &r->mult[c], &e);
    r->shift[c] = e;
    const int kind = rint_in(0, 9);
    r->bias[c] = kind == 0  ? (int32_t)(rnd() << 1 ^ rnd()) /* any: sums wrap */
                 : kind < 3 ? 0
                            : rint_in(-40000, 40000);
  }
  r->q.input_offset = rint_in(0, 3) == 0 ? 128 : rint_in(-127, 128);
  r->q.weight_offset = fc && rint_in(0, 1) ? rint_in(-127, 128) : 0;
  r->q.output_offset = rint_in(-128, 127);
  if (rint_in(0, 2) == 0) {
    r->q.act_min = -128;
    r->q.act_max = 127;
  } else {
    r->q.act_min = rint_in(-128, 0);
    r->q.act_max = rint_in(r->q.act_min, 127);
  }
  r->q.mult = r->mult;
  r->q.shift = r->shift;
  r->q.rounding = (int32_t)(rnd() & 1);
}

static int8_t *rand_s8(size_t n) {
  int8_t *p = malloc(n ? n : 1);
  if (!p) abort();
  for (size_t i = 0; i < n; i++) p[i] = (int8_t)(rnd() & 0xFF);
  return p;
}

static int runnable(unsigned needs, const char *name, int *warned) {
  if ((needs & oct_arm_cpu_features()) == needs) return 1;
  if (!*warned) printf("SKIP variant %s: this CPU lacks its features\n", name);
  *warned = 1;
  return 0;
}

static int cmp(const int8_t *a, const int8_t *b, size_t n, size_t *first) {
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) {
      *first = i;
      return 0;
    }
  return 1;
}

static int fc_runs[8], conv_runs[8], dw_runs[8];

static void fc_case(int32_t batch, int32_t depth, int32_t out_c) {
  static rq r;
  make_rq(&r, out_c, 1);
  const oct_fc_dims d = {batch, depth, out_c};
  int8_t *in = rand_s8((size_t)batch * depth);
  int8_t *w = rand_s8((size_t)out_c * depth);
  const size_t n = (size_t)batch * out_c;
  int8_t *want = malloc(n), *got = malloc(n);
  const int32_t *bias = rnd() % 4 ? r.bias : NULL;
  oct_fc_s8_ref(&d, &r.q, in, w, bias, want, NULL);
  for (int v = 0; v < oct_arm_fc_s8_variant_count; v++) {
    static int warned[8];
    const oct_arm_fc_s8_variant *var = &oct_arm_fc_s8_variants[v];
    if (!runnable(var->needs, var->name, &warned[v])) continue;
    memset(got, 0x55, n);
    var->fn(&d, &r.q, in, w, bias, got, NULL);
    size_t at = 0;
    CHECK_MSG(cmp(want, got, n, &at),
              "fc %s batch %d depth %d out_c %d: element %zu is %d, ref %d "
              "(in_off %d w_off %d rounding %d)",
              var->name, (int)batch, (int)depth, (int)out_c, at, got[at],
              want[at], (int)r.q.input_offset, (int)r.q.weight_offset,
              (int)r.q.rounding);
    fc_runs[v]++;
  }
  free(in);
  free(w);
  free(want);
  free(got);
}

/* A window geometry with the given sizes; trailing padding is whatever
 * makes the output `extra` pixels longer than VALID would be. */
static int axis(int32_t in, int32_t k, int32_t s, int32_t dil, int32_t pad,
                int32_t *out) {
  const int32_t eff = dil * (k - 1) + 1;
  const int32_t extra = rint_in(0, pad);
  if (in + pad + extra < eff) return 0;
  *out = (in + pad + extra - eff) / s + 1;
  return 1;
}

static int make_dims(oct_conv_dims *d, int32_t in_c, int32_t out_c, int32_t k,
                     int32_t s, int32_t dil, int32_t pad, int depthwise) {
  memset(d, 0, sizeof *d);
  d->batch = rint_in(1, 2);
  d->in_h = rint_in(1, 6);
  d->in_w = rint_in(1, 9) | 1; /* odd widths */
  d->in_c = in_c;
  d->out_c = out_c;
  d->k_h = k;
  d->k_w = rint_in(0, 3) ? k : rint_in(1, 4);
  d->stride_h = s;
  d->stride_w = rint_in(0, 3) ? s : rint_in(1, 2);
  d->dil_h = dil;
  d->dil_w = rint_in(0, 3) ? dil : rint_in(1, 2);
  d->pad_h = pad < d->k_h ? pad : d->k_h - 1;
  d->pad_w = pad < d->k_w ? pad : d->k_w - 1;
  d->depth_mult = depthwise ? out_c / in_c : 1;
  return axis(d->in_h, d->k_h, d->stride_h, d->dil_h, d->pad_h, &d->out_h) &&
         axis(d->in_w, d->k_w, d->stride_w, d->dil_w, d->pad_w, &d->out_w);
}

static size_t out_elems(const oct_conv_dims *d) {
  return (size_t)d->batch * d->out_h * d->out_w * d->out_c;
}

static void conv_case(const oct_conv_dims *d) {
  static rq r;
  make_rq(&r, d->out_c, 0);
  int8_t *in = rand_s8((size_t)d->batch * d->in_h * d->in_w * d->in_c);
  int8_t *w = rand_s8((size_t)d->out_c * d->k_h * d->k_w * d->in_c);
  const size_t n = out_elems(d);
  int8_t *want = malloc(n), *got = malloc(n);
  const int32_t *bias = rnd() % 4 ? r.bias : NULL;
  oct_conv2d_s8_ref(d, &r.q, in, w, bias, want, NULL);
  for (int v = 0; v < oct_arm_conv2d_s8_variant_count; v++) {
    static int warned[8];
    const oct_arm_conv2d_s8_variant *var = &oct_arm_conv2d_s8_variants[v];
    if (var->fits && !var->fits(d)) continue;
    if (!runnable(var->needs, var->name, &warned[v])) continue;
    memset(got, 0x55, n);
    var->fn(d, &r.q, in, w, bias, got, NULL);
    size_t at = 0;
    CHECK_MSG(cmp(want, got, n, &at),
              "conv %s in %dx%dx%d k %dx%d s %d,%d dil %d,%d pad %d,%d out "
              "%dx%dx%d: element %zu is %d, ref %d",
              var->name, (int)d->in_h, (int)d->in_w, (int)d->in_c, (int)d->k_h,
              (int)d->k_w, (int)d->stride_h, (int)d->stride_w, (int)d->dil_h,
              (int)d->dil_w, (int)d->pad_h, (int)d->pad_w, (int)d->out_h,
              (int)d->out_w, (int)d->out_c, at, got[at], want[at]);
    conv_runs[v]++;
  }
  free(in);
  free(w);
  free(want);
  free(got);
}

static void dw_case(const oct_conv_dims *d) {
  static rq r;
  make_rq(&r, d->out_c, 0);
  int8_t *in = rand_s8((size_t)d->batch * d->in_h * d->in_w * d->in_c);
  int8_t *w = rand_s8((size_t)d->k_h * d->k_w * d->out_c);
  const size_t n = out_elems(d);
  int8_t *want = malloc(n), *got = malloc(n);
  const int32_t *bias = rnd() % 4 ? r.bias : NULL;
  oct_dwconv2d_s8_ref(d, &r.q, in, w, bias, want, NULL);
  for (int v = 0; v < oct_arm_dwconv2d_s8_variant_count; v++) {
    static int warned[8];
    const oct_arm_dwconv2d_s8_variant *var = &oct_arm_dwconv2d_s8_variants[v];
    if (var->fits && !var->fits(d)) continue;
    if (!runnable(var->needs, var->name, &warned[v])) continue;
    memset(got, 0x55, n);
    var->fn(d, &r.q, in, w, bias, got, NULL);
    size_t at = 0;
    CHECK_MSG(cmp(want, got, n, &at),
              "dwconv %s in %dx%dx%d k %dx%d s %d,%d dil %d,%d pad %d,%d: "
              "element %zu is %d, ref %d",
              var->name, (int)d->in_h, (int)d->in_w, (int)d->in_c, (int)d->k_h,
              (int)d->k_w, (int)d->stride_h, (int)d->stride_w, (int)d->dil_h,
              (int)d->dil_w, (int)d->pad_h, (int)d->pad_w, at, got[at],
              want[at]);
    dw_runs[v]++;
  }
  free(in);
  free(w);
  free(want);
  free(got);
}

/* The dispatch picks the first runnable, fitting variant of each table. */
static void check_dispatch(void) {
  const int dot = (oct_arm_cpu_features() & OCT_ARM_DOTPROD) != 0;
  printf("CPU features: %s\n", dot ? "asimddp (dot product)" : "none");
  oct_fc_s8_fn fc = oct_fc_s8_ref;
  const char *name = "ref";
  const oct_fc_dims fd = {1, 16, 16};
  oct_arm_select_fc_s8(&fd, &fc, &name);
  CHECK_MSG(strcmp(name, dot ? "neon_dot" : "neon") == 0, "fc picked %s", name);
  oct_conv_dims d;
  memset(&d, 0, sizeof d);
  d.batch = 1;
  d.in_h = d.out_h = d.in_w = d.out_w = 4;
  d.in_c = d.out_c = 8;
  d.k_h = d.k_w = d.stride_h = d.stride_w = d.dil_h = d.dil_w = 1;
  d.depth_mult = 1;
  oct_conv2d_s8_fn cf = oct_conv2d_s8_ref;
  oct_arm_select_conv2d_s8(&d, &cf, &name);
  CHECK_MSG(strcmp(name, dot ? "neon_dot_1x1" : "neon_1x1") == 0,
            "1x1 conv picked %s", name);
  d.k_h = d.k_w = 3;
  d.pad_h = d.pad_w = 1;
  oct_arm_select_conv2d_s8(&d, &cf, &name);
  CHECK_MSG(strcmp(name, dot ? "neon_dot" : "neon") == 0, "3x3 conv picked %s",
            name);
  oct_dwconv2d_s8_fn dw = oct_dwconv2d_s8_ref;
  name = "ref";
  d.out_c = 16;
  d.depth_mult = 2; /* with 8 input channels */
  oct_arm_select_dwconv2d_s8(&d, &dw, &name);
  CHECK_MSG(dw == oct_dwconv2d_s8_ref && strcmp(name, "ref") == 0,
            "depth multiplier 2 must stay on the reference, picked %s", name);
  d.out_c = 8;
  d.depth_mult = 1;
  oct_arm_select_dwconv2d_s8(&d, &dw, &name);
  CHECK_MSG(strcmp(name, "neon") == 0, "dwconv picked %s", name);
}

int main(void) {
  check_dispatch();

  /* FULLY_CONNECTED: depths around 8/16-byte steps, channels around the
   * 4-channel tile and the 64-channel chunk. */
  static const int32_t depths[] = {1,  2,  7,  8,  9,  15, 16, 17,
                                   23, 24, 31, 32, 33, 64, 100};
  static const int32_t chans[] = {1,  2,  3,  4,  5,  7,  8,  9,  15, 16,
                                  17, 31, 32, 33, 63, 64, 65, 68, 129};
  for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++)
    for (size_t j = 0; j < sizeof chans / sizeof chans[0]; j++)
      fc_case(rint_in(1, 3), depths[i], chans[j]);

  /* CONV_2D: every input and output channel count 1..33 at least once,
   * 1x1 (the GEMM variant) and general windows. */
  for (int32_t c = 1; c <= 33; c++) {
    for (int rep = 0; rep < 3; rep++) {
      oct_conv_dims d;
      const int32_t out_c = rep == 2 ? rint_in(60, 70) : rint_in(1, 33);
      if (make_dims(&d, c, out_c, 1, 1, 1, 0, 0)) conv_case(&d);
      const int32_t k = rint_in(1, 5), s = rint_in(1, 2), dil = rint_in(1, 2);
      if (make_dims(&d, rep == 1 ? rint_in(1, 33) : c, rep == 0 ? c : out_c, k,
                    s, dil, rint_in(0, k - 1), 0))
        conv_case(&d);
    }
  }
  /* 1x1 with stride 2 or padding must run the general variants. */
  {
    oct_conv_dims d;
    if (make_dims(&d, 12, 20, 1, 2, 1, 0, 0)) conv_case(&d);
  }

  /* One input channel, multipliers 1..33 (the broadcast path). */
  for (int32_t m = 1; m <= 33; m++) {
    oct_conv_dims d;
    for (int tries = 0; tries < 8; tries++) {
      const int32_t k = rint_in(1, 5), s = rint_in(1, 2);
      if (make_dims(&d, 1, m, k, s, rint_in(1, 2), rint_in(0, k - 1), 1)) {
        dw_case(&d);
        break;
      }
    }
  }

  /* DEPTHWISE_CONV_2D: channels 1..33 and 48 around the 8-lane step. */
  for (int32_t c = 1; c <= 34; c++)
    for (int rep = 0; rep < 3; rep++) {
      const int32_t ch = c == 34 ? 48 : c;
      oct_conv_dims d;
      const int32_t k = rep == 0 ? 3 : rint_in(1, 5);
      const int32_t s = rint_in(1, 2), dil = rep == 2 ? 2 : 1;
      if (make_dims(&d, ch, ch, k, s, dil, rint_in(0, k - 1), 1)) dw_case(&d);
    }

  for (int v = 0; v < oct_arm_fc_s8_variant_count; v++)
    printf("fc %-13s %d cases\n", oct_arm_fc_s8_variants[v].name, fc_runs[v]);
  for (int v = 0; v < oct_arm_conv2d_s8_variant_count; v++)
    printf("conv %-13s %d cases\n", oct_arm_conv2d_s8_variants[v].name,
           conv_runs[v]);
  for (int v = 0; v < oct_arm_dwconv2d_s8_variant_count; v++)
    printf("dwconv %-13s %d cases\n", oct_arm_dwconv2d_s8_variants[v].name,
           dw_runs[v]);
  /* A variant that never ran on a CPU that has its features is a hole. */
  for (int v = 0; v < oct_arm_conv2d_s8_variant_count; v++)
    if ((oct_arm_conv2d_s8_variants[v].needs & oct_arm_cpu_features()) ==
        oct_arm_conv2d_s8_variants[v].needs)
      CHECK_MSG(conv_runs[v] > 0, "conv variant %s never ran",
                oct_arm_conv2d_s8_variants[v].name);
  return test_finish("test_neon");
}
#endif
