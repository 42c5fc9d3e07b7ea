#!/usr/bin/env python3
"""Generates tflite_cases.h: single-op test cases with the outputs of
TFLite 2.9's built-in kernels (the bit-exactness reference for octet's
elementwise ops).

Each case is one op on tensors with given types, shapes, quantization and
options; its inputs come from deterministic generators that the C test
(elementwise_cases.h) reproduces exactly. The script builds the .tflite
model, runs it with `../shared/tools/tflite_ref.js --engine native
--xnnpack off`, and records an FNV-1a hash and the first values of each
output, or that TFLite rejects the model.

Usage: python3 tests/kernels/gen_tflite_cases.py [--shared DIR]
Needs only the Python standard library, node, and ../shared/tools set up.
"""
import argparse, os, struct, subprocess, sys, tempfile

class B:
    def __init__(self):
        self.buf = bytearray()
    def t(self):
        return len(self.buf)
    def pad(self, n):
        self.buf[0:0] = b'\0' * n
    def prep(self, align, add):
        p = (-(len(self.buf) + add)) % align
        self.pad(p)
    def raw(self, b):
        self.buf[0:0] = b
    def vec_scalar(self, fmt, vals, align=4):
        es = struct.calcsize('<' + fmt)
        self.prep(max(4, es, align), es * len(vals))
        self.raw(struct.pack('<%d%s' % (len(vals), fmt), *vals))
        self.prep(4, 4)
        self.raw(struct.pack('<I', len(vals)))
        return self.t()
    def vec_bytes(self, data, align=16):
        self.prep(max(4, align), len(data))
        self.raw(bytes(data))
        self.prep(4, 4)
        self.raw(struct.pack('<I', len(data)))
        return self.t()
    def string(self, s):
        b = s.encode() + b'\0'
        self.prep(4, len(b))
        self.raw(b)
        self.prep(4, 4)
        self.raw(struct.pack('<I', len(b) - 1))
        return self.t()
    def vec_off(self, offs):
        self.prep(4, 4 * len(offs))
        for o in reversed(offs):
            self.raw(struct.pack('<I', self.t() + 4 - o))
        self.prep(4, 4)
        self.raw(struct.pack('<I', len(offs)))
        return self.t()
    def table(self, fields):
        """fields: list of (id, fmt, value) where fmt is a struct char or 'off'."""
        start = self.t()
        locs = {}
        for fid, fmt, val in sorted(fields, key=lambda f: -struct.calcsize('<' + ('I' if f[1] == 'off' else f[1]))):
            if fmt == 'off':
                self.prep(4, 4)
                self.raw(struct.pack('<I', self.t() + 4 - val))
            else:
                sz = struct.calcsize('<' + fmt)
                self.prep(sz, sz)
                self.raw(struct.pack('<' + fmt, val))
            locs[fid] = self.t()
        self.prep(4, 4)
        tbl = self.t() + 4
        nf = (max(locs) + 1) if locs else 0
        vt = [4 + 2 * nf, tbl - start] + [0] * nf
        for fid, loc in locs.items():
            vt[2 + fid] = tbl - loc
        vbytes = struct.pack('<%dH' % len(vt), *vt)
        # soffset: table_pos - vtable_pos; vtable placed right before the table.
        vt_tail = tbl + len(vbytes) + ((-(tbl + len(vbytes))) % 2)
        self.raw(struct.pack('<i', vt_tail - tbl))
        assert self.t() == tbl
        self.pad(vt_tail - tbl - len(vbytes))
        self.raw(vbytes)
        assert self.t() == vt_tail
        return tbl
    def finish(self, root, ident=b'TFL3'):
        self.prep(8, 8)
        self.raw(ident)
        self.raw(struct.pack('<I', self.t() + 4 - root))
        return bytes(self.buf)

