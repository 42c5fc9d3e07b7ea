#!/usr/bin/python3
"""Trains four small Fashion-MNIST classifiers and writes tests/data/fixtures/.

octet's tests and CI must not need PyTorch, so the real models they convert,
quantize and run are trained once by this script and its outputs committed:

  <name>.onnx               mlp, cnn_bn, mobilenet_v2_tiny, resnet_tiny
                            (opset 13, input "input" float32 [N,1,28,28] with
                            a dynamic batch, output "logits" [N,10]; the
                            BatchNormalization nodes are kept, not folded)
  <name>_logits_1000.npy    PyTorch's float32 logits for the 1000-image subset
  fmnist_test_1000_x.npy    the first 1000 test images, normalized float32
  fmnist_test_1000_y.npy    their labels, int64
  fmnist_calib_512_x.npy    512 training images (fixed seed), for calibration
  fixtures.json             hashes, parameter counts, accuracies, versions

Inputs are normalized OUTSIDE the models (scripts/fmnist.py: x/255, then
(x - 0.2860) / 0.3530), so the graphs hold only the network.

  /usr/bin/python3 scripts/make_fixtures.py
      Regenerates everything. Needs the Debian packages python3-torch,
      python3-onnx, python3-numpy and dataset-fashion-mnist. Takes 8-12 min
      (on one core; see THREADS).

  /usr/bin/python3 scripts/make_fixtures.py --export-test-set DIR
      Writes the full test set (fmnist_test_x.npy [10000,1,28,28] float32,
      fmnist_test_y.npy int64) to DIR for accuracy tests. Needs only numpy and
      dataset-fashion-mnist, so CI can run it without torch.

Deterministic where torch allows: fixed seeds, a fixed thread count and
deterministic algorithms, so a rerun on the same machine and versions gives
the same weights.
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402  (sibling module; the path is set just above)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "data", "fixtures")

SEED = 20240613
SUBSET = 1000        # first N test images committed with reference logits
CALIB = 512          # training images committed for calibration
BATCH = 128
# One intra-op thread. The machines have 2 cores shared with builds; there
# torch's 2 OpenMP threads spin-wait on each other and trained 5-8x slower
# than one thread, which also makes reductions independent of the core count.
THREADS = 1
OPSET = 13

# Per model: epochs and peak learning rate. Just enough training to land in
# the accuracy range real models have, kept short because it runs on CPU.
TRAIN = {
    "mlp": dict(epochs=4, lr=2e-3),
    "cnn_bn": dict(epochs=5, lr=3e-3),
    "mobilenet_v2_tiny": dict(epochs=3, lr=3e-3),
    "resnet_tiny": dict(epochs=3, lr=3e-3),
}


def write_npy(path, array):
    np.save(path, np.ascontiguousarray(array), allow_pickle=False)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def export_test_set(out_dir, data_dir):
    """The torch-free mode: the full normalized test set as two .npy files."""
    images, labels = fmnist.load("test", data_dir)
    os.makedirs(out_dir, exist_ok=True)
    write_npy(os.path.join(out_dir, "fmnist_test_x.npy"), fmnist.normalize(images))
    write_npy(os.path.join(out_dir, "fmnist_test_y.npy"), labels)
    print(f"wrote {len(labels)} test images to {out_dir}")


# ---------------------------------------------------------------- models
# Defined inside a function so that importing torch is only needed when
# training; --export-test-set must run where torch is not installed.

def build_models(torch):
    nn = torch.nn

    def conv_bn(cin, cout, k, stride=1, groups=1, act=None):
        layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups,
                            bias=False),
                  nn.BatchNorm2d(cout)]
        if act is not None:
            layers.append(act())
        return nn.Sequential(*layers)

    def mlp():
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(256, 128), nn.ReLU(),
            nn.Linear(128, 10))

    def cnn_bn():
        # Convs keep their bias here (unlike the other two nets) so the
        # converter sees the plain Conv(bias) -> BatchNormalization pattern.
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(64, 10))

    class InvertedResidual(nn.Module):
        def __init__(self, cin, cout, stride, expand):
            super().__init__()
            hidden = cin * expand
            layers = []
            if expand != 1:
                layers.append(conv_bn(cin, hidden, 1, act=nn.ReLU6))
            layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden,
                               act=nn.ReLU6),
                       conv_bn(hidden, cout, 1)]  # linear bottleneck
            self.body = nn.Sequential(*layers)
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            y = self.body(x)
            return x + y if self.residual else y

    def mobilenet_v2_tiny():
        # Stem at stride 1 as in MobileNetV2, but the first (t=1) block
        # downsamples: at full 28x28 resolution an epoch took ~6.5 min on one
        # core, and this also gives the graph a stride-2 depthwise conv
        # without an expand conv in front of it.
        layers = [conv_bn(1, 16, 3, act=nn.ReLU6)]
        cin = 16
        for t, c, n, s in [(1, 16, 1, 2), (4, 24, 2, 2), (4, 32, 2, 2),
                           (4, 64, 1, 1)]:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers += [conv_bn(cin, 128, 1, act=nn.ReLU6),
                   nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10)]
        return nn.Sequential(*layers)

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.body = nn.Sequential(conv_bn(cin, cout, 3, stride, act=nn.ReLU),
                                      conv_bn(cout, cout, 3))
            self.shortcut = (conv_bn(cin, cout, 1, stride)
                             if stride != 1 or cin != cout else nn.Identity())
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(self.body(x) + self.shortcut(x))

    def resnet_tiny():
        # Stride-2 stem, so the stages run at 14, 7 and 4 pixels: with the
        # stages at 28, 14 and 7 an epoch took ~5.5 min on one core.
        layers = [conv_bn(1, 16, 3, 2, act=nn.ReLU)]
        cin = 16
        for cout, stride in [(16, 1), (32, 2), (64, 2)]:
            layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
            cin = cout
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
        return nn.Sequential(*layers)

    return {"mlp": mlp, "cnn_bn": cnn_bn,
            "mobilenet_v2_tiny": mobilenet_v2_tiny, "resnet_tiny": resnet_tiny}


# ---------------------------------------------------------------- training

def train(torch, model, x, y, epochs, lr, seed):
    """Adam with a one-cycle schedule: reaches good accuracy in few epochs."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * ((len(x) + BATCH - 1) // BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr,
                                                total_steps=steps)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        total = 0.0
        for i in range(0, len(x), BATCH):
            idx = order[i:i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print(f"    epoch {epoch + 1}/{epochs}: loss {total / len(x):.4f}",
              flush=True)
    model.eval()


def predict(torch, model, x):
    with torch.no_grad():
        return torch.cat([model(x[i:i + 500]) for i in range(0, len(x), 500)])


# ---------------------------------------------------------------- export

def export_onnx(torch, model, path):
    """Exports with the BatchNormalization nodes kept as they are.

    In torch 1.13, TrainingMode.EVAL (the default) runs a peephole pass that
    folds each BatchNormalization into the preceding Conv. PRESERVE on a
    model already in eval() skips that pass yet still exports inference-mode
    BatchNormalization (one output, no training_mode), and eval() drops the
    Dropout. Constant folding is off so nothing else is pre-computed.
    """
    model.eval()
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), path,
        opset_version=OPSET,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        do_constant_folding=False,
        training=torch.onnx.TrainingMode.PRESERVE)


