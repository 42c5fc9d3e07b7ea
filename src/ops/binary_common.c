/* ADD, SUB, MUL, MINIMUM, MAXIMUM: shared prepare and eval. */
#include "binary_common.h"

#include "../kernels/ref/binary.h"
#include "ew_util.h"
#include "op_parallel.h"
#if defined(__x86_64__)
#include "../kernels/x86/x86_add_s8.h"
#include "../runtime/cpu.h"
#endif

typedef struct binary_data {
  oct_binary_kind kind;
  oct_dtype type;
  int pot; /* int16 ADD/SUB on power-of-two scales */
  int fast_s8; /* int8/uint8 ADD runs the x86 AVX-512 or AVX2 kernel */
  oct_bcast_shape shape;
  union {
    oct_arith_f32_params f32;
    oct_arith_s32_params s32;
    oct_add_quant_params add;
    oct_add_pot_s16_params add_pot;
    oct_mul_quant_params mul;
  } p;
} binary_data;

/* All five ops take the same element types. */
static int type_supported(oct_dtype t) {
  return t == OCT_FLOAT32 || t == OCT_INT32 || t == OCT_INT8 ||
         t == OCT_UINT8 || t == OCT_INT16;
}

/* TFLite takes the power-of-two int16 path only when the model asks for it
 * (pot_scale_int16) and every scale is a power of two with zero point 0. */
static int add_is_pot(const oct_tensor *a, const oct_tensor *b,
                      const oct_tensor *out, int pot_requested, int32_t *la,
                      int32_t *lb, int32_t *lo) {
  if (a->type != OCT_INT16 || !pot_requested) return 0;
  const int pa = oct_ew_checked_log2(a->scale, la);
  const int pb = oct_ew_checked_log2(b->scale, lb);
  const int po = oct_ew_checked_log2(out->scale, lo);
  return pa && pb && po && a->zero_point == 0 && b->zero_point == 0 &&
         out->zero_point == 0;
}

static oct_status prepare_add_quant(oct_ctx *ctx, oct_node *node,
                                    binary_data *d, const oct_tensor *a,
                                    const oct_tensor *b, const oct_tensor *out,
                                    oct_act act, int pot_requested) {
  /* TFLite 2.9 takes int16 ADD/SUB only with zero points 0, on both of
   * its paths. */
  const int sym = a->type == OCT_INT16;
  oct_status st;
  if ((st = oct_ew_check_quant(ctx, node, a, "input 1", sym)) ||
      (st = oct_ew_check_quant(ctx, node, b, "input 2", sym)) ||
      (st = oct_ew_check_quant(ctx, node, out, "output", sym)))
    return st;
  int32_t la = 0, lb = 0, lo = 0;
  if (add_is_pot(a, b, out, pot_requested, &la, &lb, &lo)) {
    oct_add_pot_s16_params *p = &d->p.add_pot;
    const int32_t sa = la - lo, sb = lb - lo;
    /* Only one input may be rescaled, and only to a coarser step. */
    if (!(sa == 0 || sb == 0) || sa > 0 || sb > 0)
      return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                      "int16 power-of-two scales 2^%d, 2^%d -> 2^%d: one input "
                      "must match the output and the other be finer",
                      (int)la, (int)lb, (int)lo);
    d->pot = 1;
    /* Beyond 31 the result is the same as at 31 (0 or -1 rounded). */
    p->in1_shift = -sa > 31 ? 31 : -sa;
    p->in2_shift = -sb > 31 ? 31 : -sb;
    p->subtract = d->kind == OCT_BINARY_SUB;
    return oct_ew_act_range_quant(ctx, node, act, out, &p->act_min,
                                  &p->act_max);
  }

  oct_add_quant_params *p = &d->p.add;
  p->in1_offset = -a->zero_point;
  p->in2_offset = -b->zero_point;
  p->out_offset = out->zero_point;
  /* 20 bits of headroom for 8-bit, 15 for int16: (2^16 - 1) << 15 < 2^31 */
  p->left_shift = a->type == OCT_INT16 ? 15 : 20;
  /* The float/double mix below is TFLite's, and decides the last bit. */
  const float max_scale = a->scale < b->scale ? b->scale : a->scale;
  const double twice_max = (double)(2.0f * max_scale);
  const double real1 = (double)a->scale / twice_max;
  const double real2 = (double)b->scale / twice_max;
  const double real_out =
      twice_max / (double)((float)(1 << p->left_shift) * out->scale);
  if ((st = oct_ew_multiplier(ctx, node, real1, 0, 1, &p->in1_mult,
                              &p->in1_shift)) ||
      (st = oct_ew_multiplier(ctx, node, real2, 0, 1, &p->in2_mult,
                              &p->in2_shift)) ||
      (st = oct_ew_multiplier(ctx, node, real_out, 0, 1, &p->out_mult,
                              &p->out_shift)))
    return st;
  return oct_ew_act_range_quant(ctx, node, act, out, &p->act_min, &p->act_max);
}

