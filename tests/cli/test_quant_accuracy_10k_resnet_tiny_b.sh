#!/usr/bin/env bash
# Full 10,000-image Fashion-MNIST accuracy of int8 int16x8 on the resnet_tiny
# fixture (see quant_accuracy_10k.sh).
exec bash "$(dirname "$0")/quant_accuracy_10k.sh" "$1" resnet_tiny int8 int16x8
