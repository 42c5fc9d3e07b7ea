/*
 * One implementation of the broadcasting binary ops. ADD and SUB are the
 * same op with a sign, MINIMUM and MAXIMUM the same with a comparison; each
 * op file only names its kind.
 */
#ifndef OCT_OPS_BINARY_COMMON_H
#define OCT_OPS_BINARY_COMMON_H

#include "op_api.h"

typedef enum oct_binary_kind {
  OCT_BINARY_ADD,
  OCT_BINARY_SUB,
  OCT_BINARY_MUL,
  OCT_BINARY_MINIMUM,
  OCT_BINARY_MAXIMUM
} oct_binary_kind;

oct_status oct_binary_prepare(oct_ctx *ctx, oct_node *node,
                              oct_binary_kind kind);
oct_status oct_binary_eval(oct_ctx *ctx, oct_node *node);

#endif /* OCT_OPS_BINARY_COMMON_H */
