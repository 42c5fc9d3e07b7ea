#!/usr/bin/env python3
"""Writes tests/data/bad/: damaged and hostile variants of a small real model.

Each file is the TFLM hello_world int8 model (tests/data/models/) with one
defect: truncations, flipped bytes, and targeted corruptions of the
flatbuffer (offsets outside the file, vectors longer than the file, strings
without a terminator, huge or negative dimensions, unknown types, indices
out of range, inconsistent quantization). octet must reject every one with
an error; tests/runtime/test_bad_models.c checks that, and CI runs it under
the sanitizers. Deterministic: running it again gives the same bytes.
"""
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "tests", "data", "models", "hello_world_int8.tflite")
OUT = os.path.join(ROOT, "tests", "data", "bad")


def u32(b, p): return struct.unpack_from("<I", b, p)[0]
def i32(b, p): return struct.unpack_from("<i", b, p)[0]
def u16(b, p): return struct.unpack_from("<H", b, p)[0]


class Table:
    """Just enough of a FlatBuffers reader to find fields to corrupt."""

    def __init__(self, buf, pos):
        self.buf, self.pos = buf, pos
        self.vt = pos - i32(buf, pos)
        self.vt_size = u16(buf, self.vt)

    def field_pos(self, f):
        e = 4 + 2 * f
        if e + 2 > self.vt_size:
            return None
        o = u16(self.buf, self.vt + e)
        return self.pos + o if o else None

    def ref(self, f):
        """Position of the uoffset slot of field f and its target."""
        p = self.field_pos(f)
        return (p, p + u32(self.buf, p)) if p is not None else (None, None)

    def table(self, f):
        _, t = self.ref(f)
        return Table(self.buf, t) if t is not None else None

    def vector(self, f):
        _, v = self.ref(f)
        return v  # position of the length word

    def vec_table(self, f, i):
        v = self.vector(f)
        slot = v + 4 + 4 * i
        return Table(self.buf, slot + u32(self.buf, slot))


