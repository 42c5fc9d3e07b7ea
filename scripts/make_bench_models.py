#!/usr/bin/python3
"""Writes the models bench/run.sh measures (into a build dir, not committed).

  mobilenet_v2.onnx          torchvision MobileNetV2 1.0, 224x224x3, opset 13,
                             float32 input "input" [1,3,224,224]
  mobilenet_v2_qdq.onnx      the same network and weights after PyTorch
                             post-training quantization (qnnpack config, FX
                             graph mode, calibrated on random data), exported
                             as QuantizeLinear / DequantizeLinear + float ops
  mobilenet_v2_calib.npy     float32 [N,3,224,224] calibration samples for
                             `octet convert --quantize int8`
  mobilenet_v2_input.npy     one float32 [1,3,224,224] input (for the peers)
  <fixture>_qdq.onnx         the same for the Fashion-MNIST fixtures of
                             tests/data/fixtures (mlp, cnn_bn,
                             mobilenet_v2_tiny, resnet_tiny): their committed
                             float weights, quantized the same way,
                             calibrated on fmnist_calib_512_x.npy
  <fixture>.onnx             the committed float file, copied beside them
  <fixture>_input.npy        one float32 [1,1,28,28] test image
  models.json                what was written, with versions and settings

Weights are random (timing does not need trained ones), but with realistic
BatchNorm statistics: the network runs a few random batches in train mode so
every BatchNorm's running mean and variance match the activations it sees,
then switches to eval. Without that the default statistics (mean 0, var 1)
let activations grow through the 17 blocks, which makes calibration ranges
and int8 accuracy unlike a real model's.

  /usr/bin/python3 scripts/make_bench_models.py [--out build/bench-models]
      [--calib N] [--skip-fixtures]

Needs Debian's python3-torch (1.13) and python3-torchvision (0.14), numpy
and onnx. Deterministic: fixed seeds, one thread.
"""
import argparse
import json
import os
import shutil
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "data", "fixtures")
FIXTURE_NAMES = ["mlp", "cnn_bn", "mobilenet_v2_tiny", "resnet_tiny"]
SEED = 20261206
OPSET = 13


def write_npy(path, a):
    np.save(path, np.ascontiguousarray(a), allow_pickle=False)


def set_bn_statistics(torch, model, shape, batches, batch, gen):
    """Runs random batches in train mode (momentum None = cumulative average
    over all of them), then goes to eval."""
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn((batch,) + shape, generator=gen))
    model.eval()


def quantize_fx(torch, model, calib, example):
    """PyTorch post-training static quantization, FX graph mode, qnnpack:
    quint8 per-tensor activations, qint8 per-tensor weights."""
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    torch.backends.quantized.engine = "qnnpack"
    qmap = get_default_qconfig_mapping("qnnpack")
    backend = backend_config_without_linear_relu(torch)
    prepared = prepare_fx(model.eval(), qmap, (example,), backend_config=backend)
    with torch.no_grad():
        for i in range(0, len(calib), 16):
            prepared(calib[i:i + 16])
    return convert_fx(prepared, backend_config=backend)


def backend_config_without_linear_relu(torch):
    """qnnpack's FX backend config minus the Linear + ReLU fusion: torch
    1.13's ONNX exporter has no symbolic for the fused quantized::linear_relu
    (the MLP fixture hits it), while quantized::linear followed by a
    quantized ReLU exports, as QDQ around Gemm and Relu."""
    from torch.ao.quantization.backend_config import (BackendConfig,
                                                      get_qnnpack_backend_config)
    keep = []
    for c in get_qnnpack_backend_config().configs.values():
        p = c.pattern
        if isinstance(p, tuple) and "relu" in str(p[0]).lower() and "Linear" in str(p[1]):
            continue
        keep.append(c)
    return BackendConfig("qnnpack_no_linear_relu").set_backend_pattern_configs(keep)


def export(torch, model, example, path, qdq):
    kw = {}
    if not qdq:
        # Keep the BatchNormalization nodes, as the fixtures do: the
        # converter's folding pass is part of what the benchmark runs.
        kw = dict(do_constant_folding=False,
                  training=torch.onnx.TrainingMode.PRESERVE)
    torch.onnx.export(model, example, path, opset_version=OPSET,
                      input_names=["input"], output_names=["output"], **kw)


def count_ops(onnx, path):
    g = onnx.load(path).graph
    ops = {}
    for n in g.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    return dict(sorted(ops.items()))


def check_close(torch, ref, got, what):
    err = float((ref - got).abs().max())
    scale = float(ref.abs().max())
    print(f"  {what}: max |diff| {err:.4g} (output range {scale:.4g})")
    return err, scale


