#!/usr/bin/env python3
"""Writes the embedded Fashion-MNIST subset (class-balanced, dataset order) as gzip IDX files.

Source: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist), MIT licence,
Zalando Research. Usage: scripts/make-fashion-mnist-subset.py [SRC_DIR] [OUT_DIR]
Train: the first 1000 images of each class of the training set; test: the first 200 of each
class of the t10k set. Plain Python, deterministic (gzip mtime 0).
"""
import gzip
import struct
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
out = sys.argv[2] if len(sys.argv) > 2 else "nn/src/main/resources/org/crld4j/nn/data/fashion-mnist-subset"


def read(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    nd = magic & 0xFF
    dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
    return dims, data[4 + 4 * nd:]


def write(path, magic, dims, payload):
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims) + payload)


for prefix, per_class in (("train", 1000), ("t10k", 200)):
    (n, h, w), images = read(f"{src}/{prefix}-images-idx3-ubyte.gz")
    (_,), labels = read(f"{src}/{prefix}-labels-idx1-ubyte.gz")
    counts = [0] * 10
    keep = []
    for i in range(n):
        c = labels[i]
        if counts[c] < per_class:
            counts[c] += 1
            keep.append(i)
    size = h * w
    write(f"{out}/{prefix}-images-idx3-ubyte.gz", 0x0803, (len(keep), h, w),
          b"".join(images[i * size:(i + 1) * size] for i in keep))
    write(f"{out}/{prefix}-labels-idx1-ubyte.gz", 0x0801, (len(keep),), bytes(labels[i] for i in keep))
    print(prefix, len(keep), "images", counts)
