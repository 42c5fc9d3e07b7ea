/*
 * The float32 x86 kernels (src/kernels/x86/f32_*) against the reference
 * kernels, for every variant this CPU runs (the others are skipped with a
 * message), at sizes around the tile edges: channels 1..70 across the
 * 8/16/32-lane blocks, odd widths, strides, padding, dilation, batch > 1
 * and the fused activations.
 *
 * Error bound: FMA rounds once per tap and the bias is added first, so
 * outputs may differ from the reference by rounding only:
 *   |opt - ref| <= 1e-5 * (1 + sum |w| |x| + |bias|)   per output.
 * Also checks that computing the output in row (or channel) pieces, as
 * threads do, gives the same bits as computing it whole.
 */
#include "kernels/x86/f32_kernels.h"
#include "ops/op_parallel.h"
#include "ops/op_util.h"
#include "test_util.h"

#if defined(__x86_64__)

static uint32_t rng = 12345;
static float frand(void) {
  rng = rng * 1664525u + 1013904223u;
  return (float)((rng >> 8) & 0xffff) / 32768.0f - 1.0f;
}
static float *rand_buf(size_t n) {
  float *p = malloc((n ? n : 1) * sizeof *p);
  for (size_t i = 0; i < n; i++) p[i] = frand();
  return p;
}
static float *abs_copy(const float *x, size_t n) {
  float *p = malloc((n ? n : 1) * sizeof *p);
  for (size_t i = 0; i < n; i++) p[i] = fabsf(x[i]);
  return p;
}

static const oct_act_f32 k_acts[3] = {{-INFINITY, INFINITY}, {0.0f, 6.0f}, {-1.0f, 1.0f}};
static const oct_act_f32 k_none = {-INFINITY, INFINITY};

/* Compares opt with ref within the stated bound; mag = sum |w x| + |b|. */
static int compare(const char *what, const float *opt, const float *ref,
                   const float *mag, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const double tol = 1e-5 * (1.0 + mag[i]);
    if (!(fabs((double)opt[i] - (double)ref[i]) <= tol)) {
      CHECK_MSG(0, "%s: output %zu: %.9g vs ref %.9g", what, i, opt[i], ref[i]);
      return 1;
    }
  }
  t_checks++;
  return 0;
}

typedef struct isa_case {
  oct_f32_isa isa;
  oct_conv2d_f32_fn conv;
  oct_dwconv2d_f32_fn dw;
  oct_fc_f32_fn fc;
} isa_case;

static const isa_case k_isas[] = {
    {OCT_F32_ISA_AVX2, oct_conv2d_f32_avx2, oct_dwconv2d_f32_avx2, oct_fc_f32_avx2},
    {OCT_F32_ISA_AVX512, oct_conv2d_f32_avx512, oct_dwconv2d_f32_avx512,
     oct_fc_f32_avx512},
};

static int fill_geometry(oct_conv_dims *d, oct_padding pad) {
  d->out_h = oct_window_out_size(pad, d->in_h, d->k_h, d->stride_h, d->dil_h);
  d->out_w = oct_window_out_size(pad, d->in_w, d->k_w, d->stride_w, d->dil_w);
  if (!d->out_h || !d->out_w) return 0;
  d->pad_h = pad == OCT_PAD_SAME
                 ? oct_window_padding(d->stride_h, d->dil_h, d->in_h, d->k_h, d->out_h, 0)
                 : 0;
  d->pad_w = pad == OCT_PAD_SAME
                 ? oct_window_padding(d->stride_w, d->dil_w, d->in_w, d->k_w, d->out_w, 0)
                 : 0;
  return 1;
}

