"""Fashion-MNIST loading and normalization, with numpy and the standard library only.

Shared by scripts/make_fixtures.py: its training mode (which needs torch) and
its --export-test-set mode (which must not, so that CI can write the full
10,000-image test set as .npy at test time from the Debian package
`dataset-fashion-mnist` without installing torch). Writing the reader and the
normalization once keeps the committed fixtures and the test-time set
bit-identical.

The models in tests/data/fixtures/ take normalized float32 NCHW input
[N, 1, 28, 28]; normalization is NOT inside the ONNX graphs, so every caller
must apply `normalize` (x / 255, then (x - MEAN) / STD) first.
"""
import gzip
import os
import struct

import numpy as np

# Where Debian's dataset-fashion-mnist package installs the idx files.
DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"

# Training-set pixel mean and std after scaling to [0, 1] (the values the
# Fashion-MNIST community uses); fixed here rather than recomputed so the
# constants recorded in fixtures.json never drift.
MEAN = 0.2860
STD = 0.3530

CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

_FILES = {
    ("train", "images"): "train-images-idx3-ubyte.gz",
    ("train", "labels"): "train-labels-idx1-ubyte.gz",
    ("test", "images"): "t10k-images-idx3-ubyte.gz",
    ("test", "labels"): "t10k-labels-idx1-ubyte.gz",
}


def read_idx(path):
    """Reads a (optionally gzipped) idx file of unsigned bytes as a numpy array.

    The header is checked rather than trusted so a truncated or wrong file
    fails here with a clear message instead of as a bad reshape later.
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise ValueError(f"{path}: too short for an idx header")
    zero, dtype_code, ndim = struct.unpack_from(">HBB", data, 0)
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte idx file")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path}: truncated idx header")
    dims = struct.unpack_from(f">{ndim}I", data, 4)
    count = int(np.prod(dims, dtype=np.int64))
    if len(data) - header != count:
        raise ValueError(f"{path}: expected {count} data bytes for shape "
                         f"{dims}, found {len(data) - header}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def load(split, data_dir=DEFAULT_DIR):
    """Returns (images uint8 [N, 28, 28], labels int64 [N]) for "train" or "test"."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    images = read_idx(os.path.join(data_dir, _FILES[(split, "images")]))
    labels = read_idx(os.path.join(data_dir, _FILES[(split, "labels")]))
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"{split} images: unexpected shape {images.shape}")
    if labels.shape != (images.shape[0],):
        raise ValueError(f"{split}: {images.shape[0]} images but labels "
                         f"have shape {labels.shape}")
    return images, labels.astype(np.int64)


def normalize(images):
    """uint8 [N, 28, 28] -> normalized float32 NCHW [N, 1, 28, 28].

    Computed in float32 in a fixed order (scale, then shift and divide) so
    every run and every caller produces the same bits.
    """
    x = images.astype(np.float32)[:, None, :, :] / np.float32(255.0)
    return (x - np.float32(MEAN)) / np.float32(STD)
