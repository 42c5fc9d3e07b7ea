/* Reference activation kernels; see activations.h. */
#include "activations.h"

#include "../../runtime/oct_libc.h"
#include "fixed_point.h"
#include "quant_math.h"

/* ---- float ---- */

void oct_clamp_f32_ref(float lo, float hi, size_t n, const float *in,
                       float *out) {
  for (size_t i = 0; i < n; i++) {
    float v = in[i];
    v = v < lo ? lo : v;
    out[i] = v > hi ? hi : v;
  }
}

void oct_leaky_relu_f32_ref(float alpha, size_t n, const float *in,
                            float *out) {
  for (size_t i = 0; i < n; i++) out[i] = in[i] > 0.0f ? in[i] : in[i] * alpha;
}

void oct_hard_swish_f32_ref(size_t n, const float *in, float *out) {
  for (size_t i = 0; i < n; i++) {
    const float x = in[i];
    float r = x + 3.0f;
    r = r < 0.0f ? 0.0f : (r > 6.0f ? 6.0f : r);
    out[i] = x * r / 6.0f;
  }
}

float oct_logistic_f(float x) {
  return 1.0f / (1.0f + expf(-x));
}
float oct_tanh_f(float x) {
  return tanhf(x);
}

void oct_logistic_f32_ref(size_t n, const float *in, float *out) {
  for (size_t i = 0; i < n; i++) out[i] = oct_logistic_f(in[i]);
}

void oct_tanh_f32_ref(size_t n, const float *in, float *out) {
  for (size_t i = 0; i < n; i++) out[i] = tanhf(in[i]);
}

/* ---- RELU / RELU6 ---- */

static inline int32_t relu_quant(const oct_relu_quant_params *p, int32_t x) {
  const int32_t y =
      p->out_offset + oct_mbqm(x - p->in_offset, p->mult, p->shift);
  return oct_clamp_i32(y, p->act_min, p->act_max);
}

void oct_relu_s8_ref(const oct_relu_quant_params *p, size_t n, const int8_t *in,
                     int8_t *out) {
  for (size_t i = 0; i < n; i++) out[i] = (int8_t)relu_quant(p, in[i]);
}

void oct_relu_u8_ref(const oct_relu_quant_params *p, size_t n,
                     const uint8_t *in, uint8_t *out) {
  for (size_t i = 0; i < n; i++) out[i] = (uint8_t)relu_quant(p, in[i]);
}

void oct_relu_s16_ref(const oct_relu_quant_params *p, size_t n,
                      const int16_t *in, int16_t *out) {
  for (size_t i = 0; i < n; i++) out[i] = (int16_t)relu_quant(p, in[i]);
}

/* ---- LEAKY_RELU ---- */

static inline int32_t leaky_quant(const oct_leaky_relu_quant_params *p,
                                  int32_t x, int32_t lo, int32_t hi) {
  const int32_t d = x - p->in_offset;
  const int32_t y =
      p->out_offset + (d >= 0 ? oct_mbqm(d, p->mult_identity, p->shift_identity)
                              : oct_mbqm(d, p->mult_alpha, p->shift_alpha));
  return oct_clamp_i32(y, lo, hi);
}

void oct_leaky_relu_s8_ref(const oct_leaky_relu_quant_params *p, size_t n,
                           const int8_t *in, int8_t *out) {
  for (size_t i = 0; i < n; i++)
    out[i] = (int8_t)leaky_quant(p, in[i], INT8_MIN, INT8_MAX);
}

void oct_leaky_relu_u8_ref(const oct_leaky_relu_quant_params *p, size_t n,
                           const uint8_t *in, uint8_t *out) {
  for (size_t i = 0; i < n; i++)
    out[i] = (uint8_t)leaky_quant(p, in[i], 0, UINT8_MAX);
}

