/*
 * Post-training quantization of the converter IR: the step between the
 * optimizer and the .tflite writer (src/convert/convert.c). It rewrites an
 * optimized, shape-inferred float graph in place into the form TFLite
 * expects for the chosen mode (include/octet/convert.h, oct_quant_mode):
 *
 *   float16, weights-int8            src/quant/quant_weights.c (no data)
 *   dynamic                          src/quant/quant_dynamic.c (no data)
 *   int8, int16x8                    src/quant/quant_full*.c, with
 *                                    calibration (src/quant/calib*.c)
 *
 * With calibration data, every mode but int16x8 also corrects the biases
 * for the mean shift its weight rounding causes (src/quant/bias_corr.h;
 * --no-bias-correction turns it off).
 *
 * Tensors whose oct_ir_quant already has a range (has_range: from a
 * quantization-aware-trained model's Q/DQ pairs, or a quantized .tflite)
 * keep it; calibration only fills the ones without. The graph must verify
 * afterwards (oct_ir_verify), as after every pass.
 */
#ifndef OCT_QUANT_QUANTIZE_H
#define OCT_QUANT_QUANTIZE_H

#include "convert/ir.h"
#include "octet/convert.h"

/* Quantizes `g` as opts->quantize says (OCT_QUANT_NONE: nothing). Fills
 * the quantization fields of `rep` (may be NULL). On failure g->err names
 * the op, tensor or calibration sample at fault. */
oct_status oct_quantize_graph(oct_ir_graph *g, const oct_convert_options *opts,
                              oct_convert_report *rep);

/* Forgets the fake-quant parameters an importer recorded on float
 * activations (a QDQ model converted to float, or with a weights-only
 * mode): the file then has plain float tensors, ranges kept. */
void oct_quant_drop_fixed(oct_ir_graph *g);

/* The modes' own entry points, called by oct_quantize_graph. */
oct_status oct_quant_weights(oct_ir_graph *g, const oct_convert_options *opts,
                             oct_convert_report *rep);
oct_status oct_quant_dynamic(oct_ir_graph *g, const oct_convert_options *opts,
                             oct_convert_report *rep);
oct_status oct_quant_full(oct_ir_graph *g, const oct_convert_options *opts,
                          oct_convert_report *rep);

/* TFLite's quantize_weights default (weights_min_num_elements): smaller
 * weight tensors stay float in weights-int8 and dynamic mode; they save
 * little and lose the most accuracy. */
#define OCT_QW_MIN_ELEMS 1024

/* The symmetric int8 step for channel c of weights laid out as
 * [outer][ch][inner] (per tensor: outer = ch = 1, c = 0) whose largest
 * magnitude is maxabs: the step in [0.7, 1] x maxabs / 127 with the least
 * squared rounding-and-clipping error (1 when maxabs is 0). */
float oct_qw_channel_scale(const float *w, size_t outer, size_t ch, size_t c, size_t inner,
                           float maxabs);
/* Symmetric int8 of constant float tensor `src`: scale from
 * oct_qw_channel_scale per slice along `axis` (-1: one scale), values
 * round(w / scale) clamped to [-127, 127]. q holds elems(src) values, scales one per slice. */
oct_status oct_qw_to_int8(oct_ir_graph *g, const oct_ir_tensor *src, int axis,
                          int8_t *q, float *scales);
/* Adds a quantized copy of constant tensor t (OCT_QUANT_FLOAT16, or int8
 * along `axis`) and a DEQUANTIZE at the front of the op list that writes
 * a float copy; returns the float tensor, or -1 with g->err set. */
int oct_qw_add_dequantized(oct_ir_graph *g, int t, int mode, int axis);

/* float32 -> IEEE half, round to nearest even (overflow to inf). */
uint16_t oct_qw_f32_to_f16(float f);

/* 1 if `name` is one of the comma-separated names in `list`. */
int oct_quant_listed(const char *list, const char *name);
/* 1 if --keep-float's `list` names op `op` or one of its outputs. */
int oct_quant_kept_float(const oct_ir_graph *g, const oct_ir_op *op, const char *list);

#endif /* OCT_QUANT_QUANTIZE_H */
