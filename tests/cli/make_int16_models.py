#!/usr/bin/env python3
"""Writes single-op int16 models (symmetric int16 activations, zero point
0, as TFLite's 16x8 quantization makes them) for the ops whose int16 paths
tests/data/conv and tests/kernels/tflite_cases.h do not already check
against TFLite: pooling, MEAN, QUANTIZE int16 -> int16, resizing and the
data movement ops. Also their inputs, random over the whole int16 range.
TFLite 2.9 has no int16 ARG_MAX, DEPTH_TO_SPACE, HARD_SWISH, or QUANTIZE
int8 -> int16 (octet refuses that one too).

Usage: make_int16_models.py OUTDIR. Writes <name>.tflite and
<name>_in<i>.npy per case, and OUTDIR/cases.txt with "name n_inputs
n_outputs" lines.
test_int16_tflite.sh runs each case in TFLite and octet and compares the
outputs bit for bit. Standard library only; the flatbuffer writer is
scripts/make_conv_models.py's.
"""
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import make_conv_models as m  # noqa: E402

T16, T32, T8 = m.T_I16, m.T_I32, m.T_I8
Tensor = m.Tensor

# builtin operator codes and their BuiltinOptions union types
AVG, MAX, MEAN, PAD, CONCAT, RESHAPE, SSLICE, TRANSPOSE = 1, 17, 40, 34, 2, 22, 45, 39
SLICE, RESIZE_NN, QUANT = 65, 97, 114
SPLIT, SQUEEZE, EXPAND, RESIZE_BL = 49, 43, 70, 23
m.OPT_TYPE.update({AVG: 5, MAX: 5, MEAN: 27, PAD: 22, CONCAT: 10,
                   RESHAPE: 17, SSLICE: 32, TRANSPOSE: 26, SLICE: 48,
                   RESIZE_NN: 74, QUANT: 89,
                   SPLIT: 35, SQUEEZE: 30, EXPAND: 52,
                   RESIZE_BL: 15})


def act(name, shape, scale, t=T16):
    return Tensor(name, t, shape, scales=[scale], zps=[0])


def const(name, values, shape=None):
    return Tensor(name, T32, shape if shape is not None else [len(values)],
                  list(values))


def pool(pad, sw, sh, fw, fh, act_=0):
    return [(0, "u8", pad), (1, "i32", sw), (2, "i32", sh), (3, "i32", fw),
            (4, "i32", fh), (5, "u8", act_)]


