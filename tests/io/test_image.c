/*
 * The decoders and the resize on the real images in shared/models, against
 * the inputs saved by tools/make_model_refs.py (PIL 9.4 + libjpeg-turbo):
 * every image with a refs/images_{224,128}/<name>.npy must match it byte for
 * byte after decode + bilinear resize. Also the person_detect, deeplabv3 and
 * mnist inputs, and truncated/damaged copies of every file (errors, never
 * crashes). Skipped (77) when shared/ is absent.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <sys/stat.h>

#include "io/file.h"
#include "io/image.h"
#include "io/image_resize.h"
#include "io/npy.h"
#include "test_util.h"

static char g_models[1024];

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static int has_ext(const char *name, const char *const *exts) {
  const char *dot = strrchr(name, '.');
  for (; dot && *exts; exts++)
    if (strcmp(dot + 1, *exts) == 0) return 1;
  return 0;
}

/* Compares `n` bytes; returns the number that differ. */
static size_t count_diff(const uint8_t *a, const uint8_t *b, size_t n) {
  size_t d = 0;
  for (size_t i = 0; i < n; i++) d += a[i] != b[i];
  return d;
}

/* Resizes `img` to size x size and compares with refs/images_<size>/<stem>.
 * Returns the number of differing bytes, or -1 when there is no reference. */
static long compare_ref(const oct_image *img, const char *stem, int size) {
  char path[2048];
  snprintf(path, sizeof path, "%s/refs/images_%d/%s.npy", g_models, size, stem);
  if (!exists(path)) return -1;
  oct_npy_array ref;
  oct_error err;
  if (oct_npy_read_file(path, &ref, &err) != OCT_OK) {
    CHECK_MSG(0, "%s", err.message);
    return -1;
  }
  long diff = -1;
  CHECK_MSG(ref.dtype == OCT_NPY_UINT8 && ref.rank == 4 && ref.dims[0] == 1 &&
                ref.dims[1] == size && ref.dims[2] == size && ref.dims[3] == 3,
            "%s: unexpected reference shape", path);
  oct_image sized;
  if (oct_image_resize_bilinear(img, size, size, &sized, &err) != OCT_OK) {
    CHECK_MSG(0, "%s: %s", stem, err.message);
  } else if (ref.bytes == (size_t)size * (size_t)size * 3) {
    diff = (long)count_diff(sized.pixels, ref.data, ref.bytes);
    CHECK_MSG(diff == 0, "%s at %d: %ld of %zu bytes differ from PIL", stem,
              size, diff, ref.bytes);
  }
  oct_image_free(&sized);
  oct_npy_free(&ref);
  return diff;
}

/* A cut or damaged copy of a valid file: must never crash; a cut one must
 * fail with the file's name in the message. */
static void damage(const char *path, const uint8_t *data, size_t n) {
  oct_image img;
  oct_error err;
  const size_t cuts[] = {0, 1, 2, 10, 30, n / 4, n / 2, n * 9 / 10, n - 1};
  for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
    if (cuts[i] >= n) continue;
    oct_status s = oct_image_decode_memory(data, cuts[i], path, 3, &img, &err);
    CHECK_MSG(s != OCT_OK, "%s cut to %zu of %zu bytes was accepted", path,
              cuts[i], n);
    CHECK_MSG(s == OCT_OK || strstr(err.message, path), "message '%s'",
              err.message);
    oct_image_free(&img);
  }
  uint8_t *copy = malloc(n);
  uint32_t seed = (uint32_t)n;
  for (int t = 0; t < 24; t++) {
    memcpy(copy, data, n);
    for (int f = 0; f < 1 + t % 5; f++) {
      seed = seed * 1664525u + 1013904223u;
      /* Half the damage goes to the first 2 KiB, where the headers are. */
      size_t span = (t & 1) && n > 2048 ? 2048 : n;
      copy[(seed >> 8) % span] ^= (uint8_t)(1u << (seed >> 29));
    }
    if (oct_image_decode_memory(copy, n, path, 3, &img, &err) == OCT_OK)
      oct_image_free(&img);
  }
  free(copy);
}

