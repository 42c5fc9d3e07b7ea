/* Placeholder until the full quantization modes land (see quantize.h). */
#include "quant/quantize.h"

oct_status oct_quant_full(oct_ir_graph *g, const oct_convert_options *opts,
                        oct_convert_report *rep) {
  (void)rep;
  return oct_ir_fail(g, OCT_ERR_UNSUPPORTED, "quantization mode '%s' is not available",
                     oct_quant_mode_name(opts->quantize));
}
