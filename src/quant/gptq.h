/*
 * Error-compensating weight rounding (GPTQ: Frantar et al. 2022, "GPTQ:
 * Accurate Post-Training Quantization for Generative Pre-trained
 * Transformers", from Optimal Brain Quantization, Frantar & Alistarh 2022).
 *
 * Rounding each int8 weight to its nearest grid point ignores that the
 * errors of one output channel add up over correlated inputs. GPTQ rounds
 * the weights of a row one at a time and spreads each one's error over the
 * weights not yet rounded, in proportion to how their inputs correlate
 * (H = E[x x^T], the inputs' second moment over calibration patches), which
 * minimizes E[((W - Wq) x)^2] far better than nearest rounding. The grid
 * (per-channel scales, TFLite's max / 127) does not change: only which of
 * two neighbouring integers a weight gets, so files stay spec-conformant
 * and run in TFLite bit-exactly.
 *
 * Where activations are near exact (int16x8) the weights' rounding is most
 * of the output error, and GPTQ is the default there: on mobilenet_v1_0.25
 * the output SQNR goes from 20.5 to 24-25.6 dB with bias correction. In
 * int8 the activations' own rounding dominates and the gain is about 2 dB
 * (17.7 -> 19.8), at about 0.4x a float run of extra calibration time, so
 * int8 asks for it (`--rounding gptq`); `--rounding nearest` is TFLite's.
 *
 * H comes from a bounded number of input patches per op, spread over the
 * calibration runs, so its cost stays a fraction of the calibration runs'.
 * Ops with more than OCT_GQ_MAX_K inputs per output keep nearest rounding.
 *
 * Use: oct_gq_init, oct_gq_add after every calibration run (oct_gq_visit
 * does it as a visitor), oct_gq_round per op, oct_gq_free.
 */
#ifndef OCT_QUANT_GPTQ_H
#define OCT_QUANT_GPTQ_H

#include <stddef.h>
#include <stdint.h>

#include "convert/ir.h"
#include "octet/convert.h"

#define OCT_GQ_MAX_K 1536

/* Per op of the graph as it was calibrated: `groups` blocks of k x k
 * second moments (one block for CONV_2D / FULLY_CONNECTED, k = the patch
 * length; one per input channel for DEPTHWISE_CONV_2D, k = its taps), upper
 * triangles filled. Ops without statistics have h == NULL. Heap, owned. */
typedef struct oct_gq_stats {
  int n_ops;
  float **h;
  size_t *k, *groups;
  long *seen;   /* patches added */
  long *cap;    /* patches wanted over all runs */
  float *patch;   /* scratch: the largest groups * k */
} oct_gq_stats;

/* Whether the options ask for GPTQ rounding: int8 or int16x8 with
 * calibration data, by opts->rounding (default: int16x8 only). */
int oct_gq_wanted(const oct_convert_options *o);

oct_status oct_gq_init(oct_ir_graph *g, oct_gq_stats *s);
void oct_gq_free(oct_gq_stats *s);

/* Adds input patches of calibration run `run` of `runs` (vals as
 * oct_calib_visitor gives them). */
void oct_gq_add(oct_gq_stats *s, const oct_ir_graph *g, const float *const *vals, long run,
                long runs);

/* Re-rounds the weights `w` of op `op` (numbered `orig` when calibrated;
 * the layout of its float weights) to int8 on the grid `sc` (one scale per
 * channel along `axis`, 3 for depthwise or 0, or one for axis < 0), values
 * clamped to [lo, 127]. q holds the nearest rounding on entry; rows
 * without usable statistics keep it. Returns 1 when q was re-rounded, 0
 * when the op has no statistics (q untouched), or -1 when out of memory. */
int oct_gq_round(const oct_gq_stats *s, const oct_ir_graph *g, int op, int orig, const float *w,
                 const float *sc, int axis, int lo, int8_t *q);

#endif /* OCT_QUANT_GPTQ_H */