TYPES = {'float32': 0, 'float16': 1, 'int32': 2, 'uint8': 3, 'int64': 4, 'int16': 7, 'int8': 9}
FMT = {'float32': 'f', 'float16': 'e', 'int32': 'i', 'uint8': 'B', 'int64': 'q', 'int16': 'h', 'int8': 'b'}
OPT = {  # builtin code -> (options union type, options builder)
}

def model(op_code, tensors, inputs, outputs, op_in, op_out, opt_type=0, opt_fields=None, version=1):
    """tensors: list of dicts {shape, type, scale?, zp?, data? (list), qdim?}."""
    b = B()
    bufs = [b.table([])]
    tens = []
    for i, t in enumerate(tensors):
        bidx = 0
        if t.get('data') is not None:
            raw = struct.pack('<%d%s' % (len(t['data']), FMT[t['type']]), *t['data'])
            bufs.append(b.table([(0, 'off', b.vec_bytes(raw))]))
            bidx = len(bufs) - 1
        q = None
        if 'scale' in t:
            sc = t['scale'] if isinstance(t['scale'], list) else [t['scale']]
            zp = t.get('zp', 0)
            zp = zp if isinstance(zp, list) else [zp] * len(sc)
            qf = [(2, 'off', b.vec_scalar('f', sc)), (3, 'off', b.vec_scalar('q', zp, 8))]
            if t.get('qdim'):
                qf.append((6, 'i', t['qdim']))
            q = b.table(qf)
        shp = b.vec_scalar('i', t['shape'])
        nm = b.string(t.get('name', 't%d' % i))
        f = [(0, 'off', shp), (1, 'b', TYPES[t['type']]), (2, 'I', bidx), (3, 'off', nm)]
        if q is not None:
            f.append((4, 'off', q))
        tens.append(b.table(f))
    optf = []
    if opt_type:
        opt = b.table(opt_fields or [])
        optf = [(3, 'B', opt_type), (4, 'off', opt)]
    op = b.table([(0, 'I', 0), (1, 'off', b.vec_scalar('i', op_in)),
                  (2, 'off', b.vec_scalar('i', op_out))] + optf)
    sg = b.table([(0, 'off', b.vec_off(tens)), (1, 'off', b.vec_scalar('i', inputs)),
                  (2, 'off', b.vec_scalar('i', outputs)), (3, 'off', b.vec_off([op])),
                  (4, 'off', b.string('main'))])
    oc = b.table([(0, 'b', min(op_code, 127)), (2, 'i', version), (3, 'i', op_code)])
    root = b.table([(0, 'I', 3), (1, 'off', b.vec_off([oc])), (2, 'off', b.vec_off([sg])),
                    (3, 'off', b.string('octet test')), (4, 'off', b.vec_off(bufs))])
    return b.finish(root)

TYPES = {'float32': 0, 'float16': 1, 'int32': 2, 'uint8': 3, 'int64': 4, 'int16': 7, 'int8': 9}
FMT = {'float32': 'f', 'float16': 'H', 'int32': 'i', 'uint8': 'B', 'int16': 'h', 'int8': 'b'}
NPY = {'float32': '<f4', 'float16': '<f2', 'int32': '<i4', 'uint8': '|u1', 'int16': '<i2', 'int8': '|i1'}
OCT = {'float32': 'OCT_FLOAT32', 'float16': 'OCT_FLOAT16', 'int32': 'OCT_INT32', 'uint8': 'OCT_UINT8',
       'int16': 'OCT_INT16', 'int8': 'OCT_INT8'}
RANGE = {'int8': (-128, 127), 'uint8': (0, 255), 'int16': (-32768, 32767), 'int32': (-2**31, 2**31 - 1)}