/* Runs a conv-like kernel over output rows in `pieces` slices. */
static void run_sliced(int depthwise, const isa_case *ic, const oct_conv_dims *d,
                       const oct_act_f32 *a, const float *in, const float *w,
                       float *out, int pieces) {
  const int32_t rows = d->batch * d->out_h;
  for (int p = 0; p < pieces; p++) {
    int32_t r0 = (int32_t)((int64_t)rows * p / pieces);
    const int32_t r1 = (int32_t)((int64_t)rows * (p + 1) / pieces);
    while (r0 < r1) {
      oct_conv_dims sub;
      size_t io, oo;
      const int32_t end = oct_conv_row_slice(d, r0, r1, &sub, &io, &oo);
      if (depthwise) ic->dw(&sub, a, in + io, w, 0, out + oo, 0);
      else ic->conv(&sub, a, in + io, w, 0, out + oo, 0);
      r0 = end;
    }
  }
}

static void conv_case(const isa_case *ic, const oct_conv_dims *d0,
                      oct_padding pad, int act) {
  oct_conv_dims d = *d0;
  d.depth_mult = 1;
  if (!fill_geometry(&d, pad)) return;
  const int32_t taps = d.k_h * d.k_w;
  const size_t nin = (size_t)d.batch * d.in_h * d.in_w * d.in_c;
  const size_t nw = (size_t)d.out_c * taps * d.in_c;
  const size_t nout = (size_t)d.batch * d.out_h * d.out_w * d.out_c;
  float *in = rand_buf(nin), *w = rand_buf(nw), *bias = rand_buf((size_t)d.out_c);
  float *ain = abs_copy(in, nin), *aw = abs_copy(w, nw), *ab = abs_copy(bias, (size_t)d.out_c);
  float *ref = malloc(nout * 4), *mag = malloc(nout * 4), *opt = malloc(nout * 4),
        *sl = malloc(nout * 4);
  const int32_t nr = oct_f32_conv_nr(ic->isa);
  float *packed = malloc(oct_f32_conv_packed_floats(d.out_c, taps, d.in_c, nr) * 4);
  oct_f32_conv_pack(d.out_c, taps, d.in_c, nr, w, bias, packed);
  oct_conv2d_f32_ref(&d, &k_acts[act], in, w, bias, ref, 0);
  oct_conv2d_f32_ref(&d, &k_none, ain, aw, ab, mag, 0);
  ic->conv(&d, &k_acts[act], in, packed, bias, opt, 0);
  char what[200];
  snprintf(what, sizeof what,
           "conv %s b%d %dx%dx%d k%dx%d s%d,%d d%d,%d %s oc%d act%d",
           oct_f32_isa_name(ic->isa), (int)d.batch, (int)d.in_h, (int)d.in_w,
           (int)d.in_c, (int)d.k_h, (int)d.k_w, (int)d.stride_h, (int)d.stride_w,
           (int)d.dil_h, (int)d.dil_w, pad == OCT_PAD_SAME ? "same" : "valid",
           (int)d.out_c, act);
  if (!compare(what, opt, ref, mag, nout)) {
    run_sliced(0, ic, &d, &k_acts[act], in, packed, sl, 3);
    CHECK_MSG(memcmp(sl, opt, nout * 4) == 0, "%s: row slices differ", what);
  }
  free(in), free(w), free(bias), free(ain), free(aw), free(ab);
  free(ref), free(mag), free(opt), free(sl), free(packed);
}

