/*
 * Every x86 int8 kernel variant against the reference kernels, bit-exact:
 * GEMM conv (1x1 and im2col) and FULLY_CONNECTED for AVX2, AVX-VNNI and
 * AVX-512 VNNI, depthwise for AVX2 and AVX-512. Sizes straddle the tile
 * edges (channels around 8/16/32/64, rows around the 6/8/12-row tiles and
 * the 48-row block), with strides, dilation, SAME/VALID padding, batch > 1,
 * every zero point range, per-channel scales and both tie roundings.
 * Variants the CPU lacks are skipped with a message.
 */
#include "test_util.h"
#include "model_util.h"

#include "kernels/ref/conv.h"
#include "kernels/ref/depthwise_conv.h"
#include "kernels/ref/fully_connected.h"
#include "ops/op_util.h"
#include "runtime/cpu.h"

#if defined(__x86_64__)
#include "kernels/x86/x86_add_s8.h"
#include "kernels/x86/x86_quantize.h"
#include "kernels/x86/x86_s8.h"

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return (uint32_t)(g_rng >> 16);
}
static int32_t rint_(int32_t lo, int32_t hi) {
  return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
}

static const int32_t k_chans[] = {1,  2,  3,  4,  5,  7,  8,  9,  15, 16, 17,
                                  23, 24, 25, 31, 32, 33, 47, 48, 49, 63, 64,
                                  65, 70};
#define N_CHANS ((int)(sizeof k_chans / sizeof k_chans[0]))
static int32_t rchan(void) { return k_chans[rnd() % N_CHANS]; }

static void *zalloc(size_t n) {
  void *p = aligned_alloc(64, (n + 63) & ~(size_t)63);
  memset(p, 0, (n + 63) & ~(size_t)63);
  return p;
}

static void fill8(int8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = (int8_t)rint_(-128, 127);
}

/* Requantization with per-channel multipliers spread around the scale
 * that keeps outputs mostly inside int8 for depth k. */
static void make_rq(oct_requant *q, int32_t *mult, int32_t *shift, int32_t n,
                    int32_t k, int rounding) {
  for (int32_t c = 0; c < n; c++) {
    const double base = 1.0 / (64.0 * (k < 1 ? 1 : k));
    const double m = base * (0.05 + 20.0 * (double)(rnd() % 10000) / 10000.0);
    int e = 0;
    oct_quantize_multiplier(rnd() % 17 == 0 ? 1.0 + (rnd() % 5) : m, &mult[c],
                            &e);
    shift[c] = e;
  }
  q->input_offset = -rint_(-128, 127);
  q->weight_offset = 0;
  q->output_offset = rint_(-128, 127);
  q->act_min = -128;
  q->act_max = 127;
  if (rnd() % 3 == 0) q->act_min = rint_(-128, 0);
  if (rnd() % 3 == 0) q->act_max = rint_(q->act_min, 127);
  q->mult = mult;
  q->shift = shift;
  q->rounding = rounding;
}

/* uint8 offsets: asymmetric weights and activations. */
static void u8_quant(oct_requant *q) {
  q->input_offset = -rint_(0, 255);
  q->weight_offset = -rint_(0, 255);
  q->output_offset = rint_(0, 255);
  q->act_min = rnd() % 3 ? 0 : rint_(0, 128);
  q->act_max = rnd() % 3 ? 255 : rint_(q->act_min, 255);
}

static int cpu_has(int isa) {
  const uint32_t f = oct_cpu_features();
  switch (isa) {
    case OCT_X86_AVX2: return (f & OCT_CPU_AVX2) != 0;
    case OCT_X86_AVXVNNI: return (f & OCT_CPU_AVXVNNI) != 0;
    case OCT_X86_AVX512VNNI: return (f & OCT_CPU_AVX512VNNI) != 0;
    case OCT_X86_AVX512: return (f & OCT_CPU_AVX512) != 0;
    default: return 0;
  }
}

