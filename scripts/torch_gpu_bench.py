#!/usr/bin/env python3
"""PyTorch on CUDA beside `crld bench-step --device opencl` (scripts/gpu-check.sh): the workloads of
../shared/bench/torch_bench.py (imported with its models.py: from ../shared/bench here, from
.gpu/torch on the GPU machine, where scripts/gpu-pack.sh puts copies since ../shared does not
travel), batch 64, each timed around torch.cuda.synchronize(). float32 with TF32 off by
default; --tf32 reports the TF32 run separately. JSON shaped like `crld bench-step --json`."""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for d in (os.path.join(root, ".gpu", "torch"), os.path.join(root, "..", "shared", "bench")):
    if os.path.exists(os.path.join(d, "torch_bench.py")):
        sys.path.insert(0, d)
        break
import models  # noqa: E402
import torch_bench as tb  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--models", default="resnet8x4,resnet32x4")
ap.add_argument("--warmup", type=int, default=10)
ap.add_argument("--iters", type=int, default=50)
ap.add_argument("--tf32", action="store_true", help="allow TF32 in matmul and cuDNN (default: float32)")
ap.add_argument("--device", default="cuda", help="cuda (default); cpu only to try the script where there is no GPU")
ap.add_argument("--json", required=True)
a = ap.parse_args()
dev = torch.device(a.device)
sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
torch.backends.cuda.matmul.allow_tf32 = a.tf32
torch.backends.cudnn.allow_tf32 = a.tf32
torch.backends.cudnn.benchmark = False


def timed(fn):
    for _ in range(a.warmup):
        fn()
    sync()
    ts = []
    for _ in range(a.iters):
        t0 = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t0)
    rates = sorted(tb.BATCH / t for t in ts)
    return {"sec_per_iter": ts, "images_per_s": {"min": rates[0], "median": statistics.median(rates), "max": rates[-1]}}


res = {"device": torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu", "torch": torch.__version__, "tf32": a.tf32, "models": {}}
for name in filter(None, a.models.split(",")):
    torch.manual_seed(0)
    m = models.build(name, tb.NUM_CLASSES).to(dev)
    x = torch.randn(tb.BATCH, 3, 32, 32, device=dev)
    y = torch.randint(0, tb.NUM_CLASSES, (tb.BATCH,), device=dev)
    m.eval()

    def infer():
        with torch.no_grad():
            m(x)

    r_inf = timed(infer)
    m.train()
    opt = torch.optim.SGD(m.parameters(), **tb.SGD)

    def train_step():
        opt.zero_grad(set_to_none=True)
        logits, _ = m(x)
        F.cross_entropy(logits, y).backward()
        opt.step()

    res["models"][name] = {"inference_eval_no_grad": r_inf, "train_step_sgd": timed(train_step)}

torch.manual_seed(0)
student = models.build("resnet8x4", tb.NUM_CLASSES).to(dev).train()
teacher = models.build("resnet32x4", tb.NUM_CLASSES).to(dev).eval()
for p in teacher.parameters():
    p.requires_grad_(False)
opt = torch.optim.SGD(student.parameters(), **tb.SGD)
hx_w, hx_s = torch.randn(tb.BATCH, 3, 32, 32), torch.randn(tb.BATCH, 3, 32, 32)
hy = torch.randint(0, tb.NUM_CLASSES, (tb.BATCH,))


def crld_step():  # the batch goes up every step, as in training and in crld's bench-step
    x_w, x_s, y = hx_w.to(dev), hx_s.to(dev), hy.to(dev)
    opt.zero_grad(set_to_none=True)
    (s_w, _), (s_s, _) = student(x_w), student(x_s)
    with torch.no_grad():
        (t_w, _), (t_s, _) = teacher(x_w), teacher(x_s)
    loss, _ = tb.crld_loss(s_w, s_s, t_w, t_s, y, **tb.CRLD)
    loss.backward()
    opt.step()


res["crld"] = timed(crld_step)
with open(a.json, "w") as f:
    json.dump(res, f)
print(json.dumps({k: (v if k != "models" else {m: {w: r["images_per_s"]["median"] for w, r in d.items()} for m, d in v.items()})
                  for k, v in res.items() if k != "crld"}), "crld img/s", res["crld"]["images_per_s"]["median"])