def make_mobilenet_v2(torch, torchvision, onnx, out, n_calib, info):
    gen = torch.Generator().manual_seed(SEED)
    torch.manual_seed(SEED)
    model = torchvision.models.mobilenet_v2(weights=None)
    t0 = time.time()
    set_bn_statistics(torch, model, (3, 224, 224), batches=6, batch=8, gen=gen)
    print(f"  BatchNorm statistics from 48 random images: {time.time() - t0:.1f} s")
    example = torch.randn((1, 3, 224, 224), generator=gen)
    calib = torch.randn((n_calib, 3, 224, 224), generator=gen)
    float_path = os.path.join(out, "mobilenet_v2.onnx")
    export(torch, model, example, float_path, qdq=False)
    with torch.no_grad():
        ref = model(example)
    t0 = time.time()
    qmodel = quantize_fx(torch, model, calib, example)
    print(f"  FX quantization, {n_calib} calibration images: {time.time() - t0:.1f} s")
    with torch.no_grad():
        qout = qmodel(example)
    err, scale = check_close(torch, ref, qout, "int8 vs float (torch)")
    qdq_path = os.path.join(out, "mobilenet_v2_qdq.onnx")
    export(torch, qmodel, example, qdq_path, qdq=True)
    write_npy(os.path.join(out, "mobilenet_v2_calib.npy"), calib.numpy())
    write_npy(os.path.join(out, "mobilenet_v2_input.npy"), example.numpy())
    info["mobilenet_v2"] = dict(
        float="mobilenet_v2.onnx", qdq="mobilenet_v2_qdq.onnx",
        calib="mobilenet_v2_calib.npy", input="mobilenet_v2_input.npy",
        input_shape=[1, 3, 224, 224], calib_samples=n_calib,
        int8_vs_float_max_abs_diff=err, float_output_max_abs=scale,
        float_ops=count_ops(onnx, float_path), qdq_ops=count_ops(onnx, qdq_path))


def load_onnx_weights(torch, onnx, model, path):
    """Copies the initializers of a committed fixture into its torch module.
    The names are the state_dict keys (exported without constant folding);
    a tensor the exporter stored once for two names is reached through the
    Identity node that makes the second name."""
    from onnx import numpy_helper
    g = onnx.load(path).graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    for n in g.node:
        if n.op_type == "Identity" and n.input[0] in inits:
            inits[n.output[0]] = inits[n.input[0]]
    state = model.state_dict()
    for k in state:
        if k.endswith("num_batches_tracked"):
            continue
        if k not in inits:
            raise SystemExit(f"{path}: no initializer for {k}")
        state[k] = torch.from_numpy(inits[k].copy())
    model.load_state_dict(state)
    model.eval()


def make_fixture(torch, onnx, name, builders, out, info):
    src = os.path.join(FIXTURES, name + ".onnx")
    model = builders[name]()
    load_onnx_weights(torch, onnx, model, src)
    calib = torch.from_numpy(np.load(os.path.join(FIXTURES, "fmnist_calib_512_x.npy")))
    test = np.load(os.path.join(FIXTURES, "fmnist_test_1000_x.npy"))
    ref_logits = torch.from_numpy(np.load(os.path.join(FIXTURES, name + "_logits_1000.npy")))
    x = torch.from_numpy(test)
    with torch.no_grad():
        got = model(x)
    err, _ = check_close(torch, ref_logits, got, f"{name}: reloaded weights vs committed logits")
    if err > 1e-3:
        raise SystemExit(f"{name}: weights did not load (diff {err})")
    example = x[:1]
    qmodel = quantize_fx(torch, model, calib, example)
    labels = np.load(os.path.join(FIXTURES, "fmnist_test_1000_y.npy"))
    with torch.no_grad():
        q = qmodel(x)
    top1_f = float((got.argmax(1).numpy() == labels).mean())
    top1_q = float((q.argmax(1).numpy() == labels).mean())
    print(f"  {name}: top-1 float {top1_f:.3f}, int8 in torch's qnnpack kernels {top1_q:.3f}")
    qdq_path = os.path.join(out, name + "_qdq.onnx")
    export(torch, qmodel, example, qdq_path, qdq=True)
    shutil.copyfile(src, os.path.join(out, name + ".onnx"))
    write_npy(os.path.join(out, name + "_input.npy"), test[:1])
    info[name] = dict(float=name + ".onnx", qdq=name + "_qdq.onnx",
                      calib="(tests/data/fixtures/fmnist_calib_512_x.npy)",
                      input=name + "_input.npy", input_shape=[1, 1, 28, 28],
                      top1_float_1000=top1_f, top1_torch_int8_1000=top1_q,
                      qdq_ops=count_ops(onnx, qdq_path))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-models"))
    ap.add_argument("--calib", type=int, default=200,
                    help="random calibration images for MobileNetV2 (default 200)")
    ap.add_argument("--skip-fixtures", action="store_true")
    ap.add_argument("--skip-mobilenet", action="store_true")
    args = ap.parse_args()

    import torch
    import torchvision
    import onnx
    import warnings
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    info_path = os.path.join(args.out, "models.json")
    info = {}
    if os.path.exists(info_path):
        info = json.load(open(info_path)).get("models", {})
    if not args.skip_mobilenet:
        print("MobileNetV2 1.0 224:")
        make_mobilenet_v2(torch, torchvision, onnx, args.out, args.calib, info)
    if not args.skip_fixtures:
        import make_fixtures
        builders = make_fixtures.build_models(torch)
        print("Fashion-MNIST fixtures:")
        for name in FIXTURE_NAMES:
            make_fixture(torch, onnx, name, builders, args.out, info)
    meta = dict(torch=torch.__version__, torchvision=torchvision.__version__,
                onnx=onnx.__version__, numpy=np.__version__, opset=OPSET,
                seed=SEED, qconfig="qnnpack (FX, get_default_qconfig_mapping)",
                models=info)
    with open(info_path, "w") as f:
        json.dump(meta, f, indent=1)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
