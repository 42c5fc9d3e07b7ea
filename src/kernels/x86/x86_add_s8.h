/* AVX-512 or AVX2 int8 and uint8 ADD with the reference kernel's signature and results
 * (oct_add_s8_ref); the caller checks the CPU has AVX2; AVX-512
 * is used when usable. */
#ifndef OCT_KERNELS_X86_ADD_S8_H
#define OCT_KERNELS_X86_ADD_S8_H

#include "../ref/binary.h"

void oct_x86_add_s8(const oct_add_quant_params *p, const oct_bcast_shape *b,
                    const int8_t *in1, const int8_t *in2, int8_t *out);

void oct_x86_add_u8(const oct_add_quant_params *p, const oct_bcast_shape *b,
                    const uint8_t *in1, const uint8_t *in2, uint8_t *out);

#endif /* OCT_KERNELS_X86_ADD_S8_H */