static void random_geometry(oct_conv_dims *d, int depthwise) {
  d->batch = rint_(1, 2);
  d->in_h = rint_(1, 11);
  d->in_w = rint_(1, 13);
  d->in_c = rchan();
  d->out_c = depthwise ? d->in_c : rchan();
  d->depth_mult = 1;
  const int shape = rint_(0, 5);
  d->k_h = d->k_w = shape == 0 ? 1 : shape <= 2 ? 3 : shape == 3 ? 5 : 0;
  if (!d->k_h) {
    d->k_h = rint_(1, 4);
    d->k_w = rint_(1, 4);
  }
  d->stride_h = rint_(1, 2);
  d->stride_w = rnd() % 4 == 0 ? 3 - d->stride_h : d->stride_h;
  d->dil_h = rnd() % 5 == 0 ? 2 : 1;
  d->dil_w = rnd() % 5 == 0 ? 2 : 1;
  oct_padding pad = rnd() % 2 ? OCT_PAD_SAME : OCT_PAD_VALID;
  for (;;) {
    d->out_h = oct_window_out_size(pad, d->in_h, d->k_h, d->stride_h, d->dil_h);
    d->out_w = oct_window_out_size(pad, d->in_w, d->k_w, d->stride_w, d->dil_w);
    if (d->out_h > 0 && d->out_w > 0) break;
    pad = OCT_PAD_SAME;
  }
  d->pad_h = oct_window_padding(d->stride_h, d->dil_h, d->in_h, d->k_h,
                                d->out_h, 0);
  d->pad_w = oct_window_padding(d->stride_w, d->dil_w, d->in_w, d->k_w,
                                d->out_w, 0);
}

static int report(const char *what, int isa, int i, const oct_conv_dims *d,
                  const int8_t *want, const int8_t *got, size_t n) {
  for (size_t j = 0; j < n; j++)
    if (want[j] != got[j]) {
      fprintf(stderr,
              "%s %s case %d: b%d %dx%dx%d -> %dx%dx%d k%dx%d s%d,%d d%d,%d "
              "p%d,%d: out[%zu] %d, ref %d\n",
              what, oct_x86_isa_name(isa), i, d->batch, d->in_h, d->in_w,
              d->in_c, d->out_h, d->out_w, d->out_c, d->k_h, d->k_w,
              d->stride_h, d->stride_w, d->dil_h, d->dil_w, d->pad_h, d->pad_w,
              j, want[j], got[j]);
      return 1;
    }
  return 0;
}

static void conv_cases(int isa, int cases, int u8) {
  int bad = 0;
  for (int i = 0; i < cases && bad < 3; i++) {
    oct_conv_dims d;
    random_geometry(&d, 0);
    if (i % 4 == 0) { /* 1x1 stride 1: the direct path, many rows */
      d.k_h = d.k_w = d.stride_h = d.stride_w = 1;
      d.pad_h = d.pad_w = 0;
      d.in_h = d.out_h = rint_(1, 9);
      d.in_w = d.out_w = rint_(1, 17);
    }
    const int32_t k = d.k_h * d.k_w * d.in_c;
    const size_t n_in = (size_t)d.batch * d.in_h * d.in_w * d.in_c;
    const size_t n_out = (size_t)d.batch * d.out_h * d.out_w * d.out_c;
    int8_t *in = malloc(n_in), *w = malloc((size_t)k * d.out_c);
    int8_t *want = malloc(n_out), *got = malloc(n_out);
    int32_t *bias = malloc(4 * (size_t)d.out_c), *mult = malloc(4 * (size_t)d.out_c),
            *shift = malloc(4 * (size_t)d.out_c);
    fill8(in, n_in);
    fill8(w, (size_t)k * d.out_c);
    for (int32_t c = 0; c < d.out_c; c++) bias[c] = rint_(-30000, 30000);
    oct_requant q;
    make_rq(&q, mult, shift, d.out_c, k, rnd() % 4 ? OCT_ROUND_UP : OCT_ROUND_AWAY);
    const int32_t *b = rnd() % 5 ? bias : 0;
    if (u8) {
      u8_quant(&q);
      oct_conv2d_u8_ref(&d, &q, (const uint8_t *)in, (const uint8_t *)w, b,
                        (uint8_t *)want, 0);
    } else {
      oct_conv2d_s8_ref(&d, &q, in, w, b, want, 0);
    }
    void *mem = zalloc(oct_x86_gemm_plan_bytes(isa, k, d.out_c));
    const oct_x86_gemm_plan *p = oct_x86_gemm_plan_init(
        mem, isa, k, d.out_c, w, u8, b, &q, oct_x86_conv_is_direct(&d));
    void *scratch = zalloc(oct_x86_gemm_scratch_bytes(p));
    memset(got, 0x55, n_out);
    oct_x86_conv2d_s8(&d, &q, in, (const int8_t *)(const void *)p, 0, got,
                      scratch);
    const int fail = report(u8 ? "conv u8" : "conv", isa, i, &d, want, got, n_out);
    CHECK(!fail);
    bad += fail;
    free(in); free(w); free(want); free(got); free(bias); free(mult);
    free(shift); free(mem); free(scratch);
  }
}

