/*
 * Calibration: runs the float IR graph with octet's own runtime on
 * representative samples and records, for every float activation tensor,
 * the range the chosen calibrator settles on (minmax, percentile, mse,
 * entropy; include/octet/convert.h). The graph is serialized once with every
 * activation marked as a model output, so the planner keeps them all alive
 * and each can be read after an invoke.
 *
 * Memory is bounded whatever the number of samples: one sample per input
 * at a time, and per tensor a min/max plus (for the histogram calibrators)
 * a fixed number of bins filled in a second pass over the samples.
 */
#ifndef OCT_QUANT_CALIB_H
#define OCT_QUANT_CALIB_H

#include "convert/ir.h"
#include "octet/convert.h"

typedef struct oct_calib_ranges {
  int n;        /* == graph tensor count when computed */
  int *has;     /* has[t]: tensor t was observed */
  float *min, *max;
  int samples;  /* samples used */
} oct_calib_ranges;

/* Loads the calibration data named in opts, runs the graph and fills
 * `out` (heap; release with oct_calib_free). Errors (bad file, wrong shape
 * or dtype, NaN/Inf naming the sample, no data) go to g->err. */
oct_status oct_calib_run(oct_ir_graph *g, const oct_convert_options *opts,
                         oct_calib_ranges *out);

/* Sees the float values of one calibration run: vals[t] for every graph
 * input and observed tensor t (NULL for the rest), valid only during the
 * call. Called once per run (`run` of `runs`), in the first pass only; a failure (g->err
 * set) ends the calibration. Bias correction (bias_corr.h) collects its
 * statistics this way, in the same runs that give the ranges. */
typedef struct oct_calib_visitor {
  oct_status (*visit)(void *ctx, oct_ir_graph *g, const float *const *vals, long run,
                      long runs);
  void *ctx;
} oct_calib_visitor;

/* oct_calib_run that also calls `v` (may be NULL) after every run. */
oct_status oct_calib_run_visit(oct_ir_graph *g, const oct_convert_options *opts,
                               oct_calib_ranges *out, const oct_calib_visitor *v);
void oct_calib_free(oct_calib_ranges *r);

/* Range chosen from a histogram of `bins` counts over [lo, hi]
 * (calibrators other than minmax). Exposed for tests. */
void oct_calib_hist_range(const double *hist, int bins, float lo, float hi,
                          oct_calibrator c, float percentile, int symmetric,
                          float *out_lo, float *out_hi);

#endif /* OCT_QUANT_CALIB_H */
