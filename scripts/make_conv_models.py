#!/usr/bin/env python3
"""Writes tests/data/conv/: single-op TFLite models of the conv family, with
inputs and the outputs real TFLite 2.9 gives on them.

Each case is one CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED or
TRANSPOSE_CONV op with random weights and awkward scales, covering the
types (float32, int8 per-channel and per-tensor, uint8 with asymmetric
weights, int16x8 with int64 bias), padding, strides, dilation, depth
multipliers, fused activations, keep_num_dims and missing biases.
tests/models/test_conv_models.c runs them through octet and requires
integer outputs to match exactly.

For each case <name> this writes <name>.tflite, <name>_in.npy and
<name>_out.npy, and lists the names in cases.txt. bad/ holds models with
one defect each that octet must refuse at load, and bad/expected.txt the
oct_status each must give. Expected outputs come
from TFLite's built-in kernels (`tflite_ref.js --engine native --xnnpack
off`, TFLite 2.9.0), so regenerating needs ../shared/tools set up:

    python3 scripts/make_conv_models.py [--shared ../shared]

Deterministic: the same script gives the same bytes. No third-party Python
packages: the flatbuffer and .npy writers are below.
"""
import argparse
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "data", "conv")

# ---- a minimal FlatBuffers writer (front to back, offsets patched) ----

SCALAR = {"u8": "<B", "i8": "<b", "bool": "<B", "i32": "<i", "u32": "<I",
          "f32": "<f", "i64": "<q"}


class Table:
    def __init__(self, fields):
        self.fields = fields  # list of (id, kind, value); kind "off" = child


class Vec:
    def __init__(self, kind, items, align=4):
        self.kind, self.items, self.align = kind, items, align


class Str:
    def __init__(self, s):
        self.s = s.encode()


class Writer:
    def __init__(self):
        self.b = bytearray()

    def pad_to(self, n, extra=0):
        while (len(self.b) + extra) % n:
            self.b.append(0)

    def write(self, node):
        if isinstance(node, Table):
            return self.table(node)
        if isinstance(node, Vec):
            return self.vec(node)
        return self.string(node)

    def string(self, s):
        self.pad_to(4)
        p = len(self.b)
        self.b += struct.pack("<I", len(s.s)) + s.s + b"\0"
        return p

    def vec(self, v):
        es = 4 if v.kind == "off" else struct.calcsize(SCALAR[v.kind])
        self.pad_to(max(4, es, v.align), 4)
        p = len(self.b)
        self.b += struct.pack("<I", len(v.items))
        if v.kind != "off":
            for x in v.items:
                self.b += struct.pack(SCALAR[v.kind], x)
            return p
        slots = []
        for _ in v.items:
            slots.append(len(self.b))
            self.b += b"\0\0\0\0"
        for slot, child in zip(slots, v.items):
            c = self.write(child)
            struct.pack_into("<I", self.b, slot, c - slot)
        return p

    def table(self, t):
        fields = sorted(t.fields, key=lambda f: -(
            4 if f[1] == "off" else struct.calcsize(SCALAR[f[1]])))
        layout, size = [], 4  # after the soffset to the vtable
        for fid, kind, val in fields:
            fs = 4 if kind == "off" else struct.calcsize(SCALAR[kind])
            size = (size + fs - 1) // fs * fs
            layout.append((fid, kind, val, size))
            size += fs
        size = (size + 3) // 4 * 4
        nids = max([f[0] for f in fields], default=-1) + 1
        vt = struct.pack("<HH", 4 + 2 * nids, size)
        offs = [0] * nids
        for fid, _, _, o in layout:
            offs[fid] = o
        vt += b"".join(struct.pack("<H", o) for o in offs)
        self.pad_to(2)
        self.pad_to(4, len(vt))
        vpos = len(self.b)
        self.b += vt
        tpos = len(self.b)
        self.b += bytearray(size)
        struct.pack_into("<i", self.b, tpos, tpos - vpos)
        children = []
        for fid, kind, val, o in layout:
            if kind == "off":
                children.append((tpos + o, val))
            else:
                struct.pack_into(SCALAR[kind], self.b, tpos + o, val)
        for slot, child in children:
            c = self.write(child)
            struct.pack_into("<I", self.b, slot, c - slot)
        return tpos

    def finish(self, root):
        self.b += b"\0\0\0\0TFL3"
        r = self.write(root)
        struct.pack_into("<I", self.b, 0, r)
        return bytes(self.b)


