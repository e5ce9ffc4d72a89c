#!/usr/bin/env python3
"""Golden tensors for every CIFAR zoo model of mdistiller, from PyTorch, for nn's ZooGoldenTest.

    /usr/bin/python3 scripts/zoo_golden.py OUTDIR --seed N [--models a,b] [--models-py PATH]
                                           [--batch B] [--threads T] [--measure]

The models come from the shared re-typing of mdistiller's zoo, /work/shared/bench/models.py
(--models-py, else <repo>/../shared/bench/models.py). For each model (one "case" named after it)
OUTDIR gets, in make_golden.py's format (raw little-endian float32 *.f32 / int32 *.i32 files and
manifest.json listing tensors and cases, which org.crld4j.testing.golden.GoldenSet reads):

  NAME.pth                 torch.save(state_dict): seeded init, then every BN weight/bias and
                           conv/linear bias drawn away from 1/0 and the running statistics
                           calibrated on a separate batch and then perturbed (see perturb())
  NAME.input, NAME.target  a batch of B images 3x32x32 and B class indices
  NAME.eval.logits         model.eval() logits
  NAME.eval.loss           cross_entropy(eval logits, target)
  NAME.eval.grad.<param>   gradients of that loss (eval mode: BN is a fixed affine map)
  NAME.train.logits        model.train() logits (batch statistics)
  NAME.train.loss          cross_entropy(train logits, target)
  NAME.train.grad.<param>  gradients of the train loss
  NAME.train.<bn>.running_mean / .running_var / .num_batches_tracked   every BN after that forward

<param> are the first convolution's weight, a middle convolution's weight, the middle BN's
weight and bias and the classifier's weight and bias; the case lists them ("grads") with the
state-dict keys of all BNs ("bns").

Every expected value is computed by PyTorch in float64 from the float32 weights and input, then
rounded to float32. Plain float32 PyTorch's deviation from that is recorded per tensor as
make_golden.py does ("torch_f32_max_abs_err", "torch_f32_max_rel_err"). Four more float32
"probes" run with the input + and - 1e-6 N(0, 1) and with every float of the state dict times
(1 + and - 3e-7 N(0, 1)) (one draw each, both signs: a unit near 0 crosses it one way or the
other; the state noise perturbs every layer, as rounding does). Per tensor the manifest records
each probe's max |f32 - f64| / max |f64| ("torch_f32_err_vs_max_by_probe") and the worst of them
("conditioning"): ReLU networks' gradients jump where a pre-activation crosses 0, which float32
rounding does at random in deep networks, and the test compares only what the probes show
float32 can reproduce. --measure adds a probe (float32 with mkldnn off, another convolution
algorithm) and the float64 run on the input + 1e-6 N(0, 1) ("float64_input_jitter_1e-06_vs_max",
a crossing in exact arithmetic), and prints a table of them.
"""
import argparse
import copy
import json
import os
import sys
import time
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NUM_CLASSES = 100
RUNNING_STATS_BATCHES = 187680  # num_batches_tracked after 240 CIFAR epochs at batch 64
INPUT_JITTER = 1e-6  # ~10 float32 ulps of a N(0, 1) input
STATE_JITTER = 3e-7  # relative, on every float of the state dict: ~2.5 float32 ulps


def load_models(path):
    if not os.path.isfile(path):
        sys.exit(f"models.py not found at {os.path.abspath(path)} (pass --models-py)")
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    import models  # noqa: E402  (as make_golden.py does)
    return models


def model_seed(seed, name):
    """A per-model seed that does not depend on which other models are generated."""
    return seed * 100_003 + zlib.crc32(name.encode()) % 100_000


