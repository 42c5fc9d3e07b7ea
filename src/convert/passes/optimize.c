/*
 * The pass table and the fixed-point driver behind oct_optimize.
 *
 * Order within a round: cleanup first (so later passes see real readers),
 * constants next (BatchNorm folding needs constant weights, which may come
 * out of folded TRANSPOSEs), then the rewrites that turn ops into other
 * ops, and activation fusion last, once producers have their final shape
 * (a BatchNorm or a bias ADD between a conv and its RELU is gone by then).
 * Any order reaches the same fixed point for the patterns here; this one
 * gets there in the fewest rounds.
 */
#include <stdio.h>
#include <string.h>

#include "convert/passes.h"
#include "pass_util.h"

const oct_pass oct_passes[] = {
    {"dead_code", oct_pass_dead_code},
    {"remove_identity", oct_pass_remove_identity},
    {"fold_constants", oct_pass_fold_constants},
    {"fold_batch_norm", oct_pass_fold_batch_norm},
    {"simplify_algebra", oct_pass_simplify_algebra},
    {"fc_bias", oct_pass_fc_bias},
    {"fold_conv_affine", oct_pass_fold_conv_affine},
    {"fold_pad", oct_pass_fold_pad},
    {"cancel_transpose_reshape", oct_pass_cancel_transpose_reshape},
    {"fuse_activation", oct_pass_fuse_activation},
};
const int oct_pass_count = (int)(sizeof oct_passes / sizeof oct_passes[0]);

/* Prefixes g->err with the pass's name (the message may be truncated). */
static oct_status name_failure(oct_ir_graph *g, oct_status st, const char *what,
                               const char *pass) {
  char msg[sizeof g->err.message];
  memcpy(msg, g->err.message, sizeof msg);
  msg[sizeof msg - 1] = '\0';
  return oct_ir_fail(g, st, "%s %s: %s", what, pass, msg);
}

oct_status oct_optimize_with(oct_ir_graph *g, const oct_pass *passes, int n,
                             oct_optimize_report *r) {
  oct_optimize_report local;
  if (!r) r = &local;
  memset(r, 0, sizeof *r);
  if (n < 0 || n > OCT_MAX_PASSES)
    return oct_ir_fail(g, OCT_ERR_INVALID_ARG, "%d passes (at most %d)", n,
                       OCT_MAX_PASSES);
  r->n_passes = n;
  for (int i = 0; i < n; i++) r->passes[i].name = passes[i].name;
  r->ops_before = oct_pu_live_ops(g);
  r->tensors_before = g->n_tensors;
  oct_status st = oct_ir_verify(g);
  if (st) return name_failure(g, st, "before", "optimization");
  int fixed = 0;
  while (!fixed) {
    if (r->rounds == OCT_OPTIMIZE_MAX_ROUNDS) {
      char who[160] = "";
      for (int i = 0; i < n; i++)
        if (r->passes[i].changes == r->rounds) {
          size_t len = strlen(who);
          snprintf(who + len, sizeof who - len, "%s%s", len ? ", " : "",
                   passes[i].name);
        }
      return oct_ir_fail(
          g, OCT_ERR_INTERNAL,
          "optimization reached no fixed point in %d rounds (changing "
          "every round: %s)",
          r->rounds, who[0] ? who : "?");
    }
    r->rounds++;
    fixed = 1;
    for (int i = 0; i < n; i++) {
      int changed = 0;
      st = passes[i].fn(g, &changed);
      if (st) return name_failure(g, st, "pass", passes[i].name);
      st = oct_ir_verify(g);
      if (st) return name_failure(g, st, "after pass", passes[i].name);
      if (changed) {
        r->passes[i].changes++;
        fixed = 0;
      }
    }
  }
  st = oct_ir_compact(g);
  if (st) return st;
  r->ops_after = oct_pu_live_ops(g);
  r->tensors_after = g->n_tensors;
  return OCT_OK;
}

oct_status oct_optimize(oct_ir_graph *g, oct_optimize_report *r) {
  return oct_optimize_with(g, oct_passes, oct_pass_count, r);
}