# ---- the TFLite schema subset used here ----

T_F32, T_I32, T_U8, T_I64, T_I16, T_I8 = 0, 2, 3, 4, 7, 9
FMT = {T_F32: "<f", T_I32: "<i", T_U8: "<B", T_I64: "<q", T_I16: "<h",
       T_I8: "<b"}
DESCR = {T_F32: "<f4", T_I32: "<i4", T_U8: "|u1", T_I64: "<i8", T_I16: "<i2",
         T_I8: "|i1"}
OP_CONV, OP_DW, OP_FC, OP_TCONV = 3, 4, 9, 67
OPT_TYPE = {OP_CONV: 1, OP_DW: 2, OP_FC: 8, OP_TCONV: 49}
SAME, VALID = 0, 1
NONE, RELU, RELU_N1, RELU6 = 0, 1, 2, 3


class Tensor:
    def __init__(self, name, ttype, shape, data=None, scales=None, zps=None,
                 qdim=0):
        self.name, self.type, self.shape = name, ttype, list(shape)
        self.data, self.scales, self.zps, self.qdim = data, scales, zps, qdim


def build_model(op, options, tensors, op_inputs, op_outputs):
    buffers = [Table([])]
    tnodes = []
    for t in tensors:
        b = 0
        if t.data is not None:
            raw = b"".join(struct.pack(FMT[t.type], v) for v in t.data)
            buffers.append(Table([(0, "off", Vec("u8", list(raw), 16))]))
            b = len(buffers) - 1
        fields = [(0, "off", Vec("i32", t.shape)), (1, "u8", t.type),
                  (2, "u32", b), (3, "off", Str(t.name))]
        if t.scales is not None:
            q = [(2, "off", Vec("f32", t.scales)),
                 (3, "off", Vec("i64", t.zps, 8)), (6, "i32", t.qdim)]
            fields.append((4, "off", Table(q)))
        tnodes.append(Table(fields))
    inputs = [i for i in op_inputs if i >= 0 and tensors[i].data is None]
    operator = Table([(0, "u32", 0), (1, "off", Vec("i32", op_inputs)),
                      (2, "off", Vec("i32", op_outputs)),
                      (3, "u8", OPT_TYPE[op]), (4, "off", Table(options))])
    subgraph = Table([(0, "off", Vec("off", tnodes)),
                      (1, "off", Vec("i32", inputs)),
                      (2, "off", Vec("i32", op_outputs)),
                      (3, "off", Vec("off", [operator])),
                      (4, "off", Str("main"))])
    opcode = Table([(0, "i8", op if op < 127 else 127), (2, "i32", 1),
                    (3, "i32", op)])
    model = Table([(0, "u32", 3), (1, "off", Vec("off", [opcode])),
                   (2, "off", Vec("off", [subgraph])),
                   (3, "off", Str("octet conv-family test")),
                   (4, "off", Vec("off", buffers))])
    return Writer().finish(model)