static void fc_cases(int isa, int cases, int u8) {
  int bad = 0;
  for (int i = 0; i < cases && bad < 3; i++) {
    oct_fc_dims d;
    d.batch = rnd() % 3 ? rint_(1, 3) : rint_(1, 110);
    d.depth = rnd() % 2 ? rchan() : rint_(1, 700);
    d.out_c = rnd() % 2 ? rchan() : rint_(1, 200);
    const size_t n_out = (size_t)d.batch * d.out_c;
    int8_t *in = malloc((size_t)d.batch * d.depth),
           *w = malloc((size_t)d.depth * d.out_c);
    int8_t *want = malloc(n_out), *got = malloc(n_out);
    int32_t *bias = malloc(4 * (size_t)d.out_c), *mult = malloc(4 * (size_t)d.out_c),
            *shift = malloc(4 * (size_t)d.out_c);
    fill8(in, (size_t)d.batch * d.depth);
    fill8(w, (size_t)d.depth * d.out_c);
    for (int32_t c = 0; c < d.out_c; c++) bias[c] = rint_(-30000, 30000);
    oct_requant q;
    make_rq(&q, mult, shift, d.out_c, d.depth, OCT_ROUND_UP);
    if (u8) {
      u8_quant(&q);
      oct_fc_u8_ref(&d, &q, (const uint8_t *)in, (const uint8_t *)w, bias,
                    (uint8_t *)want, 0);
    } else {
      oct_fc_s8_ref(&d, &q, in, w, bias, want, 0);
    }
    void *mem = zalloc(oct_x86_gemm_plan_bytes(isa, d.depth, d.out_c));
    const oct_x86_gemm_plan *p =
        oct_x86_gemm_plan_init(mem, isa, d.depth, d.out_c, w, u8, bias, &q, 1);
    void *scratch = zalloc(oct_x86_gemm_scratch_bytes(p));
    oct_x86_fc_s8(&d, &q, in, (const int8_t *)(const void *)p, 0, got, scratch);
    oct_conv_dims cd = {0};
    cd.batch = d.batch;
    cd.in_c = d.depth;
    cd.out_c = d.out_c;
    const int fail = report(u8 ? "fc u8" : "fc", isa, i, &cd, want, got, n_out);
    CHECK(!fail);
    bad += fail;
    free(in); free(w); free(want); free(got); free(bias); free(mult);
    free(shift); free(mem); free(scratch);
  }
}