def perturb(model, g):
    """Moves every BN away from weight 1 / bias 0 and every conv/linear bias away from 0 (so a
    dropped bias or affine term shows), then sets running statistics: calibrated on a separate
    batch (so that eval mode of a deep network stays well scaled, as after training) and then
    perturbed so that running_mean and running_var are distinct, non-trivial and not the batch's."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(0.5 + torch.rand(m.num_features, generator=g))
                m.bias.copy_(0.1 * torch.randn(m.num_features, generator=g))
            elif isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
        for m in bns:
            m.momentum = None  # cumulative average: the calibration batch's statistics
        model.train()
        model(torch.randn(4, 3, 32, 32, generator=g))
        for m in bns:
            m.momentum = 0.1
            std = m.running_var.sqrt()
            m.running_mean.add_(0.2 * std * torch.randn(m.num_features, generator=g))
            m.running_var.mul_(0.7 + 0.6 * torch.rand(m.num_features, generator=g))
            m.num_batches_tracked.fill_(RUNNING_STATS_BATCHES)


def chosen_params(model):
    """State-dict keys of the parameters whose gradients are stored."""
    modules = dict(model.named_modules())
    convs = [n for n, m in modules.items() if isinstance(m, nn.Conv2d)]
    bns = [n for n, m in modules.items() if isinstance(m, nn.BatchNorm2d)]
    linear = [n for n, m in modules.items() if isinstance(m, nn.Linear)][-1]
    mid_conv, mid_bn = convs[len(convs) // 2], bns[len(bns) // 2]
    return [f"{convs[0]}.weight", f"{mid_conv}.weight", f"{mid_bn}.weight", f"{mid_bn}.bias",
            f"{linear}.weight", f"{linear}.bias"], bns


def run(model, x, y, params, bns):
    """Eval then train forward/backward in the model's dtype; returns name -> tensor."""
    out = {}
    p = dict(model.named_parameters())
    for k, v in p.items():  # gradients of the chosen parameters only: halves the backward's cost
        v.requires_grad_(k in params)
    model.eval()
    logits = model(x)[0]
    loss = F.cross_entropy(logits, y)
    loss.backward()
    out["eval.logits"], out["eval.loss"] = logits.detach(), loss.detach()
    for k in params:
        out[f"eval.grad.{k}"] = p[k].grad.clone()
    model.zero_grad(set_to_none=True)
    model.train()
    logits = model(x)[0]
    loss = F.cross_entropy(logits, y)
    loss.backward()
    out["train.logits"], out["train.loss"] = logits.detach(), loss.detach()
    for k in params:
        out[f"train.grad.{k}"] = p[k].grad.clone()
    b = dict(model.named_buffers())
    for n in bns:
        for s in ("running_mean", "running_var", "num_batches_tracked"):
            out[f"train.{n}.{s}"] = b[f"{n}.{s}"].clone()
    return out


def vs_max(ref, got):
    """max |got - ref| / max |ref|: an error on the tensor's own scale."""
    d = (ref.double() - got.double()).abs().max().item()
    scale = ref.double().abs().max().item()
    return d / scale if scale > 0 else d


def errors(ref64, probes):
    """Plain float32 PyTorch's error as make_golden.py records it, each probe's on the tensor's
    scale, and the worst of those: the tensor's conditioning in float32."""
    d = (ref64.double() - probes["float32"].double()).abs()
    by_probe = {p: vs_max(ref64, got) for p, got in probes.items()}
    return {"torch_f32_max_abs_err": d.max().item(),
            "torch_f32_max_rel_err": (d / ref64.double().abs().clamp_min(1e-6)).max().item(),
            "torch_f32_err_vs_max_by_probe": by_probe, "conditioning": max(by_probe.values())}


def scaled(model, noise, eps):
    """A copy with every state-dict float times 1 + eps * noise: rounding-like noise in every layer."""
    m = copy.deepcopy(model)
    with torch.no_grad():
        for k, v in m.state_dict().items():
            if k in noise:
                v.mul_(1 + eps * noise[k])
    return m


class Writer:
    def __init__(self, outdir):
        self.outdir, self.tensors, self.cases = outdir, [], {}
        os.makedirs(outdir, exist_ok=True)

    def put(self, case, name, t, extra=None):
        full = f"{case}.{name}"
        t = t.detach()
        if t.dtype in (torch.int64, torch.int32):
            arr, dtype, ext = t.numpy().astype("<i4"), "int32", "i32"
        else:
            arr, dtype, ext = t.to(torch.float64).numpy().astype("<f4"), "float32", "f32"
        fname = f"{full}.{ext}"
        arr.tofile(os.path.join(self.outdir, fname))
        entry = {"name": full, "shape": list(t.shape), "dtype": dtype, "file": fname, "case": case}
        if arr.size == 1:
            entry["value"] = arr.reshape(-1)[0].item()
        entry.update(extra or {})
        self.tensors.append(entry)

    def put_file(self, case, name, fname, note):
        self.tensors.append({"name": f"{case}.{name}", "shape": None, "dtype": "torch.save-zip",
                             "file": fname, "case": case, "note": note})