def cases():
    s = m.f32(0.00123)
    # name, op, options, tensors (op inputs first, output last)
    yield ("avg_same_s2", AVG, pool(m.SAME, 2, 2, 3, 3),
           [act("x", [1, 9, 10, 3], s), act("y", [1, 5, 5, 3], s)])
    yield ("avg_valid_relu6", AVG, pool(m.VALID, 1, 2, 2, 3, m.RELU6),
           [act("x", [2, 7, 6, 4], s), act("y", [2, 3, 5, 4], s)])
    yield ("max_same_s2", MAX, pool(m.SAME, 2, 2, 3, 3),
           [act("x", [1, 9, 10, 3], s), act("y", [1, 5, 5, 3], s)])
    yield ("max_valid_relu", MAX, pool(m.VALID, 2, 1, 3, 2, m.RELU),
           [act("x", [1, 8, 9, 2], s), act("y", [1, 7, 4, 2], s)])
    yield ("mean_hw_keep", MEAN, [(0, "bool", 1)],
           [act("x", [1, 6, 7, 5], s), const("axes", [1, 2]),
            act("y", [1, 1, 1, 5], m.f32(0.00071))])
    yield ("mean_c_same_scale", MEAN, [(0, "bool", 0)],
           [act("x", [2, 3, 8], s), const("axes", [2]), act("y", [2, 3], s)])
    yield ("mean_hw_big", MEAN, [(0, "bool", 1)],
           [act("x", [1, 16, 16, 8], s), const("axes", [1, 2]),
            act("y", [1, 1, 1, 8], m.f32(0.0000173))])
    yield ("mean_axes_0_2", MEAN, [(0, "bool", 0)],
           [act("x", [3, 4, 5], s), const("axes", [0, -1]),
            act("y", [4], m.f32(0.0009))])
    yield ("max_same_relun1", MAX, pool(m.SAME, 1, 1, 2, 2, m.RELU_N1),
           [act("x", [1, 5, 4, 3], m.f32(0.0001)),
            act("y", [1, 5, 4, 3], m.f32(0.0001))])
    yield ("avg_big_filter", AVG, pool(m.VALID, 3, 3, 7, 5),
           [act("x", [1, 11, 14, 2], s), act("y", [1, 3, 3, 2], s)])
    yield ("pad", PAD, [],
           [act("x", [1, 3, 4, 2], s),
            const("paddings", [0, 0, 1, 2, 2, 0, 0, 1], [4, 2]),
            act("y", [1, 6, 6, 3], s)])
    yield ("concat_axis3", CONCAT, [(0, "i32", 3), (1, "u8", 0)],
           [act("a", [1, 2, 3, 2], s), act("b", [1, 2, 3, 3], s),
            act("y", [1, 2, 3, 5], s)])
    yield ("reshape", RESHAPE, [],
           [act("x", [2, 3, 4], s), const("shape", [4, 6]),
            act("y", [4, 6], s)])
    yield ("strided_slice", SSLICE, [(0, "i32", 0), (1, "i32", 0)],
           [act("x", [1, 7, 6, 3], s), const("begin", [0, 1, 5, 0]),
            const("end", [1, 7, 0, 3]), const("strides", [1, 2, -2, 1]),
            act("y", [1, 3, 3, 3], s)])
    yield ("transpose", TRANSPOSE, [],
           [act("x", [2, 3, 4, 5], s), const("perm", [0, 3, 1, 2]),
            act("y", [2, 5, 3, 4], s)])
    yield ("slice", SLICE, [],
           [act("x", [3, 5, 4], s), const("begin", [1, 0, 1]),
            const("size", [2, -1, 2]), act("y", [2, 5, 2], s)])
    yield ("resize_nn_half_pixel", RESIZE_NN, [(0, "bool", 0), (1, "bool", 1)],
           [act("x", [1, 3, 4, 2], s), const("size", [7, 5]),
            act("y", [1, 7, 5, 2], s)])
    yield ("split_axis1", SPLIT, [(0, "i32", 3)],
           [const("axis", [1], []), act("x", [2, 6, 4], s),
            act("y0", [2, 2, 4], s), act("y1", [2, 2, 4], s),
            act("y2", [2, 2, 4], s)], 3)
    yield ("squeeze", SQUEEZE, [(0, "off", m.Vec("i32", [0, 2]))],
           [act("x", [1, 5, 1, 3], s), act("y", [5, 3], s)])
    yield ("expand_dims", EXPAND, [],
           [act("x", [4, 3], s), const("axis", [1], []), act("y", [4, 1, 3], s)])
    yield ("resize_bilinear_half_pixel", RESIZE_BL,
           [(2, "bool", 0), (3, "bool", 1)],
           [act("x", [1, 3, 4, 2], s), const("size", [7, 9]),
            act("y", [1, 7, 9, 2], s)])
    yield ("resize_bilinear_align", RESIZE_BL, [(2, "bool", 1), (3, "bool", 0)],
           [act("x", [1, 4, 3, 3], s), const("size", [7, 8]),
            act("y", [1, 7, 8, 3], s)])
    yield ("quantize_s16_to_s16", QUANT, [],
           [act("x", [500], s), act("y", [500], m.f32(0.00071))])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(16)
    lines = []
    for case in cases():
        name, op, opts, tensors = case[:4]
        n_out = case[4] if len(case) > 4 else 1
        n = len(tensors)
        ins = list(range(n - n_out))
        model = m.build_model(op, opts, tensors, ins, list(range(n - n_out, n)))
        with open(os.path.join(out, name + ".tflite"), "wb") as f:
            f.write(model)
        n_in = 0
        for t in tensors[:n - n_out]:
            if t.data is not None:
                continue
            lo, hi = m.RANGE[t.type]
            vals = [rng.randint(lo, hi) for _ in range(m.prod(t.shape))]
            m.write_npy(os.path.join(out, "%s_in%d.npy" % (name, n_in)),
                        t.type, t.shape, vals)
            n_in += 1
        lines.append("%s %d %d\n" % (name, n_in, n_out))
    with open(os.path.join(out, "cases.txt"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