def run_onnx_with_torch(torch, model_proto, x):
    """Evaluates the exported graph from its nodes and initializers alone.

    There is no onnxruntime and onnx 1.12 has no onnx.reference, so this
    small interpreter (only the ops these four graphs use) checks that the
    file, not just the nn.Module, computes the recorded logits.
    """
    import onnx.numpy_helper
    F = torch.nn.functional
    env = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).copy())
           for t in model_proto.graph.initializer}
    env[model_proto.graph.input[0].name] = x
    for node in model_proto.graph.node:
        a = {at.name: onnx.helper.get_attribute_value(at)
             for at in node.attribute}
        i = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Conv":
            p = a.get("pads", [0, 0, 0, 0])
            assert p[:2] == p[2:], "asymmetric padding"
            out = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None,
                           a.get("strides", 1), p[:2],
                           a.get("dilations", 1), a.get("group", 1))
        elif op == "BatchNormalization":
            out = F.batch_norm(i[0], i[3], i[4], i[1], i[2], False, 0.0,
                               a.get("epsilon", 1e-5))
        elif op == "Relu":
            out = F.relu(i[0])
        elif op == "Clip":
            out = torch.clamp(i[0], i[1], i[2])
        elif op == "Add":
            out = i[0] + i[1]
        elif op == "MaxPool":
            assert not any(a.get("pads", [0])), "padded MaxPool"
            out = F.max_pool2d(i[0], a["kernel_shape"], a.get("strides"))
        elif op == "GlobalAveragePool":
            out = i[0].mean(dim=(2, 3), keepdim=True)
        elif op == "Flatten":
            out = torch.flatten(i[0], a.get("axis", 1))
        elif op == "Gemm":
            b = i[1].t() if a.get("transB", 0) else i[1]
            out = a.get("alpha", 1.0) * i[0] @ b + a.get("beta", 1.0) * i[2]
        elif op == "Constant":
            out = torch.from_numpy(onnx.numpy_helper.to_array(a["value"]).copy())
        elif op == "Identity":
            out = i[0]
        else:
            raise NotImplementedError(f"op {op} in {node.name}")
        env[node.output[0]] = out
    return env[model_proto.graph.output[0].name]


