/* FULLY_CONNECTED reference kernels; arithmetic in fully_connected.h. */
#include "fully_connected.h"

void oct_fc_f32_ref(const oct_fc_dims *d, const oct_act_f32 *a,
                    const float *restrict in, const float *restrict w,
                    const float *restrict bias, float *restrict out,
                    void *restrict scratch) {
  (void)scratch;
  for (int32_t b = 0; b < d->batch; b++) {
    const float *x = in + (size_t)b * (size_t)d->depth;
    float *o = out + (size_t)b * (size_t)d->out_c;
    for (int32_t c = 0; c < d->out_c; c++) {
      const float *wr = w + (size_t)c * (size_t)d->depth;
      float acc = 0.0f;
      for (int32_t k = 0; k < d->depth; k++) acc += x[k] * wr[k];
      if (bias) acc += bias[c];
      o[c] = oct_act_apply_f32(acc, a);
    }
  }
}

void oct_fc_s8_ref(const oct_fc_dims *d, const oct_requant *q,
                   const int8_t *restrict in, const int8_t *restrict w,
                   const int32_t *restrict bias, int8_t *restrict out,
                   void *restrict scratch) {
  (void)scratch;
  const int32_t in_off = q->input_offset, w_off = q->weight_offset;
  for (int32_t b = 0; b < d->batch; b++) {
    const int8_t *x = in + (size_t)b * (size_t)d->depth;
    int8_t *o = out + (size_t)b * (size_t)d->out_c;
    for (int32_t c = 0; c < d->out_c; c++) {
      const int8_t *wr = w + (size_t)c * (size_t)d->depth;
      uint32_t acc = 0;
      for (int32_t k = 0; k < d->depth; k++)
        acc += (uint32_t)((wr[k] + w_off) * (x[k] + in_off));
      if (bias) acc += (uint32_t)bias[c];
      o[c] = (int8_t)oct_requant_acc32(acc, q->mult[c], q->shift[c], q);
    }
  }
}

void oct_fc_u8_ref(const oct_fc_dims *d, const oct_requant *q,
                   const uint8_t *restrict in, const uint8_t *restrict w,
                   const int32_t *restrict bias, uint8_t *restrict out,
                   void *restrict scratch) {
  (void)scratch;
  const int32_t in_off = q->input_offset, w_off = q->weight_offset;
  for (int32_t b = 0; b < d->batch; b++) {
    const uint8_t *x = in + (size_t)b * (size_t)d->depth;
    uint8_t *o = out + (size_t)b * (size_t)d->out_c;
    for (int32_t c = 0; c < d->out_c; c++) {
      const uint8_t *wr = w + (size_t)c * (size_t)d->depth;
      uint32_t acc = 0;
      for (int32_t k = 0; k < d->depth; k++)
        acc += (uint32_t)((wr[k] + w_off) * (x[k] + in_off));
      if (bias) acc += (uint32_t)bias[c];
      o[c] = (uint8_t)oct_requant_acc32(acc, q->mult[c], q->shift[c], q);
    }
  }
}

void oct_fc_s16_ref(const oct_fc_dims *d, const oct_requant *q,
                    const int16_t *restrict in, const int8_t *restrict w,
                    const int64_t *restrict bias, int16_t *restrict out,
                    void *restrict scratch) {
  (void)scratch;
  const int32_t w_off = q->weight_offset;
  for (int32_t b = 0; b < d->batch; b++) {
    const int16_t *x = in + (size_t)b * (size_t)d->depth;
    int16_t *o = out + (size_t)b * (size_t)d->out_c;
    for (int32_t c = 0; c < d->out_c; c++) {
      const int8_t *wr = w + (size_t)c * (size_t)d->depth;
      int64_t acc = 0;
      for (int32_t k = 0; k < d->depth; k++)
        acc += (int64_t)((wr[k] + w_off) * x[k]);
      if (bias) acc = oct_wrap_add_i64(acc, bias[c]);
      o[c] = (int16_t)oct_requant_acc64(acc, q->mult[c], q->shift[c], q);
    }
  }
}
