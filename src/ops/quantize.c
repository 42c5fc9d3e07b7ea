/* QUANTIZE: float -> int8/uint8/int16, and requantization between integer
 * types (int8 <-> uint8, int16 -> int8/int16/int32, int32 -> int8/int16),
 * the pairs TFLite 2.9 accepts. */
#include "../kernels/ref/quantize.h"
#include "ew_util.h"
#include "op_parallel.h"
#if defined(__x86_64__)
#include "../kernels/x86/x86_quantize.h"
#include "../runtime/cpu.h"
#endif

typedef enum quantize_mode {
  Q_F32_S8,
  Q_F32_U8,
  Q_F32_S16,
  Q_REQUANT
} quantize_mode;

typedef struct quantize_data {
  quantize_mode mode;
  oct_dtype in_type, out_type;
  oct_affine_params aff;
  oct_requant_params rq;
  int fast_s8; /* float -> int8 or 8-bit requantization on x86 AVX-512 or AVX2 */
} quantize_data;

static int requant_pair_supported(oct_dtype i, oct_dtype o) {
  switch (i) {
    case OCT_INT8:
    case OCT_UINT8:
      return o == OCT_INT8 || o == OCT_UINT8;
    case OCT_INT16:
      return o == OCT_INT8 || o == OCT_INT16 || o == OCT_INT32;
    case OCT_INT32:
      return o == OCT_INT8 || o == OCT_INT16;
    default:
      return 0;
  }
}

static oct_status prepare(oct_ctx *ctx, oct_node *node) {
  oct_tensor *in, *out;
  oct_status st = oct_ew_io(ctx, node, 1, 1, &in, &out);
  if (st) return st;
  if ((st = oct_ew_check_same_shape(ctx, node, in, out))) return st;
  quantize_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->in_type = in->type;
  d->out_type = out->type;
  node->kernel = "ref";
  const oct_dtype ti = in->type, to = out->type;
  if (ti == OCT_FLOAT32) {
    if (to != OCT_INT8 && to != OCT_UINT8 && to != OCT_INT16)
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                      "float32 -> %s is not supported", oct_ew_type(to));
    if ((st = oct_ew_check_quant(ctx, node, out, "output", 0))) return st;
    d->mode =
        to == OCT_INT8 ? Q_F32_S8 : (to == OCT_UINT8 ? Q_F32_U8 : Q_F32_S16);
    d->aff.scale = out->scale;
    d->aff.zero_point = out->zero_point;
#if defined(__x86_64__)
    if (to == OCT_INT8 && oct_ctx_kernels(ctx) != OCT_KERNELS_REF &&
        (oct_cpu_usable() & OCT_CPU_AVX2)) {
      d->fast_s8 = 1;
      node->kernel = (oct_cpu_usable() & OCT_CPU_AVX512) ? "f32->s8 avx512"
                                                         : "f32->s8 avx2";
    }
#endif
    return OCT_OK;
  }
  if (!requant_pair_supported(ti, to))
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED, "%s -> %s is not supported",
                    oct_ew_type(ti), oct_ew_type(to));
  /* int16 -> int16 is symmetric in TFLite; other pairs keep zero points */
  const int sym = ti == OCT_INT16 && to == OCT_INT16;
  if ((st = oct_ew_check_quant(ctx, node, in, "input", sym)) ||
      (st = oct_ew_check_quant(ctx, node, out, "output", sym)))
    return st;
  d->mode = Q_REQUANT;
  d->rq.in_zero_point = in->zero_point;
  d->rq.out_zero_point = out->zero_point;
#if defined(__x86_64__)
  if ((ti == OCT_INT8 || ti == OCT_UINT8) && oct_ctx_kernels(ctx) != OCT_KERNELS_REF &&
      (oct_cpu_usable() & OCT_CPU_AVX2)) {
    d->fast_s8 = 1;
    node->kernel = (oct_cpu_usable() & OCT_CPU_AVX512) ? "8-bit requant avx512"
                                                       : "8-bit requant avx2";
  }