static void dw_case(const isa_case *ic, const oct_conv_dims *d0,
                    oct_padding pad, int act) {
  oct_conv_dims d = *d0;
  d.depth_mult = 1;
  d.out_c = d.in_c;
  if (!fill_geometry(&d, pad)) return;
  const int32_t taps = d.k_h * d.k_w;
  const size_t nin = (size_t)d.batch * d.in_h * d.in_w * d.in_c;
  const size_t nw = (size_t)taps * d.out_c;
  const size_t nout = (size_t)d.batch * d.out_h * d.out_w * d.out_c;
  float *in = rand_buf(nin), *w = rand_buf(nw), *bias = rand_buf((size_t)d.out_c);
  float *ain = abs_copy(in, nin), *aw = abs_copy(w, nw), *ab = abs_copy(bias, (size_t)d.out_c);
  float *ref = malloc(nout * 4), *mag = malloc(nout * 4), *opt = malloc(nout * 4),
        *sl = malloc(nout * 4);
  float *packed = malloc(oct_f32_dw_packed_floats(d.out_c, taps) * 4);
  oct_f32_dw_pack(d.out_c, taps, w, bias, packed);
  oct_dwconv2d_f32_ref(&d, &k_acts[act], in, w, bias, ref, 0);
  oct_dwconv2d_f32_ref(&d, &k_none, ain, aw, ab, mag, 0);
  ic->dw(&d, &k_acts[act], in, packed, bias, opt, 0);
  char what[200];
  snprintf(what, sizeof what, "dwconv %s b%d %dx%dx%d k%dx%d s%d,%d d%d,%d %s act%d",
           oct_f32_isa_name(ic->isa), (int)d.batch, (int)d.in_h, (int)d.in_w,
           (int)d.in_c, (int)d.k_h, (int)d.k_w, (int)d.stride_h, (int)d.stride_w,
           (int)d.dil_h, (int)d.dil_w, pad == OCT_PAD_SAME ? "same" : "valid", act);
  if (!compare(what, opt, ref, mag, nout)) {
    run_sliced(1, ic, &d, &k_acts[act], in, packed, sl, 4);
    CHECK_MSG(memcmp(sl, opt, nout * 4) == 0, "%s: row slices differ", what);
  }
  free(in), free(w), free(bias), free(ain), free(aw), free(ab);
  free(ref), free(mag), free(opt), free(sl), free(packed);
}

static void fc_case(const isa_case *ic, int32_t batch, int32_t depth,
                    int32_t out_c, int act) {
  const oct_fc_dims d = {batch, depth, out_c};
  const size_t nin = (size_t)batch * depth, nw = (size_t)out_c * depth;
  const size_t nout = (size_t)batch * out_c;
  float *in = rand_buf(nin), *w = rand_buf(nw), *bias = rand_buf((size_t)out_c);
  float *ain = abs_copy(in, nin), *aw = abs_copy(w, nw), *ab = abs_copy(bias, (size_t)out_c);
  float *ref = malloc(nout * 4), *mag = malloc(nout * 4), *opt = malloc(nout * 4),
        *sl = malloc(nout * 4);
  const int32_t nr = oct_f32_conv_nr(ic->isa);
  float *packed = malloc(oct_f32_conv_packed_floats(out_c, 1, depth, nr) * 4);
  oct_f32_conv_pack(out_c, 1, depth, nr, w, bias, packed);
  oct_fc_f32_ref(&d, &k_acts[act], in, w, bias, ref, 0);
  oct_fc_f32_ref(&d, &k_none, ain, aw, ab, mag, 0);
  ic->fc(&d, &k_acts[act], in, packed, bias, opt, 0);
  char what[120];
  snprintf(what, sizeof what, "fc %s batch %d depth %d out %d act%d",
           oct_f32_isa_name(ic->isa), (int)batch, (int)depth, (int)out_c, act);
  if (!compare(what, opt, ref, mag, nout)) {
    /* Channel pieces at multiples of nr, as the op cuts them for threads. */
    const size_t stride = (size_t)nr * (1 + (size_t)depth);
    for (int32_t c0 = 0; c0 < out_c; c0 += 2 * nr) {
      const int32_t c1 = c0 + 2 * nr < out_c ? c0 + 2 * nr : out_c;
      for (int32_t r = 0; r < batch; r++) {
        const oct_fc_dims sd = {1, depth, c1 - c0};
        ic->fc(&sd, &k_acts[act], in + (size_t)r * depth,
               packed + (size_t)(c0 / nr) * stride, 0, sl + (size_t)r * out_c + c0, 0);
      }
    }
    CHECK_MSG(memcmp(sl, opt, nout * 4) == 0, "%s: channel pieces differ", what);
  }
  free(in), free(w), free(bias), free(ain), free(aw), free(ab);
  free(ref), free(mag), free(opt), free(sl), free(packed);
}