static oct_status prepare_mul_quant(oct_ctx *ctx, oct_node *node,
                                    binary_data *d, const oct_tensor *a,
                                    const oct_tensor *b, const oct_tensor *out,
                                    oct_act act) {
  /* int16 products of offset inputs could overflow int32: TFLite takes
   * int16 MUL only with zero points 0. */
  const int sym = a->type == OCT_INT16;
  oct_status st;
  if ((st = oct_ew_check_quant(ctx, node, a, "input 1", sym)) ||
      (st = oct_ew_check_quant(ctx, node, b, "input 2", sym)) ||
      (st = oct_ew_check_quant(ctx, node, out, "output", sym)))
    return st;
  oct_mul_quant_params *p = &d->p.mul;
  p->in1_offset = -a->zero_point;
  p->in2_offset = -b->zero_point;
  p->out_offset = out->zero_point;
  const float real = a->scale * b->scale / out->scale; /* float, as TFLite */
  if ((st = oct_ew_multiplier(ctx, node, real, 1, 0, &p->out_mult,
                              &p->out_shift)))
    return st;
  return oct_ew_act_range_quant(ctx, node, act, out, &p->act_min, &p->act_max);
}

oct_status oct_binary_prepare(oct_ctx *ctx, oct_node *node,
                              oct_binary_kind kind) {
  oct_tensor *in[2], *out;
  oct_status st = oct_ew_io(ctx, node, 2, 1, in, &out);
  if (st) return st;
  const oct_dtype t = in[0]->type;
  if (!type_supported(t))
    return oct_fail(ctx, node, OCT_ERR_UNSUPPORTED,
                    "%s inputs are not supported", oct_ew_type(t));
  if ((st = oct_ew_check_type(ctx, node, in[1], t, "input 2"))) return st;
  if (out->type != t && kind != OCT_BINARY_MUL && !out->is_const) {
    /* TFLite's ADD, SUB, MINIMUM and MAXIMUM give their output the input
     * type, whatever the model declares (LiteRT's add_quantized.bin has a
     * float32 intermediate between two uint8 ADDs); the planner sizes the
     * buffer after prepare. */
    out->type = t;
    out->bytes = (size_t)oct_tensor_elems(out) * oct_dtype_size(t);
  }
  if ((st = oct_ew_check_type(ctx, node, out, t, "output"))) return st;

  binary_data *d;
  if ((st = oct_op_data_alloc(ctx, node, sizeof *d, (void **)&d))) return st;
  d->kind = kind;
  d->type = t;
  int32_t odims[OCT_MAX_RANK], orank = 0;
  if (oct_bcast_init(&d->shape, in[0]->dims, in[0]->rank, in[1]->dims,
                     in[1]->rank, odims, &orank))
    return oct_fail(ctx, node, OCT_ERR_SHAPE,
                    "input shapes of '%s' and '%s' do not broadcast",
                    in[0]->name, in[1]->name);
  if ((st = oct_check_output_shape(ctx, node, out, orank, odims))) return st;
  node->kernel = "ref";

  if (kind == OCT_BINARY_MINIMUM || kind == OCT_BINARY_MAXIMUM)
    return OCT_OK; /* raw comparison, no parameters (as TFLite) */

  const oct_act act = node->opts ? node->opts->arith.act : OCT_ACT_NONE;
  const int pot_requested = node->opts ? node->opts->arith.pot_scale_int16 : 1;
  switch (t) {
    case OCT_FLOAT32:
      return oct_ew_act_range_f32(ctx, node, act, &d->p.f32.act_min,
                                  &d->p.f32.act_max);
    case OCT_INT32:
      return oct_ew_act_range_s32(ctx, node, act, &d->p.s32.act_min,
                                  &d->p.s32.act_max);
    default:
      if (kind == OCT_BINARY_MUL)
        return prepare_mul_quant(ctx, node, d, in[0], in[1], out, act);
      st = prepare_add_quant(ctx, node, d, in[0], in[1], out, act,
                             pot_requested);
#if defined(__x86_64__)
      if (!st && kind == OCT_BINARY_ADD && (t == OCT_INT8 || t == OCT_UINT8) &&
          oct_ctx_kernels(ctx) != OCT_KERNELS_REF &&
          (oct_cpu_usable() & OCT_CPU_AVX2)) {
        const int w = (oct_cpu_usable() & OCT_CPU_AVX512) != 0;
        d->fast_s8 = 1;
        node->kernel = t == OCT_INT8 ? (w ? "s8 avx512" : "s8 avx2")
                                     : (w ? "u8 avx512" : "u8 avx2");
      }
#endif
      return st;
  }
}