def write_npy(path, ttype, shape, values):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        DESCR[ttype], "".join("%d, " % d for d in shape))
    header += " " * ((-(10 + len(header) + 1)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode())
        f.write(b"".join(struct.pack(FMT[ttype], v) for v in values))


# ---- cases ----

RANGE = {T_I8: (-128, 127), T_U8: (0, 255), T_I16: (-32768, 32767)}


def prod(xs):
    n = 1
    for x in xs:
        n *= x
    return n


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def awkward(x, rng):
    """A float32 scale near x with all mantissa bits in use."""
    return f32(x * (1 + 0.37 * rng.random()))


def make_case(rng, name, op, act_type, in_shape, w_shape, bias, out_shape,
              options, per_channel=True, w_axis=0, w_zp=0, wz_range=None,
              act=NONE, out_shape_tensor=None, ties=False):
    """Builds one case; returns (name, model bytes, input tensor, input
    values)."""
    depth = prod(w_shape) // w_shape[w_axis]
    n_out_c = w_shape[w_axis]
    if act_type == T_F32:
        x = [f32(rng.uniform(-1, 1)) for _ in range(prod(in_shape))]
        w = [f32(rng.uniform(-1, 1)) for _ in range(prod(w_shape))]
        tin = Tensor("input", T_F32, in_shape)
        tw = Tensor("weights", T_F32, w_shape, w)
        tb = Tensor("bias", T_F32, [n_out_c],
                    [f32(rng.uniform(-1, 1)) for _ in range(n_out_c)])
        tout = Tensor("output", T_F32, out_shape)
    else:
        lo, hi = RANGE[act_type]
        w_type = T_U8 if act_type == T_U8 else T_I8
        s_in = awkward(0.02, rng)
        zp_in = 0 if act_type == T_I16 else rng.randint(lo + 60, hi - 60)
        x = [rng.randint(lo, hi) for _ in range(prod(in_shape))]
        if ties:
            # Small weights and a requantization multiplier near 1/40 (a
            # right shift of about 5) make rounding ties common.
            w = [w_zp + rng.randint(-4, 4) for _ in range(prod(w_shape))]
        elif w_type == T_U8:
            w = [rng.randint(0, 255) for _ in range(prod(w_shape))]
        else:
            wlo, whi = wz_range or (-127, 127)
            w = [rng.randint(wlo, whi) for _ in range(prod(w_shape))]
        nsc = n_out_c if per_channel else 1
        s_w = [awkward(0.004 * (1 + 2 * rng.random()), rng)
               for _ in range(nsc)]
        # Output scale: 3 standard deviations of the accumulator span half
        # the output range, so few outputs saturate.
        sd = math.sqrt(depth) * 0.29 * (hi - lo) * 73 * s_in * max(s_w)
        s_out = awkward(6 * sd / (hi - lo), rng)
        if ties:
            s_out = awkward(40 * s_in * max(s_w), rng)
        zp_out = 0 if act_type == T_I16 else rng.randint(lo + 40, hi - 40)
        tin = Tensor("input", act_type, in_shape, scales=[s_in], zps=[zp_in])
        tw = Tensor("weights", w_type, w_shape, w, scales=s_w,
                    zps=[w_zp] * nsc, qdim=w_axis)
        b_type = T_I64 if act_type == T_I16 else T_I32
        bmag = int(sd / (s_in * max(s_w)))
        tb = Tensor("bias", b_type, [n_out_c],
                    [rng.randint(-bmag, bmag) for _ in range(n_out_c)],
                    scales=[f32(s_in * s) for s in s_w], zps=[0] * nsc)
        tout = Tensor("output", act_type, out_shape, scales=[s_out],
                      zps=[zp_out])
    tensors = [tin, tw]
    if op == OP_TCONV:
        tensors = [Tensor("output_shape", T_I32, [4], out_shape_tensor), tw,
                   tin]
    ins = list(range(len(tensors)))
    if bias:
        tensors.append(tb)
        ins.append(len(tensors) - 1)
    elif op != OP_TCONV:
        ins.append(-1)
    tensors.append(tout)
    model = build_model(op, options, tensors, ins, [len(tensors) - 1])
    return name, model, tin, x


def conv_opts(pad, sh, sw, act, dh=1, dw=1):
    return [(0, "u8", pad), (1, "i32", sw), (2, "i32", sh), (3, "u8", act),
            (4, "i32", dw), (5, "i32", dh)]


def dw_opts(pad, sh, sw, dm, act, dh=1, dw=1):
    return [(0, "u8", pad), (1, "i32", sw), (2, "i32", sh), (3, "i32", dm),
            (4, "u8", act), (5, "i32", dw), (6, "i32", dh)]


def fc_opts(act, keep=False):
    return [(0, "u8", act), (1, "u8", 0), (2, "bool", int(keep))]


def tconv_opts(pad, sh, sw):
    return [(0, "u8", pad), (1, "i32", sw), (2, "i32", sh)]


def out_hw(pad, n, k, s, d=1):
    eff = (k - 1) * d + 1
    return (n + s - 1) // s if pad == SAME else (n - eff + s) // s


def conv_case(rng, name, t, n, h, w, c, oc, k, pad, s, d=(1, 1), act=NONE,
              bias=True, per_channel=True, ties=False):
    oh = out_hw(pad, h, k[0], s[0], d[0])
    ow = out_hw(pad, w, k[1], s[1], d[1])
    return make_case(rng, name, OP_CONV, t, [n, h, w, c], [oc, k[0], k[1], c],
                     bias, [n, oh, ow, oc],
                     conv_opts(pad, s[0], s[1], act, d[0], d[1]),
                     per_channel=per_channel, w_zp=131 if t == T_U8 else 0,
                     ties=ties)


def dw_case(rng, name, t, n, h, w, c, dm, k, pad, s, d=(1, 1), act=NONE,
            bias=True, per_channel=True, ties=False):
    oh = out_hw(pad, h, k[0], s[0], d[0])
    ow = out_hw(pad, w, k[1], s[1], d[1])
    return make_case(rng, name, OP_DW, t, [n, h, w, c], [1, k[0], k[1], c * dm],
                     bias, [n, oh, ow, c * dm],
                     dw_opts(pad, s[0], s[1], dm, act, d[0], d[1]),
                     per_channel=per_channel, w_axis=3,
                     w_zp=119 if t == T_U8 else 0, ties=ties)


def fc_case(rng, name, t, in_shape, units, act=NONE, bias=True, keep=False,
            per_channel=False, w_zp=0, wz_range=None, ties=False):
    depth = in_shape[-1]
    out = (in_shape[:-1] + [units]) if keep else \
        [prod(in_shape) // depth, units]
    return make_case(rng, name, OP_FC, t, in_shape, [units, depth], bias, out,
                     fc_opts(act, keep), per_channel=per_channel,
                     w_zp=w_zp if t != T_U8 else 140, wz_range=wz_range,
                     ties=ties)


def tconv_case(rng, name, t, n, h, w, c, oc, k, pad, s, out_hw_, bias=True,
               per_channel=True, ties=False):
    shape = [n, out_hw_[0], out_hw_[1], oc]
    return make_case(rng, name, OP_TCONV, t, [n, h, w, c], [oc, k[0], k[1], c],
                     bias, shape, tconv_opts(pad, s[0], s[1]),
                     per_channel=per_channel, w_zp=127 if t == T_U8 else 0,
                     out_shape_tensor=shape, ties=ties)


def cases(rng):
    yield conv_case(rng, "conv_s8_pc_same_s2_relu", T_I8, 1, 9, 11, 5, 6,
                    (3, 3), SAME, (2, 2), act=RELU)
    yield conv_case(rng, "conv_s8_pc_valid_dil", T_I8, 2, 10, 9, 3, 4, (3, 2),
                    VALID, (1, 1), d=(2, 3))
    yield conv_case(rng, "conv_s8_pt_same_relu6", T_I8, 1, 7, 8, 4, 5, (2, 3),
                    SAME, (1, 2), act=RELU6, per_channel=False)
    yield conv_case(rng, "conv_s8_pc_1x1_relun1", T_I8, 1, 6, 5, 16, 8,
                    (1, 1), VALID, (1, 1), act=RELU_N1)
    yield conv_case(rng, "conv_u8_same_relu6", T_U8, 1, 8, 7, 3, 4, (3, 3),
                    SAME, (1, 1), act=RELU6, per_channel=False)
    yield conv_case(rng, "conv_u8_valid_s2", T_U8, 2, 11, 10, 2, 3, (5, 4),
                    VALID, (2, 3), per_channel=False)
    yield conv_case(rng, "conv_s16_pc_same_s2_relu", T_I16, 1, 9, 10, 4, 5,
                    (3, 3), SAME, (2, 2), act=RELU)
    yield conv_case(rng, "conv_s16_pc_valid_dil", T_I16, 1, 8, 9, 3, 2,
                    (2, 3), VALID, (1, 1), d=(3, 2))
    yield conv_case(rng, "conv_f32_same_dil_relu6", T_F32, 1, 9, 8, 3, 4,
                    (3, 3), SAME, (1, 1), d=(2, 2), act=RELU6)
    yield conv_case(rng, "conv_f32_valid_s2", T_F32, 2, 10, 11, 2, 3, (4, 3),
                    VALID, (2, 3))
    yield dw_case(rng, "dw_s8_pc_dm1_same_s2_relu6", T_I8, 1, 9, 10, 6, 1,
                  (3, 3), SAME, (2, 2), act=RELU6)
    yield dw_case(rng, "dw_s8_pc_dm3_valid_dil", T_I8, 2, 9, 8, 2, 3, (3, 2),
                  VALID, (1, 1), d=(2, 3))
    yield dw_case(rng, "dw_s8_pt_same", T_I8, 1, 7, 7, 4, 2, (3, 3), SAME,
                  (1, 1), per_channel=False)
    yield dw_case(rng, "dw_u8_dm2_same_relu", T_U8, 1, 8, 9, 3, 2, (3, 3),
                  SAME, (2, 1), act=RELU, per_channel=False)
    yield dw_case(rng, "dw_s16_pc_same", T_I16, 1, 8, 7, 5, 1, (3, 3), SAME,
                  (1, 1))
    yield dw_case(rng, "dw_f32_dm2_same_s2_relu", T_F32, 1, 9, 9, 3, 2,
                  (3, 3), SAME, (2, 2), act=RELU)
    yield fc_case(rng, "fc_s8_rank3_relu", T_I8, [3, 2, 12], 10, act=RELU)
    yield fc_case(rng, "fc_s8_keep_dims_nobias", T_I8, [2, 3, 16], 7,
                  keep=True, bias=False)
    yield fc_case(rng, "fc_s8_wzp", T_I8, [2, 20], 9, w_zp=3,
                  wz_range=(-120, 120))
    yield fc_case(rng, "fc_u8_relu6", T_U8, [2, 24], 6, act=RELU6)
    yield fc_case(rng, "fc_s16", T_I16, [3, 18], 5)
    yield fc_case(rng, "fc_f32_rank4_relu", T_F32, [2, 1, 3, 8], 5, act=RELU)
    yield tconv_case(rng, "tconv_s8_pc_same_s2", T_I8, 1, 4, 5, 3, 4, (3, 3),
                     SAME, (2, 2), (8, 10))
    yield tconv_case(rng, "tconv_s8_pc_valid_s2", T_I8, 1, 4, 3, 2, 3, (3, 2),
                     VALID, (2, 3), (9, 8), bias=False)
    yield tconv_case(rng, "tconv_u8_same_s2", T_U8, 1, 3, 4, 2, 3, (3, 3),
                     SAME, (2, 2), (6, 8), per_channel=False)
    yield tconv_case(rng, "tconv_s16_pc_same_s2", T_I16, 1, 3, 5, 4, 2,
                     (4, 4), SAME, (2, 2), (6, 10))
    yield tconv_case(rng, "tconv_f32_same_s2", T_F32, 2, 3, 4, 2, 3, (3, 3),
                     SAME, (2, 2), (6, 8))
    # Rounding ties in bulk: CONV_2D and FULLY_CONNECTED round them up in
    # TFLite 2.9 on x86, DEPTHWISE_CONV_2D and TRANSPOSE_CONV away from 0.
    yield conv_case(rng, "ties_conv_s8_pc", T_I8, 1, 16, 16, 2, 8, (2, 2),
                    SAME, (1, 1), ties=True)
    yield conv_case(rng, "ties_conv_u8", T_U8, 1, 16, 16, 2, 8, (2, 2), SAME,
                    (1, 1), per_channel=False, ties=True)
    yield fc_case(rng, "ties_fc_s8", T_I8, [128, 4], 16, ties=True)
    yield fc_case(rng, "ties_fc_u8", T_U8, [128, 4], 16, ties=True)
    yield dw_case(rng, "ties_dw_s8_pc", T_I8, 1, 16, 16, 4, 2, (3, 3), SAME,
                  (1, 1), ties=True)
    yield dw_case(rng, "ties_dw_u8", T_U8, 1, 16, 16, 4, 2, (3, 3), SAME,
                  (1, 1), per_channel=False, ties=True)
    yield tconv_case(rng, "ties_tconv_s8_pc", T_I8, 1, 8, 8, 2, 8, (2, 2),
                     SAME, (2, 2), (16, 16), ties=True)
    yield tconv_case(rng, "ties_tconv_u8", T_U8, 1, 8, 8, 2, 8, (2, 2), SAME,
                     (2, 2), (16, 16), per_channel=False, ties=True)


# ---- models octet must refuse at load (no TFLite run needed) ----

# oct_status values (include/octet/octet.h).
MODEL, UNSUPPORTED, SHAPE, TYPE, LIMIT = 2, 3, 5, 6, 7


def q8(name, t, shape, data=None, scale=0.05, zp=0, scales=None, qdim=0):
    sc = scales if scales is not None else [scale]
    return Tensor(name, t, shape, data, scales=sc, zps=[zp] * len(sc),
                  qdim=qdim)


def bad_conv(op=OP_CONV, options=None, in_t=T_I8, w_t=T_I8, b_t=T_I32,
             out_t=None, in_shape=(1, 5, 5, 2), w_shape=(3, 3, 3, 2),
             b_len=None, out_shape=None, w_scales=None, w_qdim=0, w_zp=0,
             in_zp=0, out_scale=0.1, in_scale=0.05):
    """A small quantized conv-family model with one thing broken."""
    out_t = in_t if out_t is None else out_t
    oc = w_shape[3] if op == OP_DW else w_shape[0]
    b_len = oc if b_len is None else b_len
    if out_shape is None:
        out_shape = (1, 3, 3, oc) if op != OP_FC else (1, oc)
    if options is None:
        options = {OP_CONV: conv_opts(VALID, 1, 1, NONE),
                   OP_DW: dw_opts(VALID, 1, 1, 1, NONE),
                   OP_FC: fc_opts(NONE)}[op]
    nw = prod(w_shape)
    w = [1] * nw
    if w_t == T_F32:
        tw = Tensor("weights", T_F32, w_shape, [0.5] * nw)
    else:
        tw = q8("weights", w_t, w_shape, w, 0.01, w_zp, w_scales, w_qdim)
    if in_t == T_F32:
        tin = Tensor("input", T_F32, in_shape)
        tout = Tensor("output", out_t, out_shape)
    else:
        tin = q8("input", in_t, in_shape, scale=in_scale, zp=in_zp)
        tout = q8("output", out_t, out_shape, scale=out_scale)
    tb = Tensor("bias", b_t, [b_len], [0] * b_len)
    return build_model(op, options, [tin, tw, tb, tout], [0, 1, 2], [3])


def bad_models():
    yield "conv_stride_0", MODEL, bad_conv(
        options=conv_opts(VALID, 0, 1, NONE))
    yield "conv_dilation_huge", LIMIT, bad_conv(
        options=conv_opts(SAME, 1, 1, NONE, 1 << 30, 1))
    yield "conv_padding_unknown", MODEL, bad_conv(
        options=conv_opts(7, 1, 1, NONE))
    yield "conv_filter_too_big_valid", SHAPE, bad_conv(
        w_shape=(3, 7, 3, 2), out_shape=(1, 1, 3, 3))
    yield "conv_channels_mismatch", SHAPE, bad_conv(w_shape=(3, 3, 3, 3))
    yield "conv_grouped", UNSUPPORTED, bad_conv(
        in_shape=(1, 5, 5, 4), w_shape=(3, 3, 3, 2))
    yield "conv_output_shape_wrong", SHAPE, bad_conv(out_shape=(1, 4, 3, 3))
    yield "conv_bias_length", SHAPE, bad_conv(b_len=4)
    yield "conv_bias_type", TYPE, bad_conv(b_t=T_I64)
    yield "conv_weights_type", TYPE, bad_conv(w_t=T_U8)
    yield "conv_output_type", TYPE, bad_conv(out_t=T_U8)
    # hybrid (float input, int8 weights) runs, but needs a float32 bias
    yield "conv_hybrid", TYPE, bad_conv(in_t=T_F32, out_t=T_F32)
    yield "conv_scale_zero", MODEL, bad_conv(w_scales=[0.01, 0.0, 0.01])
    yield "conv_scale_negative", MODEL, bad_conv(w_scales=[-0.01])
    yield "conv_input_scale_zero", MODEL, bad_conv(in_scale=0.0)
    yield "conv_per_channel_axis", MODEL, bad_conv(
        w_shape=(3, 3, 3, 3), in_shape=(1, 5, 5, 3), w_scales=[0.1] * 3,
        w_qdim=3)
    yield "conv_weight_zero_point", UNSUPPORTED, bad_conv(w_zp=3)
    yield "conv_act_tanh", UNSUPPORTED, bad_conv(
        options=conv_opts(VALID, 1, 1, 4))
    yield "conv_s16_input_zp", MODEL, bad_conv(in_t=T_I16, b_t=T_I64,
                                               in_zp=5)
    yield "conv_s16_scale_huge", UNSUPPORTED, bad_conv(
        in_t=T_I16, b_t=T_I64, in_scale=1e3, out_scale=1e-6)
    yield "conv_u8_input_zp_range", MODEL, bad_conv(
        in_t=T_U8, w_t=T_U8, in_zp=300)
    yield "conv_rank3", SHAPE, bad_conv(in_shape=(5, 5, 2))
    yield "dw_channels", SHAPE, bad_conv(
        op=OP_DW, w_shape=(1, 3, 3, 3), out_shape=(1, 3, 3, 3))
    yield "dw_filter_dim0", SHAPE, bad_conv(
        op=OP_DW, w_shape=(2, 3, 3, 2), out_shape=(1, 3, 3, 2))
    yield "fc_depth", SHAPE, bad_conv(
        op=OP_FC, in_shape=(1, 7), w_shape=(3, 4))
    yield "fc_weights_rank", SHAPE, bad_conv(
        op=OP_FC, in_shape=(1, 8), w_shape=(3, 4, 2))
    yield "fc_shuffled", UNSUPPORTED, bad_conv(
        op=OP_FC, in_shape=(1, 8), w_shape=(3, 8),
        options=[(0, "u8", 0), (1, "u8", 1)])
    yield "fc_output_shape", SHAPE, bad_conv(
        op=OP_FC, in_shape=(2, 8), w_shape=(3, 8), out_shape=(1, 3))
    # TRANSPOSE_CONV whose constant output_shape disagrees with its output.
    tw = q8("weights", T_I8, (2, 3, 3, 2), [1] * 36, 0.01)
    tin = q8("input", T_I8, (1, 3, 3, 2))
    tout = q8("output", T_I8, (1, 6, 6, 2), scale=0.1)
    shape = Tensor("output_shape", T_I32, [4], [1, 7, 6, 2])
    yield "tconv_output_shape", SHAPE, build_model(
        OP_TCONV, tconv_opts(SAME, 2, 2), [shape, tw, tin, tout], [0, 1, 2],
        [3])
    shape = Tensor("output_shape", T_I32, [4], [1, 6, 6, 2])
    yield "tconv_stride_0", MODEL, build_model(
        OP_TCONV, tconv_opts(SAME, 0, 2), [shape, tw, tin, tout], [0, 1, 2],
        [3])
    yield "tconv_shape_type", MODEL, build_model(
        OP_TCONV, tconv_opts(SAME, 2, 2),
        [Tensor("output_shape", T_I64, [4], [1, 6, 6, 2]), tw, tin, tout],
        [0, 1, 2], [3])


def write_bad():
    bad_dir = os.path.join(OUT, "bad")
    os.makedirs(bad_dir, exist_ok=True)
    for f in os.listdir(bad_dir):
        os.remove(os.path.join(bad_dir, f))
    lines = []
    for name, status, model in bad_models():
        with open(os.path.join(bad_dir, name + ".tflite"), "wb") as f:
            f.write(model)
        lines.append("%s %d\n" % (name, status))
    with open(os.path.join(bad_dir, "expected.txt"), "w") as f:
        f.write("".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--bad-only", action="store_true",
                    help="only rewrite bad/ (needs no TFLite)")
    args = ap.parse_args()
    write_bad()
    if args.bad_only:
        return 0
    ref = os.path.join(args.shared, "tools", "tflite_ref.js")
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith((".tflite", ".npy")) or f == "cases.txt":
            os.remove(os.path.join(OUT, f))
    rng = random.Random(20240601)
    names = []
    tmp = tempfile.mkdtemp()
    try:
        for name, model, tin, x in cases(rng):
            base = os.path.join(OUT, name)
            with open(base + ".tflite", "wb") as f:
                f.write(model)
            write_npy(base + "_in.npy", tin.type, tin.shape, x)
            r = subprocess.run(
                ["node", ref, base + ".tflite", "--in", base + "_in.npy",
                 "--out-dir", tmp, "--engine", "native", "--xnnpack", "off"],
                capture_output=True, text=True)
            if r.returncode != 0:
                sys.stderr.write("%s: TFLite failed:\n%s%s" %
                                 (name, r.stdout, r.stderr))
                return 1
            shutil.move(os.path.join(tmp, "output_0.npy"), base + "_out.npy")
            names.append(name)
            print(name)
    finally:
        shutil.rmtree(tmp)
    with open(os.path.join(OUT, "cases.txt"), "w") as f:
        f.write("".join(n + "\n" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