static void check_image(const char *dir, const char *file) {
  char path[2048];
  snprintf(path, sizeof path, "%.1000s/%.200s/%.255s", g_models, dir, file);
  oct_image img, grey;
  oct_error err;
  if (oct_image_decode_file(path, 3, &img, &err) != OCT_OK) {
    CHECK_MSG(0, "%s", err.message);
    return;
  }
  char stem[256];
  snprintf(stem, sizeof stem, "%.255s", file);
  *strrchr(stem, '.') = '\0';
  long d224 = compare_ref(&img, stem, 224), d128 = compare_ref(&img, stem, 128);
  printf("  %-40s %5dx%-5d", file, img.width, img.height);
  if (d224 < 0 && d128 < 0) {
    printf(" decoded (no resize reference)\n");
  } else {
    printf(" 224: %ld/%d differ, 128: %ld/%d differ\n", d224, 224 * 224 * 3,
           d128, 128 * 128 * 3);
  }
  /* One channel must be PIL's luma of the three-channel decode. */
  if (oct_image_decode_file(path, 1, &grey, &err) != OCT_OK) {
    CHECK_MSG(0, "%s", err.message);
  } else {
    CHECK(oct_image_convert(&img, 1, &err) == OCT_OK);
    CHECK_MSG(grey.width == img.width && grey.height == img.height &&
                  count_diff(grey.pixels, img.pixels,
                             (size_t)img.width * (size_t)img.height) == 0,
              "%s: grey decode differs from luma of RGB", file);
    oct_image_free(&grey);
  }
  oct_image_free(&img);

  void *data;
  size_t n;
  if (oct_file_read(path, 0, &data, &n, &err) == OCT_OK) {
    damage(path, data, n);
    oct_file_free(data);
  }
}

static int by_name(const void *a, const void *b) {
  return strcmp(a, b);
}

static void check_dir(const char *dir, const char *const *exts) {
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", g_models, dir);
  DIR *d = opendir(path);
  CHECK_MSG(d != NULL, "cannot list %s", path);
  if (!d) return;
  /* Sorted, so the report reads the same on every run. */
  char names[64][256];
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d)) && count < 64)
    if (has_ext(e->d_name, exts))
      snprintf(names[count++], sizeof names[0], "%s", e->d_name);
  closedir(d);
  qsort(names, (size_t)count, sizeof names[0], by_name);
  for (int i = 0; i < count; i++) check_image(dir, names[i]);
}

static int load_ref(const char *rel, oct_npy_array *a) {
  char path[2048];
  oct_error err;
  snprintf(path, sizeof path, "%s/%s", g_models, rel);
  if (oct_npy_read_file(path, a, &err) != OCT_OK) {
    CHECK_MSG(0, "%s", err.message);
    return 0;
  }
  return 1;
}

static int load_image(const char *rel, int channels, oct_image *img) {
  char path[2048];
  oct_error err;
  snprintf(path, sizeof path, "%s/%s", g_models, rel);
  if (oct_image_decode_file(path, channels, img, &err) != OCT_OK) {
    CHECK_MSG(0, "%s", err.message);
    return 0;
  }
  return 1;
}

