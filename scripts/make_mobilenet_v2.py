"""Writes torchvision's MobileNetV2 1.0 (224x224, random weights) as ONNX.

Used by tests/cli/test_quant_sizes_mobilenet_v2.sh to measure the file sizes
of octet's quantization modes on a full-size network (issue 4: int8,
dynamic and weights-int8 at most 0.27x the float file, float16 at most
0.51x). The weights are random (seeded), so nothing is downloaded and the
model is not committed: the test generates it into its temporary directory.

Usage: /usr/bin/python3 scripts/make_mobilenet_v2.py OUT.onnx
"""
import sys

import torch
import torchvision


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_mobilenet_v2.py OUT.onnx")
    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v2()  # random init, no download
    model.eval()
    x = torch.zeros(1, 3, 224, 224)
    torch.onnx.export(model, x, sys.argv[1], opset_version=13,
                      input_names=["input"], output_names=["logits"])


if __name__ == "__main__":
    main()