/* Kernel call with the tensors' data cast to element type T. */
#define BIN_CALL(fn, P, T) \
  fn(P, &d->shape, (const T *)a->data, (const T *)b->data, (T *)o->data)
#define MINMAX_CALL(fn, T) \
  fn(&d->shape, (const T *)a->data, (const T *)b->data, (T *)o->data)

static void eval_minmax(const binary_data *d, const oct_tensor *a,
                        const oct_tensor *b, oct_tensor *o) {
  const int is_max = d->kind == OCT_BINARY_MAXIMUM;
  switch (d->type) {
    case OCT_FLOAT32:
      if (is_max)
        MINMAX_CALL(oct_maximum_f32_ref, float);
      else
        MINMAX_CALL(oct_minimum_f32_ref, float);
      break;
    case OCT_INT8:
      if (is_max)
        MINMAX_CALL(oct_maximum_s8_ref, int8_t);
      else
        MINMAX_CALL(oct_minimum_s8_ref, int8_t);
      break;
    case OCT_UINT8:
      if (is_max)
        MINMAX_CALL(oct_maximum_u8_ref, uint8_t);
      else
        MINMAX_CALL(oct_minimum_u8_ref, uint8_t);
      break;
    case OCT_INT16:
      if (is_max)
        MINMAX_CALL(oct_maximum_s16_ref, int16_t);
      else
        MINMAX_CALL(oct_minimum_s16_ref, int16_t);
      break;
    default:
      if (is_max)
        MINMAX_CALL(oct_maximum_s32_ref, int32_t);
      else
        MINMAX_CALL(oct_minimum_s32_ref, int32_t);
      break;
  }
}

static void eval_float_int32(const binary_data *d, const oct_tensor *a,
                             const oct_tensor *b, oct_tensor *o) {
  if (d->type == OCT_FLOAT32) {
    const oct_arith_f32_params *p = &d->p.f32;
    if (d->kind == OCT_BINARY_ADD)
      BIN_CALL(oct_add_f32_ref, p, float);
    else if (d->kind == OCT_BINARY_SUB)
      BIN_CALL(oct_sub_f32_ref, p, float);
    else
      BIN_CALL(oct_mul_f32_ref, p, float);
  } else {
    const oct_arith_s32_params *p = &d->p.s32;
    if (d->kind == OCT_BINARY_ADD)
      BIN_CALL(oct_add_s32_ref, p, int32_t);
    else if (d->kind == OCT_BINARY_SUB)
      BIN_CALL(oct_sub_s32_ref, p, int32_t);
    else
      BIN_CALL(oct_mul_s32_ref, p, int32_t);
  }
}