def model(op_code, version, tensors, n_in, opt_type, opt_fields):
    b = B()
    bufs = [b.table([])]
    tens = []
    for i, t in enumerate(tensors):
        q = None
        if 'scale' in t:
            sc = t['scale'] if isinstance(t['scale'], list) else [t['scale']]
            zp = t.get('zp', 0)
            zp = zp if isinstance(zp, list) else [zp] * len(sc)
            qf = [(2, 'off', b.vec_scalar('f', sc)), (3, 'off', b.vec_scalar('q', zp, 8))]
            if len(sc) > 1:
                qf.append((6, 'i', t.get('qdim', 0)))
            q = b.table(qf)
        shp = b.vec_scalar('i', t['shape'])
        nm = b.string('t%d' % i)
        f = [(0, 'off', shp), (1, 'b', TYPES[t['type']]), (2, 'I', 0), (3, 'off', nm)]
        if q is not None:
            f.append((4, 'off', q))
        tens.append(b.table(f))
    optf = []
    if opt_type:
        optf = [(3, 'B', opt_type), (4, 'off', b.table(opt_fields))]
    n = len(tensors)
    op = b.table([(0, 'I', 0), (1, 'off', b.vec_scalar('i', list(range(n_in)))),
                  (2, 'off', b.vec_scalar('i', list(range(n_in, n))))] + optf)
    sg = b.table([(0, 'off', b.vec_off(tens)), (1, 'off', b.vec_scalar('i', list(range(n_in)))),
                  (2, 'off', b.vec_scalar('i', list(range(n_in, n)))), (3, 'off', b.vec_off([op])),
                  (4, 'off', b.string('main'))])
    oc = b.table([(0, 'b', min(op_code, 127)), (2, 'i', version), (3, 'i', op_code)])
    root = b.table([(0, 'I', 3), (1, 'off', b.vec_off([oc])), (2, 'off', b.vec_off([sg])),
                    (3, 'off', b.string('octet test')), (4, 'off', b.vec_off(bufs))])
    return b.finish(root)


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def gen_input(t, n, gen, seed, step):
    """Mirrors ew_gen_input() in elementwise_cases.h."""
    if gen == 'all':
        if t == 'float16':
            return [i % 65536 for i in range(n)]
        lo, hi = RANGE[t]
        return [lo + i % (hi - lo + 1) for i in range(n)]
    if gen == 'ramp':
        return [f32(f32(i - n // 2) * f32(step)) for i in range(n)]
    x = seed & 0xffffffff
    out = []
    for _ in range(n):
        x = (x * 1664525 + 1013904223) & 0xffffffff
        if t == 'float32':
            out.append(f32(f32(((x >> 8) % 20001) - 10000) * f32(step)))
        elif t == 'int32':
            out.append(x - 2**32 if x >= 2**31 else x)
        else:
            lo, hi = RANGE[t]
            out.append(lo + (x >> 8) % (hi - lo + 1))
    return out


def npy_bytes(t, shape, vals):
    hdr = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        NPY[t], ''.join('%d,' % s for s in shape))
    hdr += ' ' * ((-(10 + len(hdr) + 1)) % 64) + '\n'
    data = struct.pack('<%d%s' % (len(vals), FMT[t]), *vals)
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr.encode() + data


def npy_data(path):
    b = open(path, 'rb').read()
    hl = struct.unpack('<H', b[8:10])[0] if b[6] == 1 else struct.unpack('<I', b[8:12])[0]
    return b[(10 if b[6] == 1 else 12) + hl:]


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for c in data:
        h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
    return h


def prod(s):
    p = 1
    for x in s:
        p *= x
    return p


CASES = []


def case(name, op, tensors, n_in=1, gens=('all', 'all'), seed=1, step=0.01, opt_type=0, opt=(), version=1):
    CASES.append(dict(name=name, op=op, tensors=tensors, n_in=n_in, gens=gens, seed=seed, step=step,
                      opt_type=opt_type, opt=list(opt), version=version))


def T(t, shape, scale=None, zp=0):
    d = dict(type=t, shape=shape)
    if scale is not None:
        d['scale'], d['zp'] = scale, zp
    return d


# ---------------------------------------------------------------- cases
ADD, SUB, MUL, MAXIMUM, MINIMUM = 0, 41, 18, 55, 57
RELU, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH = 19, 21, 98, 117, 14, 28
SOFTMAX, QUANTIZE, DEQUANTIZE = 25, 114, 6
OPT = {ADD: 11, SUB: 28, MUL: 21}


def arith(op, act=0, pot=None):
    f = [(0, 'b', act)]
    if pot is not None:
        f.append((1, 'B', 1 if pot else 0))
    return dict(opt_type=OPT[op], opt=f)


def define_cases():
    u8 = lambda q: (q[0], q[1] + 128)
    sets = {'A': ((0.05, -3), (0.02, 10), (0.07, 5)),     # general scales
            'B': ((0.5, 0), (0.5, 0), (1.0, 0)),          # exact halves: rounding ties
            'C': ((3.0, 0), (1.0, 0), (0.5, 0))}          # MUL multiplier > 1
    names = {ADD: 'add', SUB: 'sub', MUL: 'mul'}
    # every pair of 8-bit values, through broadcasting [256,1] x [1,256]
    for op in (ADD, SUB, MUL):
        for t in ('int8', 'uint8'):
            for sk, (a, b, o) in sets.items():
                if t == 'uint8':
                    a, b, o = u8(a), u8(b), u8(o)
                n = 256
                case('%s %s pairs %s' % (names[op], t, sk), op,
                     [T(t, [n, 1], *a), T(t, [1, n], *b), T(t, [n, n], *o)], 2, version=2, **arith(op))
        case('%s int8 pairs A relu6' % names[op], op,
             [T('int8', [256, 1], 0.05, -3), T('int8', [1, 256], 0.02, 10), T('int8', [256, 256], 0.07, 5)], 2,
             version=2, **arith(op, 3))
        case('%s uint8 pairs A relu' % names[op], op,
             [T('uint8', [256, 1], 0.05, 125), T('uint8', [1, 256], 0.02, 138), T('uint8', [256, 256], 0.07, 133)], 2,
             version=2, **arith(op, 1))
        case('%s int8 pairs B relu_n1_to_1' % names[op], op,
             [T('int8', [256, 1], 0.5, 0), T('int8', [1, 256], 0.5, 0), T('int8', [256, 256], 0.0125, 0)], 2,
             version=2, **arith(op, 2))
    # A multiplier whose doubling high multiply hits exact ties: TFLite 2.9
    # computes SUB as a - b, later versions as a + (-b), which differ here.
    tie8, tie16 = 0.6869158744812012, 0.9150543212890625
    for op in (ADD, SUB):
        case('%s int8 pairs multiplier ties' % names[op], op,
             [T('int8', [256, 1], 1.0), T('int8', [1, 256], tie8), T('int8', [256, 256], 1.0)], 2,
             version=2, **arith(op))
        case('%s uint8 pairs multiplier ties' % names[op], op,
             [T('uint8', [256, 1], 1.0, 128), T('uint8', [1, 256], tie8, 128), T('uint8', [256, 256], 1.0, 128)],
             2, version=2, **arith(op))
        case('%s int16 multiplier ties' % names[op], op,
             [T('int16', [4096], 1.0), T('int16', [4096], tie16), T('int16', [4096], 1.0)], 2, ('lcg', 'lcg'),
             seed=21, version=2, **arith(op, 0, False))
        case('%s int16 multiplier ties bcast' % names[op], op,
             [T('int16', [2, 3, 64], 1.0), T('int16', [64], tie16), T('int16', [2, 3, 64], 1.0)], 2,
             ('lcg', 'lcg'), seed=22, version=2, **arith(op, 0, False))
    # int16: general path (pot_scale_int16 false, or scales not powers of two)
    s16 = ((0.001, 0), (0.0003, 0), (0.0013, 0))
    for op in (ADD, SUB):
        for pot in (False, True):
            case('%s int16 general bcast pot=%d' % (names[op], pot), op,
                 [T('int16', [2, 3, 64], *s16[0]), T('int16', [64], *s16[1]), T('int16', [2, 3, 64], *s16[2])], 2,
                 ('lcg', 'lcg'), seed=7, version=2, **arith(op, 0, pot))
        case('%s int16 general relu' % names[op], op,
             [T('int16', [4, 64], 0.0009693715837784111), T('int16', [4, 64], 8.709842404641677e-06),
              T('int16', [4, 64], 0.0005941494018770754)], 2, ('lcg', 'lcg'), seed=8, version=2, **arith(op, 1, False))
        # power-of-two path
        for (a, b, o) in ((2**-10, 2**-12, 2**-10), (2**-14, 2**-10, 2**-10), (2**-10, 2**-10, 2**-10)):
            for act in (0, 1):
                case('%s int16 pot %g %g %g act%d' % (names[op], a, b, o, act), op,
                     [T('int16', [3, 50], a), T('int16', [3, 50], b), T('int16', [3, 50], o)], 2, ('lcg', 'lcg'),
                     seed=9, version=2, **arith(op, act, True))
        case('%s int16 pot bad shifts' % names[op], op,
             [T('int16', [8], 2**-10), T('int16', [8], 2**-9), T('int16', [8], 2**-10)], 2, ('lcg', 'lcg'),
             version=2, **arith(op, 0, True))
        case('%s int16 zero point' % names[op], op,
             [T('int16', [8], 0.002, 5), T('int16', [8], 0.001, -3), T('int16', [8], 0.003, 2)], 2, ('lcg', 'lcg'),
             version=2, **arith(op, 0, False))
    case('sub int8 5d bcast', SUB, [T('int8', [2, 1, 3, 1, 2], 0.05, -3), T('int8', [1, 4, 1, 5, 2], 0.02, 10),
                                   T('int8', [2, 4, 3, 5, 2], 0.07, 5)], 2, ('lcg', 'lcg'), version=2, **arith(SUB))
    for q in (((0.001, 0), (0.0003, 0), (0.0013, 0)), ((0.01, 0), (0.01, 0), (0.0001, 0))):
        for act in (0, 3):
            case('mul int16 %g %g %g act%d' % (q[0][0], q[1][0], q[2][0], act), MUL,
                 [T('int16', [3, 50], *q[0]), T('int16', [50], *q[1]), T('int16', [3, 50], *q[2])], 2,
                 ('lcg', 'lcg'), seed=5, version=4, **arith(MUL, act))
    case('mul int16 zero point', MUL, [T('int16', [8], 0.001, 1), T('int16', [8], 0.001), T('int16', [8], 0.001)],
         2, ('lcg', 'lcg'), version=4, **arith(MUL))
    for op in (ADD, SUB, MUL):
        for act in (0, 1, 3):
            case('%s int32 bcast act%d' % (names[op], act), op,
                 [T('int32', [3, 1, 7]), T('int32', [1, 4, 7]), T('int32', [3, 4, 7])], 2, ('lcg', 'lcg'),
                 seed=11 + act, **arith(op, act))
    for op, nm in ((MINIMUM, 'minimum'), (MAXIMUM, 'maximum')):
        case('%s int8 pairs' % nm, op, [T('int8', [256, 1], 0.1, 2), T('int8', [1, 256], 0.1, 2),
                                        T('int8', [256, 256], 0.1, 2)], 2)
        for t, q in (('uint8', (0.1, 130)), ('int16', (0.01, 0)), ('int32', None)):
            qq = q or (None, 0)
            case('%s %s bcast' % (nm, t), op, [T(t, [2, 1, 3, 5], *qq), T(t, [4, 1, 5], *qq),
                                                T(t, [2, 4, 3, 5], *qq)], 2, ('lcg', 'lcg'), seed=3)

    # ---- activations: every 8-bit or 16-bit input value
    for op, nm in ((RELU, 'relu'), (RELU6, 'relu6')):
        for t, qi, qo in (('int8', (0.05, -10), (0.04, -128)), ('int8', (0.02, 5), (0.5, -100)),
                          ('uint8', (0.05, 120), (0.03, 0)), ('int16', (0.001, 0), (0.0007, 0))):
            n = 256 if t != 'int16' else 65536
            case('%s %s %g,%d -> %g,%d' % (nm, t, qi[0], qi[1], qo[0], qo[1]), op,
                 [T(t, [n], *qi), T(t, [n], *qo)], version=2)
    for alpha, t, qi, qo in ((0.3, 'int8', (0.05, -10), (0.04, 3)), (0.3, 'uint8', (0.05, 120), (0.03, 100)),
                             (0.3, 'int16', (0.005836874712258577, 0), (0.0046422905288636684, 0)),
                             (-0.5, 'int8', (0.02, 5), (0.5, -100)), (1.5, 'int16', (0.001, 0), (0.001, 0)),
                             (0.0, 'uint8', (0.05, 120), (0.03, 100))):
        n = 256 if t != 'int16' else 65536
        case('leaky_relu %g %s' % (alpha, t), LEAKY_RELU, [T(t, [n], *qi), T(t, [n], *qo)],
             opt_type=75, opt=[(0, 'f', alpha)], version=2)
    for t, qi, qo in (('int8', (0.05, -10), (0.04, 3)), ('int8', (0.1, 0), (0.05, -128)),
                      ('uint8', (0.05, 120), (0.03, 100)), ('int8', (0.001, 0), (1.0, 0)),
                      ('int8', (0.5, 3), (0.01, -20)), ('int8', (0.03, 127), (0.03, 127)),
                      ('int8', (1.0, 0), (0.001, 0))):
        case('hard_swish %s %g,%d -> %g,%d' % (t, qi[0], qi[1], qo[0], qo[1]), HARD_SWISH,
             [T(t, [256], *qi), T(t, [256], *qo)])
    for op, nm in ((LOGISTIC, 'logistic'), (TANH, 'tanh')):
        for t, qi, qo in (('int8', (0.05, -10), (1 / 256, -128)), ('uint8', (0.2, 128), (1 / 256, 0)),
                          ('int8', (0.3, -128), (1 / 256, 0)), ('uint8', (0.02, 100), (1 / 128, 128))):
            case('%s %s %g,%d -> %g,%d' % (nm, t, qi[0], qi[1], qo[0], qo[1]), op,
                 [T(t, [256], *qi), T(t, [256], *qo)], version=2)
        for s in (2**-12, 2**-11, 2**-13, 0.001, 0.0003, 0.5):
            case('%s int16 in %g' % (nm, s), op, [T('int16', [65536], s), T('int16', [65536], 2**-15)],
                 version=3)

    # ---- softmax
    sm = lambda beta: dict(opt_type=9, opt=[(0, 'f', beta)], version=2)
    case('softmax int8', SOFTMAX, [T('int8', [7, 19], 0.1, -3), T('int8', [7, 19], 1 / 256, -128)],
         gens=('lcg',), **sm(1.0))
    case('softmax int8 1001 beta 0.5', SOFTMAX, [T('int8', [1, 1001], 0.05, 0), T('int8', [1, 1001], 1 / 256, -128)],
         gens=('lcg',), seed=4, **sm(0.5))
    case('softmax int8 beta -100', SOFTMAX, [T('int8', [4, 10], 0.1, -3), T('int8', [4, 10], 1 / 256, -128)],
         gens=('lcg',), **sm(-100.0))
    case('softmax uint8', SOFTMAX, [T('uint8', [7, 19], 0.05, 128), T('uint8', [7, 19], 1 / 256, 0)],
         gens=('lcg',), **sm(1.0))
    case('softmax uint8 zero point ignored', SOFTMAX,
         [T('uint8', [4, 10], 0.05, 128), T('uint8', [4, 10], 1 / 256, 3)], gens=('lcg',), **sm(1.0))
    case('softmax int8 -> int16', SOFTMAX, [T('int8', [7, 19], 0.1, -3), T('int16', [7, 19], 1 / 32768, 5)],
         gens=('lcg',), **sm(2.7))
    case('softmax uint8 -> int16', SOFTMAX, [T('uint8', [7, 19], 0.1, 3), T('int16', [7, 19], 1 / 32768, 0)],
         gens=('lcg',), **sm(1.0))
    case('softmax int16', SOFTMAX, [T('int16', [7, 19], 0.001), T('int16', [7, 19], 1 / 32768)],
         gens=('lcg',), **sm(1.0))
    case('softmax int16 beta 2.7', SOFTMAX, [T('int16', [3, 4000], 0.0001), T('int16', [3, 4000], 1 / 32768)],
         gens=('lcg',), seed=6, **sm(2.7))
    case('softmax int8 bad output', SOFTMAX, [T('int8', [4, 10], 0.05, 0), T('int8', [4, 10], 1 / 256, 0)],
         gens=('lcg',), **sm(1.0))

    # ---- quantize / dequantize
    for t, q in (('int8', (0.1, -3)), ('int8', (1.0, 0)), ('uint8', (0.05, 128)), ('int16', (0.001, 0)),
                 ('int16', (0.001, 7))):
        # a ramp over exact multiples of 0.01 hits x / scale = k + 1/2 ties
        case('quantize float32 ramp -> %s %g,%d' % (t, q[0], q[1]), QUANTIZE,
             [T('float32', [6000]), T(t, [6000], *q)], gens=('ramp',), step=0.01, version=2)
        case('quantize float32 lcg -> %s %g,%d' % (t, q[0], q[1]), QUANTIZE,
             [T('float32', [2000]), T(t, [2000], *q)], gens=('lcg',), step=0.0137, version=2)
    for ti, to, qi, qo in (('int8', 'int8', (0.1, -3), (0.07, 5)), ('int8', 'uint8', (0.1, 0), (0.1, 128)),
                           ('uint8', 'int8', (0.05, 100), (0.2, -20)), ('uint8', 'uint8', (0.1, 128), (0.03, 100)),
                           ('int16', 'int8', (0.001, 0), (0.05, 3)), ('int16', 'int16', (0.001, 0), (0.0007, 0)),
                           ('int16', 'int32', (0.000494312, 0), (1.49012e-07, 0)),
                           ('int8', 'int8', (10.0, 0), (0.01, 0)), ('int16', 'int16', (0.001, 5), (0.0007, 0))):
        n = 65536 if ti == 'int16' else 256
        case('requantize %s -> %s' % (ti, to), QUANTIZE, [T(ti, [n], *qi), T(to, [n], *qo)], version=2)
    for to, qo in (('int16', (0.000921971, 0)), ('int8', (0.05, 3))):
        case('requantize int32 -> %s' % to, QUANTIZE, [T('int32', [3000], 1e-4, 0), T(to, [3000], *qo)],
             gens=('lcg',), version=2)
    for t, q in (('int8', (0.1, -3)), ('uint8', (0.05, 128)), ('int16', (0.001, 0)), ('int16', (0.001, 4))):
        n = 65536 if t == 'int16' else 256
        case('dequantize %s %g,%d' % (t, q[0], q[1]), DEQUANTIZE, [T(t, [n], *q), T('float32', [n])], version=2)
    case('dequantize float16', DEQUANTIZE, [T('float16', [65536]), T('float32', [65536])], version=3)
    pc = dict(type='int8', shape=[256, 3], scale=[0.1, 0.25, 3.0], zp=[0, 1, -2], qdim=1)
    case('dequantize int8 per channel', DEQUANTIZE, [pc, T('float32', [256, 3])], version=2)


# ---------------------------------------------------------------- running
def run_tflite(shared, c, d):
    mp = os.path.join(d, 'm.tflite')
    open(mp, 'wb').write(model(c['op'], c['version'], c['tensors'], c['n_in'], c['opt_type'], c['opt']))
    args = ['node', os.path.join(shared, 'tools', 'tflite_ref.js'), mp]
    for i in range(c['n_in']):
        t = c['tensors'][i]
        vals = gen_input(t['type'], prod(t['shape']), c['gens'][i], c['seed'] + i, c['step'])
        p = os.path.join(d, 'in%d.npy' % i)
        open(p, 'wb').write(npy_bytes(t['type'], t['shape'], vals))
        args += ['--in', p]
    out = os.path.join(d, 'out')
    args += ['--out-dir', out, '--engine', 'native', '--xnnpack', 'off']
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return npy_data(os.path.join(out, 'output_0.npy'))


def c_float(x):
    return f32(x).hex() + 'f' if f32(x) == f32(x) else '0.0f'


def emit(c, data):
    ts = []
    for t in c['tensors']:
        sc = t.get('scale')
        if sc is None:
            q = '0, 0, {0}, {0}, 0'
        else:
            scl = sc if isinstance(sc, list) else [sc]
            zps = t['zp'] if isinstance(t['zp'], list) else [t['zp']]
            q = '1, %d, {%s}, {%s}, %d' % (len(scl), ', '.join(c_float(s) for s in scl),
                                           ', '.join('%d' % z for z in zps), t.get('qdim', 0))
        ts.append('{%s, %d, {%s}, %s}' % (OCT[t['type']], len(t['shape']),
                                          ', '.join('%d' % s for s in t['shape']) or '0', q))
    opts = []
    for fid, fmt, val in c['opt']:
        if fmt == 'f':
            opts.append('{%d, 4, 0x%08xu}' % (fid, struct.unpack('<I', struct.pack('<f', val))[0]))
        else:
            opts.append('{%d, 1, %du}' % (fid, val & 0xff))
    gens = ', '.join('EW_GEN_' + g.upper() for g in c['gens'][:c['n_in']])
    if data is None:
        res = '1, 0, 0, {0}'
    else:
        ot = c['tensors'][-1]['type']
        sz = struct.calcsize('<' + FMT[ot])
        n = min(8, len(data) // sz)
        if ot == 'float32':
            head = struct.unpack('<%dI' % n, data[:n * sz])
        else:
            head = struct.unpack('<%d%s' % (n, FMT[ot]), data[:n * sz])
        res = '0, 0x%016xull, %d, {%s}' % (fnv1a64(data), n, ', '.join('%d' % h for h in head))
    return ('  {"%s", %d, %d, %d, %d, {%s}, %d, %d, {%s}, {%s}, %uu, %s, %s},' %
            (c['name'], c['op'], c['version'], c['opt_type'], len(opts), ', '.join(opts) or '{0, 0, 0}',
             c['n_in'], len(c['tensors']), ', '.join(ts), gens, c['seed'], c_float(c['step']), res))


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--shared', default=os.path.join(here, '..', '..', '..', 'shared'))
    ap.add_argument('--out', default=os.path.join(here, 'tflite_cases.h'))
    a = ap.parse_args()
    define_cases()
    lines = []
    with tempfile.TemporaryDirectory() as d:
        for i, c in enumerate(CASES):
            data = run_tflite(a.shared, c, d)
            print('%3d/%d %-48s %s' % (i + 1, len(CASES), c['name'], 'rejected' if data is None else
                                       '%d bytes' % len(data)), file=sys.stderr)
            lines.append(emit(c, data))
    with open(a.out, 'w') as f:
        f.write('/* Generated by tests/kernels/gen_tflite_cases.py from TFLite 2.9.0\n'
                ' * (tflite_ref.js --engine native --xnnpack off); do not edit. */\n'
                '/* clang-format off */\n'
                'static const ew_case k_tflite_cases[] = {\n')
        f.write('\n'.join(lines))
        f.write('\n};\n')


if __name__ == '__main__':
    main()
