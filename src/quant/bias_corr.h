/*
 * Empirical bias correction (Nagel et al. 2019, "Data-Free Quantization
 * Through Weight Equalization and Bias Correction", section 4.2, in the
 * empirical form OpenVINO and AIMET use): rounding the weights of a
 * CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED to a grid moves each
 * output channel's mean by E[(dW * x)_c], dW = dequant(Wq) - W. That
 * expectation is dW applied to the mean input patch (the mean im2col
 * column, padding zeros included, over calibration samples and output
 * positions), so it is measured once during calibration and subtracted
 * from the float bias before the bias is stored or quantized. Only stored
 * bias values change: files still run in TFLite, bit-exactly.
 *
 * Use: oct_bc_init, then feed oct_bc_visitor to calibration
 * (oct_calib_run_visit) or call oct_bc_collect, then oct_bc_apply per op as
 * its weights are quantized, then oct_bc_free.
 */
#ifndef OCT_QUANT_BIAS_CORR_H
#define OCT_QUANT_BIAS_CORR_H

#include "convert/ir.h"
#include "octet/convert.h"
#include "quant/calib.h"

/* Per op of the graph as it was calibrated: the sum of its input patches
 * (KH*KW*IC for convolutions, IN for FULLY_CONNECTED) and how many there
 * were. Ops that are not corrected have sum == NULL. Heap, owned. */
typedef struct oct_bc_means {
  int n_ops;
  double **sum;
  size_t *len;
  double *count;
  float *rows;  /* scratch: one input row sum per row, for the largest H x C */
} oct_bc_means;

/* Whether the options ask for bias correction in their mode (it needs
 * calibration data). */
int oct_bc_wanted(const oct_convert_options *o);

/* Input patch length of op `o` (KH*KW*IC for convolutions, IN for
 * FULLY_CONNECTED) when it is a float CONV_2D / DEPTHWISE_CONV_2D /
 * FULLY_CONNECTED with constant weights and an activation input that
 * calibration observes; 0 for every other op. */
size_t oct_bc_patch_len(const oct_ir_graph *g, const oct_ir_op *o);

/* Shape and geometry of a CONV_2D / DEPTHWISE_CONV_2D op that
 * oct_bc_patch_len accepts: input n x h x w x c, filter kh x kw, output
 * oh x ow, strides, dilations and TFLite's leading padding (top, left). */
typedef struct oct_bc_geom {
  int n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl;
} oct_bc_geom;
void oct_bc_geom_of(const oct_ir_graph *g, const oct_ir_op *o, oct_bc_geom *q);

/* Allocates sums for every live CONV_2D / DEPTHWISE_CONV_2D /
 * FULLY_CONNECTED of g with constant float weights and a float
 * activation input. */
oct_status oct_bc_init(oct_ir_graph *g, oct_bc_means *m);
void oct_bc_free(oct_bc_means *m);
/* A visitor for oct_calib_run_visit adding one run's patches to `m`. */
oct_calib_visitor oct_bc_visitor(oct_bc_means *m);
/* For the modes that need no ranges: oct_bc_init plus a calibration run
 * (minmax, one pass) that only collects the patches. */
oct_status oct_bc_collect(oct_ir_graph *g, const oct_convert_options *o, oct_bc_means *m);

/* The mean shift of op `op`'s output channels from using `wq` (dequantized
 * weights, same layout as the op's float weights) instead of its float
 * weights: shift[c] = sum_k (wq - w)[c, k] * mean[k], for the op numbered
 * `orig` when the means were collected. Returns 0, or -1 when nothing was
 * collected for it. shift holds one value per output channel. */
int oct_bc_shift(const oct_ir_graph *g, int op, const oct_bc_means *m, int orig,
                 const float *wq, double *shift);

/* Subtracts that shift from op `op`'s float bias, giving the op a float
 * bias of its own first (a zero one if it had none). No-op when nothing
 * was collected for `orig`. */
oct_status oct_bc_apply(oct_ir_graph *g, int op, const oct_bc_means *m, int orig,
                        const float *wq);

/* oct_bc_apply with wq = the weight-only modes' rounding of the op's
 * weights: oct_qw_to_int8 along `axis` (mode int8) or float16. */
oct_status oct_bc_apply_qw(oct_ir_graph *g, int op, const oct_bc_means *m, int orig,
                           int mode, int axis);

#endif /* OCT_QUANT_BIAS_CORR_H */