void oct_leaky_relu_s16_ref(const oct_leaky_relu_quant_params *p, size_t n,
                            const int16_t *in, int16_t *out) {
  for (size_t i = 0; i < n; i++)
    out[i] = (int16_t)leaky_quant(p, in[i], INT16_MIN, INT16_MAX);
}

/* ---- HARD_SWISH ---- */

/* value * 2^amount saturated to int16 (amount 0..30). */
static inline int16_t sat_shl16_any(int16_t v, int amount) {
  const int64_t r = (int64_t)v * ((int64_t)1 << amount);
  return (int16_t)(r < INT16_MIN ? INT16_MIN : (r > INT16_MAX ? INT16_MAX : r));
}

/* (a * b) / 2^15 truncated toward zero, saturating -1 * -1 (ARM SQDMULH);
 * TFLite uses it here to cancel the bias of the rounding multiplies. */
static inline int16_t sdhm16(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  return (int16_t)(((int32_t)a * b) / (1 << 15));
}

static inline int32_t hard_swish_quant(const oct_hard_swish_params *p,
                                       int32_t x, int32_t lo, int32_t hi) {
  /* x - zp fits in 9 bits, so the 2^7 upscale fits in int16. */
  const int16_t hires = (int16_t)((x - p->in_zero_point) * (1 << 7));
  const int16_t preshift_out = oct_fx_srdhm16(hires, p->out_mult);
  int16_t reluish = hires;
  /* Saturate on the last bit of left shift only, so that saturation never
   * loses precision the multiply below would have kept. */
  if (p->reluish_shift > 0)
    reluish = sat_shl16_any(reluish, p->reluish_shift - 1);
  reluish = oct_fx_srdhm16(reluish, p->reluish_mult);
  if (p->reluish_shift > 0) reluish = sat_shl16_any(reluish, 1);
  if (p->reluish_shift < 0)
    reluish = oct_fx_rdivpot16(reluish, -p->reluish_shift);
  /* [-1, 1] -> [0, 1] */
  reluish = (int16_t)(((int32_t)reluish + (1 << 15)) >> 1);
  const int16_t pre = sdhm16(reluish, preshift_out);
  /* TFLite adds the zero point in int16, wrapping. */
  const int16_t y = oct_fx_add16(oct_fx_rdivpot16(pre, -p->out_shift),
                                 oct_fx_wrap16(p->out_zero_point));
  return oct_clamp_i32(y, lo, hi);
}

void oct_hard_swish_s8_ref(const oct_hard_swish_params *p, size_t n,
                           const int8_t *in, int8_t *out) {
  for (size_t i = 0; i < n; i++)
    out[i] = (int8_t)hard_swish_quant(p, in[i], INT8_MIN, INT8_MAX);
}

void oct_hard_swish_u8_ref(const oct_hard_swish_params *p, size_t n,
                           const uint8_t *in, uint8_t *out) {
  for (size_t i = 0; i < n; i++)
    out[i] = (uint8_t)hard_swish_quant(p, in[i], 0, UINT8_MAX);
}

/* ---- 8-bit LUT ---- */

void oct_lut8_populate(float (*f)(float), float in_scale, int32_t in_zp,
                       float out_scale, int32_t out_zp, int is_signed,
                       uint8_t table[256]) {
  const float inverse_scale = 1.0f / out_scale;
  const int32_t lo = is_signed ? INT8_MIN : 0;
  const int32_t hi = is_signed ? INT8_MAX : UINT8_MAX;
  for (int32_t q = lo; q <= hi; q++) {
    /* float arithmetic throughout, as TFLite's PopulateLookupTable */
    const float x = in_scale * (float)(q - in_zp);
    const float r = roundf(f(x) * inverse_scale) + (float)out_zp;
    /* Clamped in float: TFLite truncates to int32 first, which is only
     * defined while r fits. */
    int32_t y;
    if (!(r >= (float)lo))
      y = lo; /* also NaN */
    else if (r >= (float)hi + 1.0f)
      y = hi;
    else
      y = oct_clamp_i32((int32_t)r, lo, hi);
    table[(uint8_t)(q & 0xff)] = (uint8_t)(y & 0xff);
  }
}

