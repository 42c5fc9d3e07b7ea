#!/usr/bin/python3
"""Fine-tunes the cnn_bn fixture with quantization-aware training and writes
tests/data/fixtures/cnn_bn_qat.onnx (+ cnn_bn_qat.json).

The float weights are read back from the committed cnn_bn.onnx, so this does
not retrain the float model. PyTorch 1.13 eager-mode QAT
(torch.ao.quantization):

  - Conv+BN+ReLU fused with fuse_modules_qat (ConvBnReLU2d: the exported graph
    then has Conv with a fake-quantized weight and a zero bias, Div by the BN
    scale factor, Add of the conv bias, BatchNormalization, Relu, as real QAT
    exports do);
  - activations: FakeQuantize, quint8 0..255 (full range, no reduce_range),
    MovingAverageMinMaxObserver;
  - conv weights: per-channel symmetric qint8 -128..127 (axis 0);
  - the Linear: per-tensor symmetric qint8 weights, because TFLite 2.9's int8
    FULLY_CONNECTED reads only the first weight scale.

Exported (eval mode, observers off) to ONNX opset 13: every FakeQuantize is a
QuantizeLinear / DequantizeLinear pair. The accuracy recorded in the JSON is
the fake-quantized model's, measured by PyTorch on the full 10,000-image test
set: octet's integer model must land within 0.3 points of it
(tests/convert/test_qat.c).

  /usr/bin/python3 scripts/make_qat_fixture.py      (~3-5 min on one core)
"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402
import make_fixtures  # noqa: E402

OUT_DIR = make_fixtures.OUT_DIR
SEED = 20261206
EPOCHS = 1
LR = 1e-4
BATCH = 128
FREEZE_BN_AT = 0.6     # fraction of the fine-tune after which BN stats freeze


def main():
    import torch
    import torch.ao.quantization as tq
    import onnx
    import onnx.numpy_helper

    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    nn = torch.nn

    float_model = make_fixtures.build_models(torch)["cnn_bn"]()
    src = onnx.load(os.path.join(OUT_DIR, "cnn_bn.onnx"))
    state = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).copy())
             for t in src.graph.initializer}
    sd = float_model.state_dict()
    for k in sd:
        if k in state:
            sd[k] = state[k]
        elif not k.endswith("num_batches_tracked"):
            raise SystemExit(f"cnn_bn.onnx has no {k}")
    float_model.load_state_dict(sd)

    class QatNet(nn.Module):
        def __init__(self, body):
            super().__init__()
            self.quant = tq.QuantStub()
            self.body = body
            self.dequant = tq.DeQuantStub()

        def forward(self, x):
            return self.dequant(self.body(self.quant(x)))

    model = QatNet(float_model)
    model.train()
    model.body = tq.fuse_modules_qat(model.body, [["0", "1", "2"], ["4", "5", "6"],
                                                  ["8", "9", "10"]])
    act = tq.FakeQuantize.with_args(observer=tq.MovingAverageMinMaxObserver,
                                    quant_min=0, quant_max=255, dtype=torch.quint8,
                                    qscheme=torch.per_tensor_affine, reduce_range=False)
    model.qconfig = tq.QConfig(activation=act,
                               weight=tq.default_per_channel_weight_fake_quant)
    model.body[13].qconfig = tq.QConfig(activation=act, weight=tq.default_weight_fake_quant)
    tq.prepare_qat(model, inplace=True)

    train_u8, train_y = fmnist.load("train")
    test_u8, test_y = fmnist.load("test")
    tx = torch.from_numpy(fmnist.normalize(train_u8))
    ty = torch.from_numpy(train_y)
    vx = torch.from_numpy(fmnist.normalize(test_u8))
    vy = torch.from_numpy(test_y)

    gen = torch.Generator().manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    steps = EPOCHS * ((len(tx) + BATCH - 1) // BATCH)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    loss_fn = nn.CrossEntropyLoss()
    t0 = time.time()
    step = 0
    for epoch in range(EPOCHS):
        order = torch.randperm(len(tx), generator=gen)
        total = 0.0
        for i in range(0, len(tx), BATCH):
            if step == int(FREEZE_BN_AT * steps):
                model.apply(torch.nn.intrinsic.qat.freeze_bn_stats)
            idx = order[i:i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(tx[idx]), ty[idx])
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}: loss {total / len(tx):.4f}", flush=True)
    train_s = time.time() - t0
    model.apply(tq.disable_observer)
    model.eval()

    with torch.no_grad():
        logits = torch.cat([model(vx[i:i + 500]) for i in range(0, len(vx), 500)])
    acc = float((logits.argmax(1) == vy).double().mean())
    acc_1k = float((logits[:1000].argmax(1) == vy[:1000]).double().mean())
    print(f"fake-quant top-1: 10k {acc:.4f}, 1k {acc_1k:.4f}, {train_s:.0f}s", flush=True)

    path = os.path.join(OUT_DIR, "cnn_bn_qat.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), path, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    m = onnx.load(path)
    ops = sorted({n.op_type for n in m.graph.node})
    print("ops:", ops)
    info = {
        "file": "cnn_bn_qat.onnx",
        "sha256": make_fixtures.sha256(path),
        "bytes": os.path.getsize(path),
        "from": "cnn_bn.onnx (float weights), QAT fine-tune",
        "torch_version": torch.__version__,
        "qconfig": {
            "activation": "FakeQuantize quint8 [0,255] per-tensor affine, "
                          "MovingAverageMinMaxObserver, reduce_range=False",
            "conv_weight": "per-channel symmetric qint8 [-128,127], axis 0",
            "linear_weight": "per-tensor symmetric qint8 [-128,127]",
            "fusion": "fuse_modules_qat Conv+BN+ReLU (ConvBnReLU2d)",
        },
        "epochs": EPOCHS, "lr": LR, "batch": BATCH, "optimizer": "Adam + cosine",
        "freeze_bn_after_fraction": FREEZE_BN_AT, "seed": SEED,
        "train_seconds": round(train_s, 1),
        "fake_quant_top1_test_10000": round(acc, 4),
        "fake_quant_top1_test_1000": round(acc_1k, 4),
        "float_top1_test_10000": 0.8916,
        "onnx_opset": 13, "onnx_ops": ops,
    }
    with open(os.path.join(OUT_DIR, "cnn_bn_qat.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
