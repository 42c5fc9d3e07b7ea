/*
 * Image input for `octet run --image` (and later calibration): decode,
 * resize to the model's input size, and convert pixels to the input type
 * the way TFLite's image classifiers expect.
 */
#ifndef OCT_RUN_IMAGE_H
#define OCT_RUN_IMAGE_H

#include "octet/octet.h"

typedef struct image_norm {
  float mean, std; /* float inputs get (pixel - mean) / std */
} image_norm;

/* Fills model input 0 (shape [1,H,W,C], C 1 or 3) from an image file.
 * uint8 inputs take the pixels as they are; int8 inputs take pixel - 128
 * (the same real values under TFLite's usual (1/128, -128)-style scales);
 * float inputs are normalized. Prints an error and returns 1 on failure. */
int run_image_fill_input(oct_interp *it, const char *path, const image_norm *norm);

#endif /* OCT_RUN_IMAGE_H */
