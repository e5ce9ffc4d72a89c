#!/usr/bin/env python3
"""PyTorch side of scripts/compare-torch.sh: runs chosen workloads of ../shared/bench/torch_bench.py
(imported, so the models, batch, optimiser and CRLD loss are exactly the baseline's) and writes JSON
shaped like `crld bench-step --json`, plus the process's peak RSS."""
import argparse
import json
import os
import resource
import sys

bench_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench")
sys.path.insert(0, os.environ.get("CRLD4J_TORCH_BENCH_DIR", bench_dir))
import torch  # noqa: E402
import torch_bench  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--models", default="resnet8x4")
ap.add_argument("--no-crld", action="store_true")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--warmup", type=int, default=2)
ap.add_argument("--iters", type=int, default=7)
ap.add_argument("--json", required=True)
a = ap.parse_args()
torch.set_num_threads(a.threads)
res = {"threads": torch.get_num_threads(), "models": {}}
for name in filter(None, a.models.split(",")):
    res["models"][name] = torch_bench.bench_model(name, a.warmup, a.iters)
if not a.no_crld:
    res["crld"] = torch_bench.bench_crld(a.warmup, a.iters)
res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
with open(a.json, "w") as f:
    json.dump(res, f)
