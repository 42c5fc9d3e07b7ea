/*
 * JPEG decoding with libjpeg(-turbo), from memory, with the library's
 * default settings (islow DCT, fancy upsampling): the same as PIL, so the
 * pixels match references made with PIL on the same libjpeg-turbo.
 *
 * libjpeg's default error handler calls exit(); ours longjmps back with the
 * message. libjpeg treats a truncated file or damaged entropy-coded data
 * as a warning and fills the rest with grey; we make those warnings errors
 * so a broken file is never fed to a model as if it were fine.
 *
 * The state that must survive the longjmp lives in a context owned by the
 * caller of the function that calls setjmp.
 */
#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE */
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "io/image_internal.h"
#include "io/io_internal.h"

typedef struct jpeg_ctx {
  struct jpeg_decompress_struct cinfo;
  struct jpeg_error_mgr jerr;
  jmp_buf jump;
  char msg[JMSG_LENGTH_MAX];
  oct_image img;
  const char *name;
  oct_error *err;
} jpeg_ctx;

static void on_error_exit(j_common_ptr cinfo) {
  jpeg_ctx *c = (jpeg_ctx *)cinfo->client_data;
  (*cinfo->err->format_message)(cinfo, c->msg);
  longjmp(c->jump, 1);
}

static void on_emit_message(j_common_ptr cinfo, int level) {
  if (level != -1) return; /* trace messages */
  switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF:      /* file truncated */
    case JWRN_HIT_MARKER:    /* data segment ends early */
    case JWRN_MUST_RESYNC:   /* restart markers lost */
    case JWRN_HUFF_BAD_CODE: /* undecodable entropy data */
    case JWRN_NOT_SEQUENTIAL:
      on_error_exit(cinfo);
      break;
    default:
      /* Benign: extraneous bytes, odd JFIF/Adobe fields, etc. */
      cinfo->err->num_warnings++;
      break;
  }
}

static void on_output_message(j_common_ptr cinfo) {
  (void)cinfo;
}

/* OCT_ERR_INVALID_ARG means libjpeg failed, with its message in c->msg;
 * other failures have already set c->err. */
static oct_status decode(jpeg_ctx *c, const uint8_t *data, size_t size) {
  if (setjmp(c->jump)) return OCT_ERR_INVALID_ARG;
  jpeg_create_decompress(&c->cinfo);
  /* Progressive files keep all coefficients in memory, and a few hundred
   * bytes of EOB runs can claim a 16384x16384 image; cap libjpeg's own
   * allocations (it then fails with "backing store not supported"). */
  c->cinfo.mem->max_memory_to_use = 512L << 20;
  jpeg_mem_src(&c->cinfo, data, (unsigned long)size);
  jpeg_read_header(&c->cinfo, TRUE);

  struct jpeg_decompress_struct *ci = &c->cinfo;
  int ch;
  switch (ci->jpeg_color_space) {
    case JCS_GRAYSCALE:
      ci->out_color_space = JCS_GRAYSCALE;
      ch = 1;
      break;
    case JCS_YCbCr:
    case JCS_RGB:
      ci->out_color_space = JCS_RGB;
      ch = 3;
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      return oct_io_fail(c->err, OCT_ERR_UNSUPPORTED,
                         "%s: CMYK JPEG is not supported; convert it to RGB",
                         c->name);
    default:
      return oct_io_fail(c->err, OCT_ERR_UNSUPPORTED,
                         "%s: JPEG colour space %d is not supported", c->name,
                         (int)ci->jpeg_color_space);
  }
  /* Checked before start_decompress, which allocates for the full size. */
  if (ci->image_width > OCT_IMAGE_MAX_DIM ||
      ci->image_height > OCT_IMAGE_MAX_DIM)
    return oct_io_fail(c->err, OCT_ERR_LIMIT,
                       "%s: image is %ux%u, over the %dx%d limit", c->name,
                       (unsigned)ci->image_width, (unsigned)ci->image_height,
                       OCT_IMAGE_MAX_DIM, OCT_IMAGE_MAX_DIM);
  jpeg_start_decompress(ci);
  if (ci->output_components != ch)
    return oct_io_fail(c->err, OCT_ERR_INTERNAL,
                       "%s: libjpeg gave %d components, expected %d", c->name,
                       ci->output_components, ch);
  oct_status s = oct_image_alloc(&c->img, ci->output_width, ci->output_height,
                                 ch, c->name, c->err);
  if (s != OCT_OK) return s;
  size_t stride = (size_t)ci->output_width * (size_t)ch;
  while (ci->output_scanline < ci->output_height) {
    JSAMPROW row = c->img.pixels + (size_t)ci->output_scanline * stride;
    if (jpeg_read_scanlines(ci, &row, 1) != 1)
      return oct_io_fail(c->err, OCT_ERR_INVALID_ARG,
                         "%s: JPEG data ended early", c->name);
  }
  /* Reads up to EOI, where a truncated file shows up. */
  jpeg_finish_decompress(ci);
  return OCT_OK;
}

oct_status oct_image_decode_jpeg(const uint8_t *data, size_t size,
                                 const char *name, oct_image *out,
                                 oct_error *err) {
  if (size > (unsigned long)-1)
    return oct_io_fail(err, OCT_ERR_LIMIT, "%s: file too large", name);
  jpeg_ctx *c = calloc(1, sizeof *c); /* jmp_buf and cinfo are large-ish */
  if (!c) return oct_io_fail(err, OCT_ERR_NO_MEMORY, "%s: out of memory", name);
  c->name = name;
  c->err = err;
  c->cinfo.err = jpeg_std_error(&c->jerr);
  c->jerr.error_exit = on_error_exit;
  c->jerr.emit_message = on_emit_message;
  c->jerr.output_message = on_output_message;
  c->cinfo.client_data = c;
  oct_status s = decode(c, data, size);
  jpeg_destroy_decompress(&c->cinfo);
  if (s == OCT_OK) {
    *out = c->img;
  } else {
    oct_image_free(&c->img);
    if (s == OCT_ERR_INVALID_ARG && c->msg[0])
      oct_io_fail(err, s, "%s: corrupt or truncated JPEG: %s", name, c->msg);
  }
  free(c);
  return s;
}
