"""Golden tensors for crld4j's Vision Transformer and its ops, from a ViT written here by hand
with torch.nn in timm's layout and state_dict names (timm is not installable here; this follows
timm's VisionTransformer: PatchEmbed conv, class token, position embedding, pre-norm blocks of
LayerNorm(eps 1e-6) -> Attention(qkv, softmax(q k^T / sqrt(d)) v, proj) and LayerNorm -> Mlp(fc1,
GELU (erf), fc2), final norm, class-token head). Written in the format of ../shared/golden (raw
little-endian float32 / int32 files and manifest.json, which crld4j's GoldenSet reads).

    /usr/bin/python3 scripts/vit_golden.py OUTDIR [--seed SEED]

References are computed in float64 from float32 inputs and weights; each tensor also records how
far PyTorch's own float32 result lies from it (torch_f32_max_abs_err), the float32 noise floor.
Cases:
  layer_norm  x [3, 5, 16], weight, bias, an upstream gradient: out, grads of x, weight, bias
  gelu        x [4, 64] spanning [-9, 9] (large negative inputs: tiny outputs), upstream: out, grad,
              and x Phi(x) from math.erfc, exact where PyTorch's 1 + erf rounds the tail to 0
  attention   q, k, v [2, 4, 7, 16], scale 16^-0.5, upstream: out, grads of q, k, v
  vit         img 32, patch 8, width 64, depth 2, 4 heads, 10 classes, batch 3: eval logits,
              train-mode cross-entropy and the gradient of every parameter; the state_dict as
              vit_small.pth (zip) and vit_small_legacy.pth (torch.save's legacy format)
"""
import argparse
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


class PatchEmbed(nn.Module):
    def __init__(self, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, 4 * dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VisionTransformer(nn.Module):
    def __init__(self, img, patch, dim, depth, heads, classes):
        super().__init__()
        self.patch_embed = PatchEmbed(patch, dim)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, 1 + (img // patch) ** 2, dim) * 0.02)
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.norm(x)[:, 0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    tensors, cases = [], {}

    def put(case, name, t, f32=None):
        """Writes t (the float64 reference, stored as float32) and the float32 result's distance from it."""
        arr = t.detach()
        dtype, ext = ("int32", "i32") if arr.dtype in (torch.int64, torch.int32) else ("float32", "f32")
        fname = "%s.%s.%s" % (case, name, ext)
        arr.numpy().astype("<i4" if dtype == "int32" else "<f4").tofile(os.path.join(args.out, fname))
        entry = {"name": "%s.%s" % (case, name), "shape": list(arr.shape), "dtype": dtype, "file": fname, "case": case}
        if f32 is not None:
            entry["torch_f32_max_abs_err"] = float((f32.detach().double() - arr.double()).abs().max())
        tensors.append(entry)

    def both(fn, inputs):
        """fn on float64 copies and on the float32 inputs; returns (out64, grads64, out32, grads32) under sum(out * upstream)."""
        res = []
        for dt in (torch.float64, torch.float32):
            xs = [x.detach().to(dt).requires_grad_(True) for x in inputs[:-1]]
            out = fn(*xs)
            (out * inputs[-1].to(dt)).sum().backward()
            res.append((out, [x.grad for x in xs]))
        return res[0][0], res[0][1], res[1][0], res[1][1]

    # layer norm
    x, w, b = torch.randn(3, 5, 16) * 3 + 1, torch.randn(16), torch.randn(16)
    up = torch.randn(3, 5, 16)
    o64, g64, o32, g32 = both(lambda x, w, b: F.layer_norm(x, (16,), w, b, eps=1e-6), [x, w, b, up])
    for k, v in (("x", x), ("weight", w), ("bias", b), ("upstream", up)):
        put("layer_norm", k, v)
    put("layer_norm", "out", o64, o32)
    for k, g, g_ in zip(("grad_x", "grad_weight", "grad_bias"), g64, g32):
        put("layer_norm", k, g, g_)
    cases["layer_norm"] = {"op": "layer_norm", "eps": 1e-6}

    # GELU (erf)
    x = torch.linspace(-9, 9, 256).reshape(4, 64) + torch.randn(4, 64) * 0.01
    up = torch.randn(4, 64)
    o64, g64, o32, g32 = both(lambda x: F.gelu(x), [x, up])
    put("gelu", "x", x)
    put("gelu", "upstream", up)
    put("gelu", "out", o64, o32)
    put("gelu", "grad_x", g64[0], g32[0])
    # PyTorch's 0.5 (1 + erf) rounds to 0 below about -8.3 (float64); x Phi(x) from math.erfc keeps the tail's digits
    put("gelu", "exact_out", torch.tensor([[v * 0.5 * math.erfc(-v / math.sqrt(2)) for v in row] for row in x.double().tolist()]))
    cases["gelu"] = {"op": "gelu", "approximate": "none"}

    # scaled dot-product attention
    q, k, v = (torch.randn(2, 4, 7, 16) for _ in range(3))
    up = torch.randn(2, 4, 7, 16)
    scale = 16 ** -0.5
    o64, g64, o32, g32 = both(lambda q, k, v: ((q @ k.transpose(-2, -1)) * scale).softmax(-1) @ v, [q, k, v, up])
    for name, t in (("q", q), ("k", k), ("v", v), ("upstream", up)):
        put("attention", name, t)
    put("attention", "out", o64, o32)
    for name, g, g_ in zip(("grad_q", "grad_k", "grad_v"), g64, g32):
        put("attention", name, g, g_)
    cases["attention"] = {"op": "attention", "scale": scale}

    # the small ViT
    cfg = dict(img=32, patch=8, dim=64, depth=2, heads=4, classes=10)
    model = VisionTransformer(**cfg)
    state = model.state_dict()
    torch.save(state, os.path.join(args.out, "vit_small.pth"))
    torch.save(state, os.path.join(args.out, "vit_small_legacy.pth"), _use_new_zipfile_serialization=False)
    x = torch.randn(3, 3, 32, 32)
    y = torch.randint(0, 10, (3,))
    put("vit", "input", x)
    put("vit", "target", y)
    m64 = VisionTransformer(**cfg).double()
    m64.load_state_dict({k2: v2.double() for k2, v2 in state.items()})
    runs = {}
    for tag, m in (("f64", m64), ("f32", model)):
        m.eval()
        with torch.no_grad():
            logits = m(x.to(next(m.parameters()).dtype))
        m.train()  # no dropout or batch norm: train mode computes the same function
        m.zero_grad()
        loss = F.cross_entropy(m(x.to(next(m.parameters()).dtype)), y)
        loss.backward()
        runs[tag] = (logits, loss, {n: p.grad.clone() for n, p in m.named_parameters()})
    put("vit", "eval.logits", runs["f64"][0], runs["f32"][0])
    put("vit", "train.loss", runs["f64"][1], runs["f32"][1])
    for n in runs["f64"][2]:
        put("vit", "grad." + n, runs["f64"][2][n], runs["f32"][2][n])
    cases["vit"] = dict(cfg, op="vit", params=list(state.keys()),
                        param_shapes={k2: list(v2.shape) for k2, v2 in state.items()})

    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump({"tensors": tensors, "cases": cases, "generator": "scripts/vit_golden.py"}, f, indent=1)
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
