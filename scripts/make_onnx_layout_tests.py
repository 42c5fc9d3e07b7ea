#!/usr/bin/python3
"""Generates tests/data/onnx_layout/: small PyTorch models exported to ONNX,
in the layout of ONNX's backend node tests (model.onnx, test_data_set_0/
input_K.pb, output_K.pb), for tests/convert/test_onnx_conformance.c.

ONNX's own node tests run one op on graph inputs, so they never exercise
what the importer does between ops: keeping activations channels-last
(NHWC) across convolutions, pools, concatenations, slices, splits and
reductions, permuting constants to match, and transposing back before a
reshape. These models chain such ops, with the shape arithmetic exporters
emit (Shape/Gather/Concat chains, with constant folding off) and at two
opsets (11 and 13: Squeeze, Unsqueeze, Split and Softmax changed in 13).
Expected outputs come from PyTorch.

Run with Debian's python3-torch and python3-onnx:
    /usr/bin/python3 scripts/make_onnx_layout_tests.py
The output is deterministic (fixed seeds); generated files are marked by
this script's name in tests/data/onnx_layout/README.md.
"""
import os
import shutil

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "onnx_layout")


class GroupedConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(4, 6, 3, groups=2, padding=1)
        self.b = nn.Conv2d(6, 12, 3, groups=6, stride=2, padding=1)  # depthwise x2
        self.c = nn.Conv2d(12, 8, 1)

    def forward(self, x):
        return self.c(F.relu6(self.b(F.relu(self.a(x)))))


class Conv1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv1d(3, 5, 3, padding=1)
        self.b = nn.Conv1d(5, 4, 3, stride=2, dilation=2, padding=2)

    def forward(self, x):
        y = F.max_pool1d(self.a(x), 2)
        return F.avg_pool1d(self.b(y), 2, ceil_mode=False)


class Deconv(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)
        self.b = nn.ConvTranspose2d(3, 2, 4, stride=2, padding=0)
        self.c = nn.ConvTranspose2d(2, 2, 3, stride=1, padding=2)

    def forward(self, x):
        return self.c(self.b(F.relu(self.a(x))))


class SliceConcatSplit(nn.Module):
    def __init__(self, variable=False):
        super().__init__()
        self.variable = variable  # SPLIT_V, REDUCE_MAX and SUM on channels-last data
        self.a = nn.Conv2d(3, 8, 3, padding=1)
        self.extra = nn.Parameter(torch.randn(1, 2, 8, 8))
        self.fc = nn.Linear(5, 4)

    def forward(self, x):
        y = self.a(x)
        s = y[:, 2:6, 1:7, ::2]                     # channels, rows, strided columns
        t = torch.cat([y[:, :4, 1:7, 1::2], s], 1)  # concat on channels
        w = torch.cat([y, self.extra.expand(y.shape[0], -1, -1, -1)], 1)[:, 3:8]
        if self.variable:
            u, v = torch.split(t, [3, 5], 1)
            m = u.mean(dim=(2, 3)) + v.amax(dim=1).sum(dim=(1, 2)).unsqueeze(1)
        else:
            u, v = torch.split(t, 4, 1)
            m = u.mean(dim=(2, 3)) + v.mean(dim=1).mean(dim=(1, 2)).unsqueeze(1)
        return self.fc(torch.cat([m[:, :3], w.mean(dim=(1, 2, 3)).unsqueeze(1).expand(-1, 2)], 1))


class PermuteReshape(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 3, stride=2)
        self.fc = nn.Linear(4, 6)

    def forward(self, x):
        y = self.a(x)                    # [N,4,3,3]
        z = self.fc(y.permute(0, 2, 3, 1))  # [N,3,3,6] linear on a 4-D input
        n, h, w, c = z.shape
        shuffled = y.reshape(n, 2, 2, h, w).transpose(1, 2).reshape(n, 4, h, w)
        return z.reshape(n, -1), torch.flatten(shuffled, 1)