static const int32_t k_channels[] = {1,  2,  3,  7,  8,  9,  15, 16, 17,
                                     24, 31, 32, 33, 47, 63, 64, 65, 70};
#define N_CH ((int)(sizeof k_channels / sizeof k_channels[0]))

static void run_isa(const isa_case *ic) {
  /* batch, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w, s_h, s_w,
   * dil_h, dil_w (the rest filled per case) */
  static const oct_conv_dims geoms[] = {
      {1, 5, 7, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1},
      {2, 6, 5, 0, 0, 0, 0, 3, 3, 1, 1, 1, 1, 0, 0, 1},
      {1, 9, 11, 0, 0, 0, 0, 3, 3, 2, 2, 1, 1, 0, 0, 1},
      {1, 7, 9, 0, 0, 0, 0, 3, 3, 1, 2, 2, 1, 0, 0, 1},
      {1, 3, 13, 0, 0, 0, 0, 1, 1, 2, 3, 1, 1, 0, 0, 1},
      {2, 6, 6, 0, 0, 0, 0, 5, 2, 1, 1, 1, 2, 0, 0, 1},
  };
  static const int32_t conv_ic[] = {1, 3, 8, 17, 33, 70};
  int n = 0;
  for (size_t g = 0; g < sizeof geoms / sizeof geoms[0]; g++)
    for (int o = 0; o < N_CH; o++)
      for (size_t i = 0; i < sizeof conv_ic / sizeof conv_ic[0]; i++, n++) {
        oct_conv_dims d = geoms[g];
        d.in_c = conv_ic[i];
        d.out_c = k_channels[o];
        conv_case(ic, &d, n % 2 ? OCT_PAD_VALID : OCT_PAD_SAME, n % 3);
      }
  for (size_t g = 0; g < sizeof geoms / sizeof geoms[0]; g++)
    for (int c = 0; c < N_CH; c++)
      for (int pad = 0; pad < 2; pad++, n++) {
        oct_conv_dims d = geoms[g];
        d.in_c = k_channels[c];
        dw_case(ic, &d, pad ? OCT_PAD_VALID : OCT_PAD_SAME, n % 3);
      }
  /* A 3x3 depthwise wider than one chunk of rows, and one 1-pixel image. */
  {
    oct_conv_dims d = {1, 4, 37, 33, 0, 0, 0, 3, 3, 2, 1, 1, 1, 0, 0, 1};
    dw_case(ic, &d, OCT_PAD_SAME, 1);
    oct_conv_dims e = {3, 1, 1, 16, 0, 0, 0, 3, 3, 1, 1, 1, 1, 0, 0, 1};
    dw_case(ic, &e, OCT_PAD_SAME, 0);
  }
  /* A conv with more pixels than one chunk (1024) of the GEMM driver. */
  {
    oct_conv_dims d = {1, 40, 33, 5, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1};
    d.out_c = 40;
    conv_case(ic, &d, OCT_PAD_VALID, 0);
  }
  static const int32_t batches[] = {1, 2, 7, 9};
  static const int32_t depths[] = {1, 5, 16, 33, 100};
  for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++)
    for (size_t k = 0; k < sizeof depths / sizeof depths[0]; k++)
      for (int o = 0; o < N_CH; o += 2, n++)
        fc_case(ic, batches[b], depths[k], k_channels[o] + (int32_t)b, n % 3);
}

int main(void) {
  const oct_f32_isa best = oct_f32_cpu_best();
  int ran = 0;
  for (size_t i = 0; i < sizeof k_isas / sizeof k_isas[0]; i++) {
    if (k_isas[i].isa > best) {
      printf("skip %s: this CPU lacks it\n", oct_f32_isa_name(k_isas[i].isa));
      continue;
    }
    run_isa(&k_isas[i]);
    ran++;
  }
  if (!ran) TEST_SKIP("no AVX2/FMA on this CPU");
  return test_finish("test_x86_f32");
}

#else
int main(void) { TEST_SKIP("not an x86-64 build"); }
#endif
