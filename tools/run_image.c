/* Image input for the CLI; see run_image.h. */
#include "run_image.h"

#include <string.h>

#include "cli.h"
#include "io/image.h"
#include "io/image_resize.h"

int run_image_fill_input(oct_interp *it, const char *path, const image_norm *norm) {
  if (oct_interp_input_count(it) != 1)
    return cli_error("--image needs a model with one input; this one has %d",
                     oct_interp_input_count(it));
  oct_tensor_info ti;
  oct_interp_tensor_info(it, oct_interp_input_index(it, 0), &ti);
  if (ti.rank != 4 || ti.dims[0] != 1 || (ti.dims[3] != 1 && ti.dims[3] != 3))
    return cli_error("--image needs an input of shape [1,H,W,1 or 3]; '%s' has rank %d",
                     ti.name, ti.rank);
  if (ti.dtype != OCT_FLOAT32 && ti.dtype != OCT_UINT8 && ti.dtype != OCT_INT8)
    return cli_error("--image: input '%s' is %s; only float32, uint8 and int8 inputs take images",
                     ti.name, oct_dtype_name(ti.dtype));
  const int h = ti.dims[1], w = ti.dims[2], c = ti.dims[3];
  oct_image img = {0}, sized = {0};
  oct_error err;
  if (oct_image_decode_file(path, c, &img, &err)) return cli_error("%s", err.message);
  if (oct_image_resize_bilinear(&img, w, h, &sized, &err)) {
    oct_image_free(&img);
    return cli_error("%s: %s", path, err.message);
  }
  oct_image_free(&img);
  const size_t n = (size_t)h * (size_t)w * (size_t)c;
  void *dst = oct_interp_input_data(it, 0);
  if (ti.dtype == OCT_UINT8) {
    memcpy(dst, sized.pixels, n);
  } else if (ti.dtype == OCT_INT8) {
    int8_t *d = dst;
    for (size_t k = 0; k < n; k++) d[k] = (int8_t)((int)sized.pixels[k] - 128);
  } else {
    float *d = dst;
    for (size_t k = 0; k < n; k++) d[k] = ((float)sized.pixels[k] - norm->mean) / norm->std;
  }
  oct_image_free(&sized);
  return 0;
}