static void dw_cases(int isa, int cases, int u8) {
  int bad = 0;
  for (int i = 0; i < cases && bad < 3; i++) {
    oct_conv_dims d;
    random_geometry(&d, 1);
    if (i % 3 == 0) d.in_w += 20; /* wider rows: more interior pixels */
    if (i % 3 == 0) {
      d.out_w = 0;
      while (d.out_w <= 0) {
        d.out_w = oct_window_out_size(OCT_PAD_SAME, d.in_w, d.k_w, d.stride_w, d.dil_w);
      }
      d.pad_w = oct_window_padding(d.stride_w, d.dil_w, d.in_w, d.k_w, d.out_w, 0);
    }
    const int32_t taps = d.k_h * d.k_w;
    const size_t n_in = (size_t)d.batch * d.in_h * d.in_w * d.in_c;
    const size_t n_out = (size_t)d.batch * d.out_h * d.out_w * d.out_c;
    int8_t *in = malloc(n_in), *w = malloc((size_t)taps * d.out_c);
    int8_t *want = malloc(n_out), *got = malloc(n_out);
    int32_t *bias = malloc(4 * (size_t)d.out_c), *mult = malloc(4 * (size_t)d.out_c),
            *shift = malloc(4 * (size_t)d.out_c);
    fill8(in, n_in);
    fill8(w, (size_t)taps * d.out_c);
    for (int32_t c = 0; c < d.out_c; c++) bias[c] = rint_(-30000, 30000);
    oct_requant q;
    make_rq(&q, mult, shift, d.out_c, taps * 4,
            rnd() % 4 ? OCT_ROUND_AWAY : OCT_ROUND_UP);
    const int32_t *b = rnd() % 5 ? bias : 0;
    if (u8) {
      q.input_offset = -rint_(0, 255);
      q.weight_offset = -rint_(0, 255);
      q.output_offset = rint_(0, 255);
      q.act_min = rnd() % 3 ? 0 : rint_(0, 128);
      q.act_max = rnd() % 3 ? 255 : rint_(q.act_min, 255);
      oct_dwconv2d_u8_ref(&d, &q, (const uint8_t *)in, (const uint8_t *)w, b,
                          (uint8_t *)want, 0);
    } else {
      oct_dwconv2d_s8_ref(&d, &q, in, w, b, want, 0);
    }
    CHECK(oct_x86_dw_supported(&d));
    void *mem = zalloc(oct_x86_dw_plan_bytes(isa, &d));
    const oct_x86_dw_plan *p = oct_x86_dw_plan_init(mem, isa, &d, w, u8, b, &q);
    memset(got, 0x55, n_out);
    oct_x86_dwconv2d_s8(&d, &q, in, (const int8_t *)(const void *)p, 0, got, 0);
    const int fail = report(u8 ? "dw u8" : "dw", isa, i, &d, want, got, n_out);
    CHECK(!fail);
    bad += fail;
    free(in); free(w); free(want); free(got); free(bias); free(mult);
    free(shift); free(mem);
  }
}

/* The vector requantization alone, on the accumulators where rounding
 * matters: ties, near-overflow values, every shift. */
static void requant_edges(int isa) {
  const int32_t n = 64;
  int32_t mult[64], shift[64];
  int8_t w[64], want[64 * 8], got[64 * 8];
  int32_t bias[64];
  for (int round = 0; round < 2; round++)
    for (int trial = 0; trial < 40; trial++) {
      oct_requant q;
      make_rq(&q, mult, shift, n, 1, round);
      q.input_offset = 0;
      for (int32_t c = 0; c < n; c++) {
        mult[c] = (int32_t)(0x40000000u + (rnd() & 0x3fffffffu));
        shift[c] = rint_(-31, 30);
        w[c] = 1;
        const int32_t special[] = {INT32_MIN, INT32_MAX, 0, -1, 1,
                                   (int32_t)0xC0000000, 1 << 30};
        bias[c] = rnd() % 2 ? special[rnd() % 7] : (int32_t)rnd();
      }
      oct_fc_dims d = {8, 1, n};
      int8_t in[8];
      for (int r = 0; r < 8; r++) in[r] = (int8_t)rint_(-128, 127);
      /* FC with depth 1 and weight 1 per row: acc = x + bias. */
      int8_t wm[64];
      for (int32_t c = 0; c < n; c++) wm[c] = w[c];
      oct_fc_s8_ref(&d, &q, in, wm, bias, want, 0);
      void *mem = zalloc(oct_x86_gemm_plan_bytes(isa, 1, n));
      const oct_x86_gemm_plan *p =
          oct_x86_gemm_plan_init(mem, isa, 1, n, wm, 0, bias, &q, 1);
      void *scratch = zalloc(oct_x86_gemm_scratch_bytes(p));
      oct_x86_fc_s8(&d, &q, in, (const int8_t *)(const void *)p, 0, got, scratch);
      int ok = !memcmp(want, got, sizeof want);
      CHECK_MSG(ok, "requant edges %s round %d trial %d",
                oct_x86_isa_name(isa), round, trial);
      free(mem);
      free(scratch);
    }
}