#endif
  return oct_ew_multiplier(ctx, node, (double)in->scale / (double)out->scale, 0,
                           0, &d->rq.mult, &d->rq.shift);
}

#define REQ(name, TI, TO) \
  oct_requantize_##name##_ref(&d->rq, n, (const TI *)in->data, (TO *)out->data)

static void requantize(const quantize_data *d, size_t n, const oct_tensor *in,
                       oct_tensor *out) {
  const oct_dtype ti = d->in_type, to = d->out_type;
#if defined(__x86_64__)
  if (d->fast_s8) {
    oct_x86_requantize_8(&d->rq, n, in->data, ti == OCT_INT8, out->data,
                         to == OCT_INT8);
    return;
  }
#endif
  if (ti == OCT_INT8) {
    if (to == OCT_INT8)
      REQ(s8_s8, int8_t, int8_t);
    else
      REQ(s8_u8, int8_t, uint8_t);
  } else if (ti == OCT_UINT8) {
    if (to == OCT_INT8)
      REQ(u8_s8, uint8_t, int8_t);
    else
      REQ(u8_u8, uint8_t, uint8_t);
  } else if (ti == OCT_INT16) {
    if (to == OCT_INT8)
      REQ(s16_s8, int16_t, int8_t);
    else if (to == OCT_INT16)
      REQ(s16_s16, int16_t, int16_t);
    else
      REQ(s16_s32, int16_t, int32_t);
  } else {
    if (to == OCT_INT8)
      REQ(s32_s8, int32_t, int8_t);
    else
      REQ(s32_s16, int32_t, int16_t);
  }
}

/* Elements [e0, e0 + n) of the tensor. */
static void quantize_range(const quantize_data *d, const oct_tensor *in,
                           oct_tensor *out, size_t e0, size_t n) {
  oct_tensor iv = *in, ov = *out;
  iv.data = (uint8_t *)in->data + e0 * oct_dtype_size(in->type);
  ov.data = (uint8_t *)out->data + e0 * oct_dtype_size(out->type);
  switch (d->mode) {
    case Q_F32_S8:
#if defined(__x86_64__)
      if (d->fast_s8) {
        oct_x86_quantize_f32_s8(&d->aff, n, iv.data, ov.data);
        break;
      }
#endif
      oct_quantize_f32_s8_ref(&d->aff, n, iv.data, ov.data);
      break;
    case Q_F32_U8:
      oct_quantize_f32_u8_ref(&d->aff, n, iv.data, ov.data);
      break;
    case Q_F32_S16:
      oct_quantize_f32_s16_ref(&d->aff, n, iv.data, ov.data);
      break;
    case Q_REQUANT:
      requantize(d, n, &iv, &ov);
      break;
  }
}

typedef struct quantize_job {
  const quantize_data *d;
  const oct_tensor *in;
  oct_tensor *out;
} quantize_job;

static void quantize_piece(void *arg, int32_t e0, int32_t e1) {
  const quantize_job *j = arg;
  quantize_range(j->d, j->in, j->out, (size_t)e0, (size_t)(e1 - e0));
}

/* Elements below which QUANTIZE is not worth a parallel loop. */
#define OCT_QUANTIZE_SPLIT_MIN 32768

static oct_status eval(oct_ctx *ctx, oct_node *node) {
  const quantize_data *d = node->data;
  const oct_tensor *in = oct_input(ctx, node, 0);
  oct_tensor *out = oct_output(ctx, node, 0);
  const int64_t n = oct_tensor_elems(in);
  /* Each element is converted alone: any cut gives the same bits. */
  if (oct_ctx_threads(ctx) > 1 && n >= OCT_QUANTIZE_SPLIT_MIN && n <= INT32_MAX) {
    quantize_job j = {d, in, out};
    oct_parallel_ranges(ctx, (int32_t)n, 64, quantize_piece, &j);
    return OCT_OK;
  }
  quantize_range(d, in, out, 0, (size_t)n);
  return OCT_OK;
}

const oct_op oct_op_quantize = {OCT_OP_QUANTIZE, prepare, eval};
