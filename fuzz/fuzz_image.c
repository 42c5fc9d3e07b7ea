/* Harness body for images: decode to both channel counts, convert, and
 * resize the way `octet run --image` and image calibration do. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "fuzz_targets.h"
#include "io/image.h"
#include "io/image_resize.h"

/* Bigger images decode but are not resized: the work would swamp the run. */
#define RESIZE_CAP (1 << 22)

int oct_fuzz_image(const uint8_t *data, size_t size) {
  uint8_t *copy = malloc(size ? size : 1);
  if (!copy) return 0;
  if (size) memcpy(copy, data, size);
  for (int channels = 1; channels <= 3; channels += 2) {
    oct_error err;
    memset(&err, 0, sizeof err);
    oct_image img;
    oct_status st = oct_image_decode_memory(copy, size, "fuzz.img", channels, &img, &err);
    OCT_FUZZ_REQUIRE(st == OCT_OK || err.message[0] != '\0', "decode: no message");
    if (st != OCT_OK) continue;
    OCT_FUZZ_REQUIRE(img.width > 0 && img.height > 0 && img.channels == channels &&
                         img.pixels != NULL, "decoded image is inconsistent");
    volatile uint8_t sum = 0;
    const size_t n = (size_t)img.width * (size_t)img.height * (size_t)channels;
    for (size_t i = 0; i < n; i++) sum ^= img.pixels[i];
    (void)sum;
    if ((size_t)img.width * (size_t)img.height <= RESIZE_CAP) {
      oct_image sized;
      st = oct_image_resize_bilinear(&img, 224, 224, &sized, &err);
      if (st == OCT_OK) oct_image_free(&sized);
      st = oct_image_resize_bilinear(&img, 1 + (int)(size % 7), 1 + (int)(size % 5),
                                     &sized, &err);
      if (st == OCT_OK) oct_image_free(&sized);
    }
    st = oct_image_convert(&img, 4 - channels, &err);
    OCT_FUZZ_REQUIRE(st == OCT_OK || err.message[0] != '\0', "convert: no message");
    oct_image_free(&img);
  }
  free(copy);
  return 0;
}