static void eval_quant(const binary_data *d, const oct_tensor *a,
                       const oct_tensor *b, oct_tensor *o) {
  if (d->kind == OCT_BINARY_MUL) {
    const oct_mul_quant_params *p = &d->p.mul;
    if (d->type == OCT_INT8)
      BIN_CALL(oct_mul_s8_ref, p, int8_t);
    else if (d->type == OCT_UINT8)
      BIN_CALL(oct_mul_u8_ref, p, uint8_t);
    else
      BIN_CALL(oct_mul_s16_ref, p, int16_t);
    return;
  }
  if (d->pot) {
    BIN_CALL(oct_add_pot_s16_ref, &d->p.add_pot, int16_t);
    return;
  }
  const oct_add_quant_params *p = &d->p.add;
  if (d->kind == OCT_BINARY_SUB) {
    if (d->type == OCT_INT8)
      BIN_CALL(oct_sub_s8_ref, p, int8_t);
    else if (d->type == OCT_UINT8)
      BIN_CALL(oct_sub_u8_ref, p, uint8_t);
    else
      BIN_CALL(oct_sub_s16_ref, p, int16_t);
  } else {
    if (d->type == OCT_INT8) {
#if defined(__x86_64__)
      if (d->fast_s8) {
        BIN_CALL(oct_x86_add_s8, p, int8_t);
        return;
      }
#endif
      BIN_CALL(oct_add_s8_ref, p, int8_t);
    }
    else if (d->type == OCT_UINT8) {
#if defined(__x86_64__)
      if (d->fast_s8) {
        BIN_CALL(oct_x86_add_u8, p, uint8_t);
        return;
      }
#endif
      BIN_CALL(oct_add_u8_ref, p, uint8_t);
    }
    else
      BIN_CALL(oct_add_s16_ref, p, int16_t);
  }
}

static void eval_all(const binary_data *d, const oct_tensor *a,
                     const oct_tensor *b, oct_tensor *o) {
  if (d->kind == OCT_BINARY_MINIMUM || d->kind == OCT_BINARY_MAXIMUM)
    eval_minmax(d, a, b, o);
  else if (d->type == OCT_FLOAT32 || d->type == OCT_INT32)
    eval_float_int32(d, a, b, o);
  else
    eval_quant(d, a, b, o);
}

/* Elements below which a flat op is not worth a parallel loop. */
#define OCT_BINARY_SPLIT_MIN 32768

typedef struct flat_job {
  const binary_data *d;
  const oct_tensor *a, *b;
  oct_tensor *o;
} flat_job;

/* Elements [e0, e1) of a merged rank-1 shape (inputs contiguous or scalar
 * broadcasts): the same kernel on views of the three buffers. */
static void flat_piece(void *arg, int32_t e0, int32_t e1) {
  const flat_job *j = arg;
  binary_data d = *j->d;
  const size_t es = oct_dtype_size(j->o->type);
  oct_tensor a = *j->a, b = *j->b, o = *j->o;
  a.data = (uint8_t *)a.data + (size_t)(d.shape.stride1[0] * e0) * es;
  b.data = (uint8_t *)b.data + (size_t)(d.shape.stride2[0] * e0) * es;
  o.data = (uint8_t *)o.data + (size_t)e0 * es;
  d.shape.dims[0] = e1 - e0;
  eval_all(&d, &a, &b, &o);
}

oct_status oct_binary_eval(oct_ctx *ctx, oct_node *node) {
  const binary_data *d = node->data;
  const oct_tensor *a = oct_input(ctx, node, 0);
  const oct_tensor *b = oct_input(ctx, node, 1);
  oct_tensor *o = oct_output(ctx, node, 0);
  /* Same-shape (or scalar) operands cut into flat pieces over the
   * threads; every element is computed alone, so the bits do not change.
   * Inputs and output have one element type here (no comparisons). */
  if (oct_ctx_threads(ctx) > 1 && d->shape.rank == 1 &&
      d->shape.dims[0] >= OCT_BINARY_SPLIT_MIN && a->type == o->type &&
      b->type == o->type) {
    flat_job j = {d, a, b, o};
    oct_parallel_ranges(ctx, d->shape.dims[0], 64, flat_piece, &j);
    return OCT_OK;
  }
  eval_all(d, a, b, o);
  return OCT_OK;
}
