#!/usr/bin/env python3
"""Rounding error of Winograd F(2x2,3x3) and F(4x4,3x3) against direct float32 convolution.

One output tile of a 3x3 convolution over C channels, inputs N(0,1), weights He-scaled
(N(0, 2/(9C))), computed in float32 three ways and compared with the float64 result; prints the
largest absolute error over 200 tiles. Why crld4j uses F(2x2,3x3): see BENCHMARKS.md.
Usage: /usr/bin/python3 scripts/winograd_error.py   (needs numpy, which python3-torch brings)
"""
import numpy as np

F23 = dict(BT=[[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
           G=[[1, 0, 0], [.5, .5, .5], [.5, -.5, .5], [0, 0, 1]],
           AT=[[1, 1, 1, 0], [0, 1, -1, -1]], alpha=4, m=2)
F43 = dict(BT=[[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
               [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
           G=[[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6],
              [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
           AT=[[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
           alpha=6, m=4)


def winograd(d, g, f):
    bt, gm, at = (np.array(f[k], dtype=np.float32) for k in ("BT", "G", "AT"))
    u = np.einsum("ij,cjk,lk->cil", gm, g, gm)
    v = np.einsum("ij,cjk,lk->cil", bt, d, bt)
    return at @ (u * v).sum(0, dtype=np.float32) @ at.T


def direct(d, g, m, dtype):
    return np.array([[(d[:, i:i + 3, j:j + 3].astype(dtype) * g.astype(dtype)).sum(dtype=dtype)
                      for j in range(m)] for i in range(m)])


rng = np.random.default_rng(0)
for c in (64, 256):
    for name, f in (("F(2x2,3x3)", F23), ("F(4x4,3x3)", F43)):
        err = {"winograd": 0.0, "direct": 0.0}
        for _ in range(200):
            d = rng.standard_normal((c, f["alpha"], f["alpha"])).astype(np.float32)
            g = (rng.standard_normal((c, 3, 3)) * np.sqrt(2 / (9 * c))).astype(np.float32)
            ref = direct(d, g, f["m"], np.float64)
            err["winograd"] = max(err["winograd"], np.abs(winograd(d, g, f) - ref).max())
            err["direct"] = max(err["direct"], np.abs(direct(d, g, f["m"], np.float32) - ref).max())
        print(f"C={c:<4} {name}: max abs error {err['winograd']:.2e}  (direct float32 {err['direct']:.2e})")