/* int8 ADD: TFLite-like parameters (left shift 20, input multipliers
 * below one, output shift around -18), same shapes and broadcasts. */
static void add_cases(int cases) {
  for (int i = 0; i < cases; i++) {
    oct_add_quant_params p;
    p.in1_offset = -rint_(-128, 127);
    p.in2_offset = -rint_(-128, 127);
    p.out_offset = rint_(-128, 127);
    p.left_shift = 20;
    p.in1_mult = (int32_t)(0x40000000u + (rnd() & 0x3fffffffu));
    p.in2_mult = (int32_t)(0x40000000u + (rnd() & 0x3fffffffu));
    p.out_mult = (int32_t)(0x40000000u + (rnd() & 0x3fffffffu));
    p.in1_shift = -rint_(0, 3);
    p.in2_shift = -rint_(0, 3);
    p.out_shift = -rint_(15, 21);
    p.act_min = rnd() % 3 ? -128 : rint_(-128, 0);
    p.act_max = rnd() % 3 ? 127 : rint_(p.act_min, 127);
    int32_t d1[3] = {rint_(1, 3), rint_(1, 5), rint_(1, 70)};
    int32_t d2[3] = {d1[0], d1[1], d1[2]};
    const int mode = rint_(0, 3);
    if (mode == 1) d2[2] = 1;
    if (mode == 2) d2[0] = d2[1] = 1;
    if (mode == 3) d1[2] = 1, d2[2] = rint_(1, 40);
    oct_bcast_shape b;
    int32_t od[OCT_MAX_RANK], orank = 0;
    CHECK(oct_bcast_init(&b, d1, 3, d2, 3, od, &orank) == 0);
    size_t n1 = (size_t)d1[0] * d1[1] * d1[2], n2 = (size_t)d2[0] * d2[1] * d2[2];
    size_t no = (size_t)od[0] * od[1] * od[2];
    int8_t *x1 = malloc(n1), *x2 = malloc(n2), *want = malloc(no),
           *got = malloc(no);
    fill8(x1, n1);
    fill8(x2, n2);
    const int u8 = i % 3 == 2;
    if (u8) {
      p.in1_offset = -rint_(0, 255);
      p.in2_offset = -rint_(0, 255);
      p.out_offset = rint_(0, 255);
      p.act_min = rnd() % 3 ? 0 : rint_(0, 128);
      p.act_max = rnd() % 3 ? 255 : rint_(p.act_min, 255);
      oct_add_u8_ref(&p, &b, (uint8_t *)x1, (uint8_t *)x2, (uint8_t *)want);
      oct_x86_add_u8(&p, &b, (uint8_t *)x1, (uint8_t *)x2, (uint8_t *)got);
    } else {
      oct_add_s8_ref(&p, &b, x1, x2, want);
      oct_x86_add_s8(&p, &b, x1, x2, got);
    }
    CHECK_MSG(!memcmp(want, got, no), "add case %d mode %d", i, mode);
    free(x1); free(x2); free(want); free(got);
  }
}

/* float -> int8 QUANTIZE: ties at .5 of the double quotient, huge values,
 * NaN and infinities, every tail length. */
