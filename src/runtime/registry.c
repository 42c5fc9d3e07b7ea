/* Maps builtin codes to op implementations, from src/ops/op_list.h. */
#include "interp.h"

#define X(CODE, name) extern const oct_op oct_op_##name;
#include "../ops/op_list.h"
#undef X

static const oct_op *const k_ops[] = {
#define X(CODE, name) &oct_op_##name,
#include "../ops/op_list.h"
#undef X
    0};

const oct_op *oct_find_op(int32_t builtin) {
  for (size_t i = 0; k_ops[i]; i++)
    if (k_ops[i]->builtin == builtin) return k_ops[i];
  return 0;
}