class Pools(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(2, 3, 3, padding=1)

    def forward(self, x):
        y = F.pad(self.a(x), (1, 2, 0, 1))
        p = F.avg_pool2d(y, 3, stride=1, padding=1, count_include_pad=False)
        q = F.avg_pool2d(y, 3, stride=2, padding=1, count_include_pad=True)
        r = F.max_pool2d(y, 3, stride=2, padding=1, ceil_mode=True)
        s = F.avg_pool2d(y, 2, stride=2, ceil_mode=True)
        return p, q, r, s


class Activations(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 6, 1)
        self.bn = nn.BatchNorm2d(6)

    def forward(self, x):
        y = self.bn(self.a(x))
        parts = [F.hardswish(y), F.hardsigmoid(y), torch.clamp(y, -1, 2), F.leaky_relu(y, 0.1),
                 y * torch.sigmoid(y), torch.tanh(y), F.relu6(y)]
        z = sum(parts)
        return F.softmax(z, dim=1), z * torch.tensor([1.0, 2, 3, 4, 5, 6]).reshape(6, 1, 1)


class Resizes(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        y = self.a(x)
        n = F.interpolate(y, scale_factor=2, mode="nearest")
        b = F.interpolate(y, scale_factor=2, mode="bilinear", align_corners=False)
        c = F.interpolate(y, size=(9, 7), mode="bilinear", align_corners=True)
        return n, b, c


class Heads(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 5, 3)
        self.bn = nn.BatchNorm1d(5)
        self.fc = nn.Linear(5 * 4 * 4, 3)

    def forward(self, x):
        y = F.relu(self.a(x))  # [N,5,4,4]
        g = F.adaptive_avg_pool2d(y, 1).squeeze(3).squeeze(2)
        return self.bn(g), self.fc(y.flatten(1))


class Gelu(nn.Module):  # the exact GELU, exported as its Erf pattern
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        return F.gelu(self.fc(x))


class BatchMatMul(nn.Module):
    def forward(self, x):
        return torch.matmul(x, x.transpose(2, 3)).sum(dim=1)


MODELS = [
    ("grouped_conv", GroupedConv, [(1, 4, 8, 8)]),
    ("conv1d", Conv1d, [(2, 3, 16)]),
    ("deconv", Deconv, [(1, 4, 5, 5)]),
    ("slice_concat_split", SliceConcatSplit, [(2, 3, 8, 8)]),
    ("slice_concat_split_v", lambda: SliceConcatSplit(True), [(2, 3, 8, 8)]),
    ("permute_reshape", PermuteReshape, [(2, 3, 7, 7)]),
    ("pools", Pools, [(1, 2, 7, 6)]),
    ("activations", Activations, [(1, 3, 5, 5)]),
    ("resizes", Resizes, [(1, 3, 4, 5)]),
    ("heads", Heads, [(2, 3, 6, 6)]),
    ("gelu", Gelu, [(3, 8)]),
    ("batch_matmul", BatchMatMul, [(2, 3, 4, 5)]),
]


def save_tensor(path, array, name):
    t = numpy_helper.from_array(np.ascontiguousarray(array), name)
    with open(path, "wb") as f:
        f.write(t.SerializeToString())


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    for name, cls, shapes in MODELS:
        for opset in (11, 13):
            torch.manual_seed(1)
            model = cls().eval()
            for m in model.modules():  # BatchNorm with non-trivial statistics
                if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                    m.running_mean.uniform_(-1, 1)
                    m.running_var.uniform_(0.5, 2)
                    m.weight.data.uniform_(0.5, 1.5)
                    m.bias.data.uniform_(-0.5, 0.5)
            inputs = [torch.randn(*s) for s in shapes]
            with torch.no_grad():
                outs = model(*inputs)
            if not isinstance(outs, tuple):
                outs = (outs,)
            d = os.path.join(OUT, "test_%s_opset%d" % (name, opset))
            os.makedirs(os.path.join(d, "test_data_set_0"))
            in_names = ["input_%d" % i for i in range(len(inputs))]
            out_names = ["output_%d" % i for i in range(len(outs))]
            torch.onnx.export(model, tuple(inputs), os.path.join(d, "model.onnx"),
                              opset_version=opset, input_names=in_names, output_names=out_names,
                              do_constant_folding=False,
                              training=torch.onnx.TrainingMode.EVAL)
            onnx.checker.check_model(onnx.load(os.path.join(d, "model.onnx")))
            for i, x in enumerate(inputs):
                save_tensor(os.path.join(d, "test_data_set_0", "input_%d.pb" % i), x.numpy(),
                            in_names[i])
            for i, y in enumerate(outs):
                save_tensor(os.path.join(d, "test_data_set_0", "output_%d.pb" % i), y.numpy(),
                            out_names[i])
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write("Generated by scripts/make_onnx_layout_tests.py (PyTorch %s, ONNX %s); do not "
                "edit.\nSmall models that chain layout-sensitive ops, in the layout of ONNX's "
                "backend node tests, run by tests/convert/test_onnx_conformance.c.\n"
                % (torch.__version__, onnx.__version__))


if __name__ == "__main__":
    main()