def generate(w, models, name, seed, batch, measure):
    s = model_seed(seed, name)
    torch.manual_seed(s)
    model = models.build(name, NUM_CLASSES)
    g = torch.Generator().manual_seed(s)
    perturb(model, g)
    sd = model.state_dict()
    torch.save(sd, os.path.join(w.outdir, f"{name}.pth"))
    w.put_file(name, "state_dict", f"{name}.pth", f"torch.save(model.state_dict()), {len(sd)} entries")
    x = torch.randn(batch, 3, 32, 32, generator=g)
    y = torch.randint(0, NUM_CLASSES, (batch,), generator=g)
    params, bns = chosen_params(model)

    def at(dtype, xin, m=model, mkldnn=True):
        with torch.backends.mkldnn.flags(enabled=mkldnn):
            return run(copy.deepcopy(m).to(dtype), xin.to(dtype), y, params, bns)

    jitter = torch.randn(x.shape, generator=g)
    noise = {k: torch.randn(v.shape, generator=g) for k, v in sd.items() if v.is_floating_point()}
    ref = at(torch.float64, x)
    probes = {"float32": at(torch.float32, x)}
    for sign, tag in ((1, "+"), (-1, "-")):  # both signs: a unit near 0 crosses it one way or the other
        probes[f"float32, input {tag} {INPUT_JITTER:g} N(0,1)"] = at(
            torch.float32, x + sign * INPUT_JITTER * jitter)
        probes[f"float32, state x (1 {tag} {STATE_JITTER:g} N(0,1))"] = at(
            torch.float32, x, scaled(model, noise, sign * STATE_JITTER))
    if measure:
        probes["float32 without mkldnn"] = at(torch.float32, x, mkldnn=False)
        jittered64 = at(torch.float64, x + INPUT_JITTER * jitter)
    w.put(name, "input", x)
    w.put(name, "target", y)
    for k, v in ref.items():
        extra = {}
        if v.is_floating_point():
            extra = errors(v, {p: out[k] for p, out in probes.items()})
            if measure:
                extra[f"float64_input_jitter_{INPUT_JITTER:g}_vs_max"] = vs_max(v, jittered64[k])
        w.put(name, k, v, extra)
    w.cases[name] = {"model": f"models.py build('{name}', {NUM_CLASSES})", "seed": s,
                     "state_dict": f"{name}.pth", "batch": batch, "grads": params, "bns": bns,
                     "probes": list(probes), "state_dict_keys": list(sd.keys())}
    if measure:
        print_measurements(w, name, ref, probes)


def print_measurements(w, name, ref, probes):
    """A row per logit, loss and gradient: each probe's error, then float64's on the jittered input."""
    entries = {t["name"]: t for t in w.tensors}
    print(f"{name}: max |probe - float64| / max |float64| for " + "; ".join(
        f"[{i}] {p}" for i, p in enumerate(list(probes) + ["float64, input + 1e-06 N(0,1)"])))
    for k in ref:
        if k.startswith("train.") and (".running_" in k or k.endswith("num_batches_tracked")):
            continue
        e = entries[f"{name}.{k}"]
        errs = list(e["torch_f32_err_vs_max_by_probe"].values())
        errs.append(e[f"float64_input_jitter_{INPUT_JITTER:g}_vs_max"])
        print(f"  {k:<48}" + "".join(f"{v:>9.1e}" for v in errs), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--models", help="comma-separated names (default: every model in models.py)")
    ap.add_argument("--models-py", default=os.path.join(REPO, "..", "shared", "bench", "models.py"))
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--measure", action="store_true",
                    help="also probe float32 without mkldnn and float64 on the jittered input; print a table")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    models = load_models(a.models_py)
    names = a.models.split(",") if a.models else list(models.MODELS)
    unknown = [n for n in names if n not in models.MODELS]
    if unknown:
        sys.exit(f"not in {a.models_py}: {', '.join(unknown)}; it has {', '.join(models.MODELS)}")
    w = Writer(a.outdir)
    for n in names:
        t = time.time()
        generate(w, models, n, a.seed, a.batch, a.measure)
        print(f"{n}: {time.time() - t:.1f} s", flush=True)
    manifest = {"generator": "scripts/zoo_golden.py", "seed": a.seed, "torch_version": torch.__version__,
                "models_py": os.path.abspath(a.models_py), "models": names,
                "precision": "expected values computed in float64 from the float32 weights and input, "
                             "stored as float32; torch_f32_* = deviation of float32 PyTorch from them",
                "tensors": w.tensors, "cases": w.cases}
    with open(os.path.join(a.outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