static void quantize_cases(void) {
  float x[300];
  int8_t want[300], got[300];
  for (int trial = 0; trial < 200; trial++) {
    oct_affine_params p;
    p.scale = trial % 4 == 0 ? 0.5f : (float)(rnd() % 10000 + 1) / 20000.0f;
    p.zero_point = rint_(-128, 127);
    const size_t n = (size_t)rint_(1, 300);
    for (size_t i = 0; i < n; i++) {
      const int kind = (int)(rnd() % 10);
      if (kind == 0) x[i] = p.scale * ((float)rint_(-300, 300) + 0.5f);
      else if (kind == 1) x[i] = (float)rint_(-3, 3) * 1e30f;
      else if (kind == 2) x[i] = (rnd() % 2 ? 1 : -1) * (float)INFINITY;
      else if (kind == 3) x[i] = (float)NAN;
      else x[i] = ((float)(int32_t)rnd() / 2147483648.0f) * 200.0f * p.scale;
    }
    oct_quantize_f32_s8_ref(&p, n, x, want);
    oct_x86_quantize_f32_s8(&p, n, x, got);
    CHECK_MSG(!memcmp(want, got, n), "quantize trial %d", trial);
  }
}

/* 8-bit -> 8-bit requantization, all four signedness pairs. */
static void requantize8_cases(void) {
  uint8_t in[200], want[200], got[200];
  for (int trial = 0; trial < 400; trial++) {
    const int is = trial & 1, os = (trial >> 1) & 1;
    oct_requant_params p;
    p.in_zero_point = is ? rint_(-128, 127) : rint_(0, 255);
    p.out_zero_point = os ? rint_(-128, 127) : rint_(0, 255);
    int e = 0;
    const double m = trial % 8 == 0 ? 1.0 : (double)(rnd() % 40000 + 1) / 10000.0;
    oct_quantize_multiplier(m, &p.mult, &e);
    p.shift = e;
    const size_t n = (size_t)rint_(1, 200);
    for (size_t i = 0; i < n; i++) in[i] = (uint8_t)rnd();
    if (is && os) oct_requantize_s8_s8_ref(&p, n, (const int8_t *)in, (int8_t *)want);
    if (is && !os) oct_requantize_s8_u8_ref(&p, n, (const int8_t *)in, want);
    if (!is && os) oct_requantize_u8_s8_ref(&p, n, in, (int8_t *)want);
    if (!is && !os) oct_requantize_u8_u8_ref(&p, n, in, want);
    oct_x86_requantize_8(&p, n, in, is, got, os);
    CHECK_MSG(!memcmp(want, got, n), "requantize8 trial %d", trial);
  }
}

/* A real model under every instruction-set level the CPU has (the probe
 * narrowed with oct_cpu_set_mask), bit-exact with the reference kernels on
 * the same input. Skipped when ../shared is absent. */
