#!/usr/bin/env bash
# Full 10,000-image Fashion-MNIST accuracy of float16 weights-int8 dynamic on the resnet_tiny
# fixture (see quant_accuracy_10k.sh).
exec bash "$(dirname "$0")/quant_accuracy_10k.sh" "$1" resnet_tiny float16 weights-int8 dynamic
