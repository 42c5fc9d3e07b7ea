#!/usr/bin/python3
"""Writes a MobileNetV2 quantized after training by PyTorch, as a QDQ ONNX file.

The shape ONNX Runtime's int8 benchmarks use: QuantizeLinear /
DequantizeLinear pairs around Conv, Relu(6), Add and Gemm. torchvision's
quantizable mobilenet_v2 (QuantStub, FloatFunctional adds) with random
weights (seeded), BN folded into the convs (fuse_model), qnnpack qconfig
(uint8 activations, per-tensor symmetric int8 weights) attached as
FakeQuantize modules, observers run on random calibration images, then
frozen and the model exported (opset 13). Also writes a test input and
prints a summary.

  /usr/bin/python3 scripts/make_qdq_mobilenet.py OUT_DIR [--size 224]

OUT_DIR gets mobilenet_v2_qdq.onnx and input.npy (float32 [1,3,S,S]).
Used by tests/cli/test_qdq_mobilenet.sh; nothing here is committed.
"""
import argparse
import os
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--calib", type=int, default=8)
    ap.add_argument("--res-scale", type=float, default=0.1,
                    help="gain of each residual branch's last BN")
    a = ap.parse_args()
    import torch
    import torch.ao.quantization as tq
    from torchvision.models.quantization import mobilenet_v2

    torch.manual_seed(1234)
    torch.set_num_threads(1)
    m = mobilenet_v2(weights=None, quantize=False)
    g = torch.Generator().manual_seed(99)
    # Random weights, but BN statistics measured on random images (train
    # mode, cumulative average), so every layer's output keeps a healthy
    # range instead of fading to zero through 50 random convs.
    for mod in m.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.momentum = None
            mod.reset_running_stats()
    m.train()
    with torch.no_grad():
        for _ in range(2):
            m(torch.randn(4, 3, a.size, a.size, generator=g))
    m.eval()
    # A random deep net amplifies every rounding difference (two int8
    # implementations then disagree by tens of output steps); trained nets
    # do much less. Residual blocks close to identity (their last BN scaled
    # down, as zero-init-residual training starts) and a smaller spread of
    # BN gains keep this one tame enough for a per-step comparison.
    with torch.no_grad():
        for blk in m.features:
            if getattr(blk, "use_res_connect", False):
                blk.conv[-1].weight.mul_(a.res_scale)
    
    m.fuse_model()  # eval-mode fusion folds each BN into its conv
    # qnnpack's settings (uint8 activations over the full range, per-tensor
    # symmetric int8 weights) as plain FakeQuantize modules: the fused
    # observer+fake-quant op of get_default_qat_qconfig does not export.
    act = tq.FakeQuantize.with_args(observer=tq.MovingAverageMinMaxObserver, quant_min=0,
                                    quant_max=255, dtype=torch.quint8,
                                    qscheme=torch.per_tensor_affine, reduce_range=False)
    m.qconfig = tq.QConfig(activation=act, weight=tq.default_weight_fake_quant)
    m.train()
    tq.prepare_qat(m, inplace=True)
    # BN is folded, dropout does not matter: calibration only moves the
    # observers (no optimizer step).
    with torch.no_grad():
        for _ in range(a.calib):
            m(torch.randn(2, 3, a.size, a.size, generator=g))
    m.apply(tq.disable_observer)
    m.eval()
    os.makedirs(a.out_dir, exist_ok=True)
    x = torch.randn(1, 3, a.size, a.size, generator=g)
    np.save(os.path.join(a.out_dir, "input.npy"), x.numpy().astype(np.float32))
    path = os.path.join(a.out_dir, "mobilenet_v2_qdq.onnx")
    torch.onnx.export(m, x, path, opset_version=13, input_names=["input"],
                      output_names=["logits"])
    import onnx
    # torch writes per-tensor scales and zero points as 1-element tensors;
    # ONNX Runtime's QDQ fusion (QLinearAdd) wants scalars, as QDQ models
    # from ORT's own quantizer have them.
    model = onnx.load(path)
    qdq_params = set()
    for n in model.graph.node:
        if n.op_type in ("QuantizeLinear", "DequantizeLinear"):
            qdq_params.update(n.input[1:])
    for t in model.graph.initializer:
        if t.name in qdq_params and list(t.dims) == [1]:
            del t.dims[:]
    onnx.save(model, path)
    ops = {}
    for n in onnx.load(path).graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    print("wrote", path, "ops:", dict(sorted(ops.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