static void model_levels(const char *rel) {
  char path[2048];
  const char *shared = test_shared_dir();
  snprintf(path, sizeof path, "%s/models/%s", shared ? shared : ".", rel);
  FILE *f = fopen(path, "rb");
  if (!f) {
    printf("skip model %s: not found\n", rel);
    return;
  }
  fclose(f);
  test_model ref;
  if (tm_open_opts(&ref, rel, OCT_KERNELS_REF)) return;
  const size_t n_in = tm_input_bytes(&ref, 0), n_out = tm_output_bytes(&ref, 0);
  uint8_t *x = malloc(n_in), *want = malloc(n_out);
  for (size_t i = 0; i < n_in; i++) x[i] = (uint8_t)rnd();
  memcpy(oct_interp_input_data(ref.it, 0), x, n_in);
  CHECK(!tm_invoke(&ref));
  memcpy(want, oct_interp_output_data(ref.it, 0), n_out);
  tm_close(&ref);
  static const uint32_t levels[] = {
      OCT_CPU_AVX2 | OCT_CPU_FMA,
      OCT_CPU_AVX2 | OCT_CPU_FMA | OCT_CPU_AVXVNNI,
      OCT_CPU_AVX2 | OCT_CPU_FMA | OCT_CPU_AVX512,
      OCT_CPU_AVX2 | OCT_CPU_FMA | OCT_CPU_AVX512 | OCT_CPU_AVX512VNNI};
  for (int l = 0; l < 4; l++) {
    if ((oct_cpu_features() & levels[l]) != levels[l]) {
      printf("skip model %s at level 0x%x: not supported by this CPU\n", rel,
             (unsigned)levels[l]);
      continue;
    }
    oct_cpu_set_mask(levels[l]);
    test_model m;
    if (!tm_open_opts(&m, rel, OCT_KERNELS_BEST)) {
      memcpy(oct_interp_input_data(m.it, 0), x, n_in);
      CHECK(!tm_invoke(&m));
      const int same = !memcmp(want, oct_interp_output_data(m.it, 0), n_out);
      oct_op_info op;
      oct_interp_op_info(m.it, 1, &op);
      CHECK_MSG(same, "%s at level 0x%x differs from the reference", rel,
                (unsigned)levels[l]);
      printf("model %s at level 0x%x (op 1: %s): %s\n", rel,
             (unsigned)levels[l], op.kernel, same ? "bit-exact" : "DIFFERS");
      tm_close(&m);
    }
    oct_cpu_set_mask(~0u);
  }
  free(x);
  free(want);
}

int main(void) {
  printf("cpu features: 0x%x (portable reference kernels always run)\n",
         (unsigned)oct_cpu_features());
  const int gemm[] = {OCT_X86_AVX2, OCT_X86_AVXVNNI, OCT_X86_AVX512VNNI};
  for (int i = 0; i < 3; i++) {
    if (!cpu_has(gemm[i])) {
      printf("skip gemm %s: not supported by this CPU\n",
             oct_x86_isa_name(gemm[i]));
      continue;
    }
    requant_edges(gemm[i]);
    conv_cases(gemm[i], 400, 0);
    fc_cases(gemm[i], 200, 0);
    conv_cases(gemm[i], 250, 1);
    fc_cases(gemm[i], 120, 1);
    printf("gemm %s: checked\n", oct_x86_isa_name(gemm[i]));
  }
  const int dw[] = {OCT_X86_AVX2, OCT_X86_AVX512, OCT_X86_AVX512VNNI};
  for (int i = 0; i < 3; i++) {
    if (!cpu_has(dw[i])) {
      printf("skip dw %s: not supported by this CPU\n",
             oct_x86_isa_name(dw[i]));
      continue;
    }
    dw_cases(dw[i], 400, 0);
    if (dw[i] != OCT_X86_AVX512VNNI) dw_cases(dw[i], 300, 1);
    printf("dw %s: checked\n", oct_x86_isa_name(dw[i]));
  }
  /* ADD, QUANTIZE and requantization pick AVX-512 when usable: narrow the
   * mask to reach the AVX2 variants too. */
  static const uint32_t ew_levels[] = {OCT_CPU_AVX2 | OCT_CPU_FMA, ~0u};
  static const char *ew_names[] = {"avx2", "avx512"};
  for (int l = 0; l < 2; l++) {
    const int have = l == 0 ? cpu_has(OCT_X86_AVX2) : cpu_has(OCT_X86_AVX512);
    if (!have) {
      printf("skip add/quantize %s: not supported by this CPU\n", ew_names[l]);
      continue;
    }
    oct_cpu_set_mask(ew_levels[l]);
    add_cases(300);
    quantize_cases();
    requantize8_cases();
    oct_cpu_set_mask(~0u);
    printf("add/quantize %s: checked\n", ew_names[l]);
  }
  model_levels("coral/tf2_mobilenet_v2_1.0_224_ptq.tflite");
  model_levels("coral/mobilenet_v2_1.0_224_quant.tflite");
  return test_finish("test_x86_s8");
}
#else
int main(void) {
  printf("not x86-64: no x86 kernels to test\n");
  return 77;
}
#endif
