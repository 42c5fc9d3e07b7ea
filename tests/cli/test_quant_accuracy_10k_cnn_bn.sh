#!/usr/bin/env bash
# Full 10,000-image Fashion-MNIST accuracy of every quantization mode on
# the cnn_bn fixture (see quant_accuracy_10k.sh).
exec bash "$(dirname "$0")/quant_accuracy_10k.sh" "$1" cnn_bn