def check_onnx(torch, onnx, path, x_subset, ref_logits):
    """Validates one exported file; returns its op types in graph order."""
    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)
    g = proto.graph
    assert [i.name for i in g.input] == ["input"], g.input
    assert [o.name for o in g.output] == ["logits"], g.output
    dims = g.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param and not dims[0].HasField("dim_value"), \
        "batch dimension must be dynamic"
    assert [d.dim_value for d in dims[1:]] == [1, 28, 28]
    for n in g.node:
        # Inference-mode BN has exactly one output; a training-mode export
        # would add running statistics outputs.
        if n.op_type == "BatchNormalization":
            assert len(n.output) == 1, f"{n.name}: training-mode BN"
    got = run_onnx_with_torch(torch, proto, torch.from_numpy(x_subset))
    err = float((got - torch.from_numpy(ref_logits)).abs().max())
    assert err < 1e-3, f"{path}: ONNX graph differs from PyTorch by {err}"
    ops = []
    for n in g.node:
        if n.op_type not in ops:
            ops.append(n.op_type)
    return ops, err


# ---------------------------------------------------------------- main

def make_fixtures(out_dir, data_dir):
    import torch
    import torch.onnx
    import onnx

    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    os.makedirs(out_dir, exist_ok=True)

    train_u8, train_y = fmnist.load("train", data_dir)
    test_u8, test_y = fmnist.load("test", data_dir)
    train_x = fmnist.normalize(train_u8)
    test_x = fmnist.normalize(test_u8)

    # Calibration images are a seeded random sample of the training set, as
    # calibration sets usually are; sorted so the file is in dataset order.
    calib_idx = np.sort(np.random.default_rng(SEED).choice(
        len(train_x), CALIB, replace=False))
    write_npy(os.path.join(out_dir, "fmnist_test_1000_x.npy"), test_x[:SUBSET])
    write_npy(os.path.join(out_dir, "fmnist_test_1000_y.npy"), test_y[:SUBSET])
    write_npy(os.path.join(out_dir, "fmnist_calib_512_x.npy"),
              train_x[calib_idx])

    tx, ty = torch.from_numpy(train_x), torch.from_numpy(train_y)
    vx, vy = torch.from_numpy(test_x), torch.from_numpy(test_y)

    info = {
        "dataset": "Fashion-MNIST (Debian package dataset-fashion-mnist)",
        "normalization": {"scale": 1.0 / 255.0, "mean": fmnist.MEAN,
                          "std": fmnist.STD,
                          "formula": "((x / 255) - mean) / std, outside the model",
                          "layout": "NCHW float32 [N,1,28,28]"},
        "classes": list(fmnist.CLASSES),
        "seed": SEED,
        "torch_version": torch.__version__,
        "onnx_version": onnx.__version__,
        "numpy_version": np.__version__,
        "torch_threads": THREADS,
        "export": {"opset": OPSET, "do_constant_folding": False,
                   "training": "torch.onnx.TrainingMode.PRESERVE (model in eval())",
                   "dynamic_axes": {"input": {"0": "N"}, "logits": {"0": "N"}}},
        "data": {
            "fmnist_test_1000_x.npy": "first 1000 test images, normalized float32 [1000,1,28,28]",
            "fmnist_test_1000_y.npy": "their labels, int64 [1000]",
            "fmnist_calib_512_x.npy": "512 training images, normalized float32 [512,1,28,28]",
            "calib_train_indices": calib_idx.tolist(),
        },
        "models": {},
    }

    builders = build_models(torch)
    for i, (name, cfg) in enumerate(TRAIN.items()):
        print(f"{name}:", flush=True)
        # Seed each model on its own so retraining one does not depend on
        # how many random numbers the others drew.
        torch.manual_seed(SEED + i)
        model = builders[name]()
        params = sum(p.numel() for p in model.parameters())
        t0 = time.time()
        train(torch, model, tx, ty, cfg["epochs"], cfg["lr"], SEED + i)
        train_s = time.time() - t0

        logits = predict(torch, model, vx)
        pred = logits.argmax(1)
        acc_10k = float((pred == vy).double().mean())
        acc_1k = float((pred[:SUBSET] == vy[:SUBSET]).double().mean())
        sub_logits = logits[:SUBSET].numpy().astype(np.float32)

        onnx_path = os.path.join(out_dir, f"{name}.onnx")
        export_onnx(torch, model, onnx_path)
        write_npy(os.path.join(out_dir, f"{name}_logits_1000.npy"), sub_logits)
        ops, err = check_onnx(torch, onnx, onnx_path, test_x[:SUBSET],
                              sub_logits)
        if name != "mlp":
            assert "BatchNormalization" in ops, f"{name}: BN was folded"
        print(f"    params {params}, top-1 10k {acc_10k:.4f}, 1k {acc_1k:.4f},"
              f" {train_s:.0f}s, onnx max err {err:.2e}, ops {ops}",
              flush=True)

        info["models"][name] = {
            "file": f"{name}.onnx",
            "sha256": sha256(onnx_path),
            "bytes": os.path.getsize(onnx_path),
            "parameters": params,
            "top1_test_10000": round(acc_10k, 4),
            "top1_test_1000": round(acc_1k, 4),
            "reference_logits": f"{name}_logits_1000.npy",
            "onnx_ops": ops,
            "onnx_vs_torch_max_abs_err": err,
            "epochs": cfg["epochs"],
            "max_lr": cfg["lr"],
            "batch": BATCH,
            "optimizer": "Adam + OneCycleLR",
            "seed": SEED + i,
            "train_seconds": round(train_s, 1),
        }

    with open(os.path.join(out_dir, "fixtures.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--export-test-set", metavar="DIR",
                    help="only write the full normalized test set to DIR "
                         "(numpy only, no torch)")
    ap.add_argument("--data-dir", default=fmnist.DEFAULT_DIR,
                    help="directory of the Fashion-MNIST idx .gz files")
    ap.add_argument("--out", default=OUT_DIR,
                    help="fixture output directory (default %(default)s)")
    args = ap.parse_args()
    if args.export_test_set:
        export_test_set(args.export_test_set, args.data_dir)
    else:
        make_fixtures(args.out, args.data_dir)


if __name__ == "__main__":
    main()