def main():
    base = open(SRC, "rb").read()
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name.endswith(".tflite"):
            os.remove(os.path.join(OUT, name))
    out = {}
    n = len(base)

    for k, cut in enumerate([0, 3, 7, 8, 16, 64, n // 4, n // 2, n - 100, n - 1]):
        out["truncated_%02d_at_%d" % (k, cut)] = base[:cut]
    for k in range(12):
        pos = (k * 2654435761) % n
        b = bytearray(base)
        b[pos] ^= 0xFF
        out["flip_%02d_at_%d" % (k, pos)] = bytes(b)

    def mutate(name, fn):
        b = bytearray(base)
        fn(b)
        out[name] = bytes(b)

    root = Table(base, u32(base, 0))
    sg = root.vec_table(2, 0)
    tensors_vec = sg.vector(0)
    tensor0 = sg.vec_table(0, 0)
    op0 = sg.vec_table(3, 0)
    # A quantized tensor (the int8 input) and a constant one (a weight).
    qt = next(sg.vec_table(0, i) for i in range(u32(base, tensors_vec))
              if sg.vec_table(0, i).field_pos(4) is not None)

    mutate("identifier_wrong", lambda b: b.__setitem__(slice(4, 8), b"TFL2"))
    mutate("root_offset_outside", lambda b: struct.pack_into("<I", b, 0, n + 1000))
    mutate("root_offset_huge", lambda b: struct.pack_into("<I", b, 0, 0xFFFFFFF0))
    mutate("vtable_offset_outside",
           lambda b: struct.pack_into("<i", b, root.pos, -(n * 4)))
    mutate("vtable_size_huge",
           lambda b: struct.pack_into("<H", b, root.vt, 0xFFFE))
    mutate("version_2", lambda b: struct.pack_into("<I", b, root.field_pos(0), 2))
    p, _ = root.ref(2)
    mutate("subgraphs_offset_outside", lambda b: struct.pack_into("<I", b, p, n * 2))
    mutate("subgraphs_vector_huge",
           lambda b: struct.pack_into("<I", b, root.vector(2), 0x10000000))
    mutate("tensors_vector_huge",
           lambda b: struct.pack_into("<I", b, tensors_vec, 0x7FFFFFFF))
    shape = tensor0.vector(0)
    mutate("shape_dim_negative", lambda b: struct.pack_into("<i", b, shape + 4, -5))
    mutate("shape_dim_huge", lambda b: struct.pack_into("<i", b, shape + 4, 0x7FFFFFFF))
    mutate("shape_dim_zero", lambda b: struct.pack_into("<i", b, shape + 4, 0))
    mutate("shape_rank_huge", lambda b: struct.pack_into("<I", b, shape, 1000000))
    mutate("shape_rank_9", lambda b: struct.pack_into("<I", b, shape, 9))
    mutate("tensor_type_unknown",
           lambda b: b.__setitem__(tensor0.field_pos(1), 99))
    mutate("tensor_buffer_out_of_range",
           lambda b: struct.pack_into("<I", b, tensor0.field_pos(2), 100000))
    name_vec = tensor0.vector(3)
    nlen = u32(base, name_vec)
    mutate("name_without_terminator",
           lambda b: struct.pack_into("<I", b, name_vec, nlen + 1))
    mutate("name_length_huge",
           lambda b: struct.pack_into("<I", b, name_vec, 0xFFFFFF00))
    q = qt.table(4)
    scales = q.vector(2)
    mutate("quant_scale_nan",
           lambda b: struct.pack_into("<f", b, scales + 4, float("nan")))
    mutate("quant_scale_inf",
           lambda b: struct.pack_into("<f", b, scales + 4, float("inf")))
    zps = q.vector(3)
    mutate("quant_zero_point_huge",
           lambda b: struct.pack_into("<q", b, zps + 4, 1 << 40))
    mutate("quant_scale_count_huge",
           lambda b: struct.pack_into("<I", b, scales, 0x40000000))
    op_in = op0.vector(1)
    mutate("op_input_out_of_range",
           lambda b: struct.pack_into("<i", b, op_in + 4, 5000))
    mutate("op_input_negative",
           lambda b: struct.pack_into("<i", b, op_in + 4, -7))
    mutate("op_input_count_huge",
           lambda b: struct.pack_into("<I", b, op_in, 0x20000000))
    op_out = op0.vector(2)
    mutate("op_output_out_of_range",
           lambda b: struct.pack_into("<i", b, op_out + 4, 1 << 20))
    mutate("op_output_is_input",  # writes the model input: not SSA
           lambda b: struct.pack_into("<i", b, op_out + 4,
                                      i32(base, sg.vector(1) + 4)))
    mutate("op_output_is_constant",  # writes a weight tensor
           lambda b: struct.pack_into("<i", b, op_out + 4, i32(base, op_in + 8)))
    n_ops = u32(base, sg.vector(3))
    with_opcode = [sg.vec_table(3, i) for i in range(n_ops)
                   if sg.vec_table(3, i).field_pos(0) is not None]
    if with_opcode:
        mutate("op_opcode_out_of_range",
               lambda b: struct.pack_into("<I", b, with_opcode[0].field_pos(0), 77))
    mutate("op_reads_undefined",  # op 0 reads op 2's output
           lambda b: struct.pack_into("<i", b, op_in + 4,
                                      i32(base, sg.vec_table(3, 2).vector(2) + 4)))
    sg_in = sg.vector(1)
    mutate("model_input_out_of_range",
           lambda b: struct.pack_into("<i", b, sg_in + 4, 123456))
    mutate("model_output_out_of_range",
           lambda b: struct.pack_into("<i", b, sg.vector(2) + 4, -1))
    opc = root.vec_table(1, 0)
    if opc.field_pos(3) is not None:
        mutate("opcode_builtin_unknown",
               lambda b: struct.pack_into("<i", b, opc.field_pos(3), 100000))
        mutate("opcode_custom",
               lambda b: struct.pack_into("<i", b, opc.field_pos(3), 32))
    # The weight buffer of op 0 made shorter than its shape needs.
    w = sg.vec_table(0, i32(base, op_in + 8))
    buf_index = u32(base, w.field_pos(2))
    bt = root.vec_table(4, buf_index)
    data = bt.vector(0)
    mutate("buffer_shorter_than_shape",
           lambda b: struct.pack_into("<I", b, data, u32(base, data) - 1))
    mutate("buffer_longer_than_file",
           lambda b: struct.pack_into("<I", b, data, n))

    for name, data in sorted(out.items()):
        with open(os.path.join(OUT, name + ".tflite"), "wb") as f:
            f.write(data)
    print("wrote %d files to %s" % (len(out), OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