void oct_lut8_ref(const uint8_t table[256], size_t n, const uint8_t *in,
                  uint8_t *out) {
  for (size_t i = 0; i < n; i++) out[i] = table[in[i]];
}

/* ---- int16 LOGISTIC / TANH ---- */

/* TFLite's sigmoid_table_uint16: sigmoid(i / 24) in Q0.16 for i = 0..255,
 * with its own rounding (some entries are nudged by one against a plain
 * rounding of the formula), so it is data, not recomputed. */
static const uint16_t k_sigmoid_q16[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498,
    40149, 40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255,
    46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865,
    52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174,
    56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288,
    59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441,
    61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886,
    62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835,
    63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450,
    64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845,
    64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097,
    65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425,
    65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465,
    65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
    65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508,
    65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517, 65517, 65518,
    65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525,
    65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529,
    65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531,
    65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533,
    65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65535};

/* (x * mult + round) >> shift, wrapping like TFLite's int32 arithmetic. */
static inline int32_t rescale_input(int16_t x, int32_t mult, int32_t shift) {
  const uint32_t round = shift > 0 ? (uint32_t)1 << (shift - 1) : 0;
  const uint32_t u = (uint32_t)(int32_t)x * (uint32_t)mult + round;
  const int32_t v = u <= (uint32_t)INT32_MAX
                        ? (int32_t)u
                        : (int32_t)(u - 2147483648u) - INT32_MAX - 1;
  return v >> shift;
}

static inline uint32_t abs_u32(int32_t v) {
  return v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
}

void oct_logistic_s16_ref(int32_t mult, int32_t left_shift, size_t n,
                          const int16_t *in, int16_t *out) {
  for (size_t i = 0; i < n; i++) {
    const int32_t v = rescale_input(in[i], mult, left_shift);
    /* The table step is 1/24 and the input scale 1/(3 * 4096) after the
     * rescale, so one step is 2^9 input units. */
    const uint32_t a = abs_u32(v);
    const uint32_t uh = a >> 9;
    uint32_t r;
    if (uh >= 255) {
      r = (uint32_t)0x7FFF << 10;
    } else {
      const uint32_t ua = k_sigmoid_q16[uh], ub = k_sigmoid_q16[uh + 1];
      r = (ua << 9) + (a & 0x1ff) * (ub - ua);
    }
    r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1;
    out[i] = (int16_t)(r >> 10);
  }
}

void oct_tanh_s16_ref(int32_t mult, int32_t left_shift, size_t n,
                      const int16_t *in, int16_t *out) {
  for (size_t i = 0; i < n; i++) {
    const int32_t v = rescale_input(in[i], mult, left_shift);
    /* tanh(x) = 2 * sigmoid(2x) - 1: the same table at twice the step. */
    const uint32_t a = abs_u32(v);
    const uint32_t uh = a >> 8;
    int32_t r;
    if (uh >= 255) {
      r = 0xFFFF << 8;
    } else {
      const uint32_t ua = k_sigmoid_q16[uh], ub = k_sigmoid_q16[uh + 1];
      r = (int32_t)((ua << 8) + (a & 0xff) * (ub - ua));
    }
    r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    out[i] = (int16_t)(r >> 8);
  }
}

void oct_logistic_s16_pot_ref(size_t n, const int16_t *in, int16_t *out) {
  for (size_t i = 0; i < n; i++) out[i] = oct_fx_logistic_q3_16(in[i]);
}

void oct_tanh_s16_pot_ref(int32_t left_shift, size_t n, const int16_t *in,
                          int16_t *out) {
  for (size_t i = 0; i < n; i++) {
    const int16_t x = left_shift ? oct_fx_sat_shl16(in[i], 1) : in[i];
    out[i] = oct_fx_tanh_q3_16(x);
  }
}