/* The model inputs that are images without a resize. */
static void check_model_inputs(void) {
  oct_image img;
  oct_npy_array ref;
  /* person_detect: PIL's greyscale bytes reinterpreted as int8. */
  static const char *const people[] = {"person", "no_person"};
  for (int i = 0; i < 2; i++) {
    char rel[256];
    snprintf(rel, sizeof rel, "tflm/%s.bmp", people[i]);
    if (!load_image(rel, 1, &img)) continue;
    snprintf(rel, sizeof rel, "refs/person_detect/%s_input.npy", people[i]);
    if (load_ref(rel, &ref)) {
      CHECK(ref.bytes == 96 * 96 && img.width == 96 && img.height == 96);
      size_t d = count_diff(img.pixels, ref.data, 96 * 96);
      CHECK_MSG(d == 0, "%s.bmp: %zu pixels differ", people[i], d);
      printf("  %-40s    96x96    1 channel: %zu/9216 differ\n", rel, d);
      oct_npy_free(&ref);
    }
    oct_image_free(&img);
  }
  /* deeplabv3: the 257x257 JPEG as decoded. */
  if (load_image("tflite-support/segmentation_input_rotation0.jpg", 3, &img)) {
    if (load_ref("refs/deeplabv3/input_257x257.npy", &ref)) {
      CHECK(ref.bytes == 257 * 257 * 3 && img.width == 257);
      size_t d = count_diff(img.pixels, ref.data, 257 * 257 * 3);
      CHECK_MSG(d == 0, "deeplab input: %zu bytes differ", d);
      printf("  %-40s   257x257   as decoded: %zu/198147 differ\n",
             "segmentation_input_rotation0.jpg", d);
      oct_npy_free(&ref);
    }
    oct_image_free(&img);
  }
  /* The golden mask PNG stores class * 10; TFLite's mask equals it. */
  if (load_image("tflite-support/segmentation_golden_rotation0.png", 1, &img)) {
    if (load_ref("refs/deeplabv3/mask_tflite.npy", &ref)) {
      const uint8_t *m = ref.data;
      size_t d = 0, n = 257 * 257;
      CHECK(ref.bytes == n && img.channels == 1);
      for (size_t i = 0; i < n && ref.bytes == n; i++)
        d += img.pixels[i] != m[i] * 10;
      CHECK_MSG(d == 0, "golden mask: %zu pixels differ", d);
      oct_npy_free(&ref);
    }
    oct_image_free(&img);
  }
  /* mnist: float32(pixel) / 255 of each sample PNG. */
  if (load_ref("refs/mnist_lstm/samples_float.npy", &ref)) {
    CHECK(ref.dtype == OCT_NPY_FLOAT32 && ref.bytes == 10 * 28 * 28 * 4);
    const float *f = ref.data;
    size_t d = 0;
    for (int s = 0; s < 10 && ref.bytes == 10 * 28 * 28 * 4; s++) {
      char rel[256];
      snprintf(rel, sizeof rel, "tflm/mnist_lstm/samples/sample%d.png", s);
      if (!load_image(rel, 1, &img)) continue;
      CHECK(img.width == 28 && img.height == 28);
      for (int i = 0; i < 28 * 28; i++)
        d += (float)img.pixels[i] / 255.0f != f[s * 28 * 28 + i];
      oct_image_free(&img);
    }
    CHECK_MSG(d == 0, "mnist samples: %zu values differ", d);
    printf("  %-40s    28x28    10 samples: %zu/7840 differ\n",
           "mnist_lstm/samples/sample*.png", d);
    oct_npy_free(&ref);
  }
}

int main(void) {
  const char *shared = test_shared_dir();
  if (!shared) TEST_SKIP("no shared dir (set OCT_SHARED_DIR)");
  snprintf(g_models, sizeof g_models, "%s/models", shared);
  char probe[1100];
  snprintf(probe, sizeof probe, "%s/refs/images_224", g_models);
  if (!exists(probe)) TEST_SKIP("%s is absent", probe);

  static const char *const all[] = {"png", "jpg", "jpeg", "bmp", NULL};
  static const char *const bmp[] = {"bmp", NULL};
  printf("decode + resize vs PIL references:\n");
  check_dir("images", all);
  check_dir("tflite-support", all);
  check_dir("tflm", bmp);
  check_dir("tflm/mnist_lstm/samples", all);
  printf("model inputs:\n");
  check_model_inputs();
  return test_finish("test_image");
}
