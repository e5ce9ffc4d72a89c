#!/usr/bin/env bash
# Runs PyTorch's baseline (../shared/bench/torch_bench.py, Debian's python3-torch) and crld4j's
# `crld bench-step` on the same workloads in one sitting, and prints ours/PyTorch per row.
#   scripts/compare-torch.sh [--iters K]     (K >= 5; default 7)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
iters=7
[ "${1:-}" = "--iters" ] && iters="$2"
bench="$root/../shared/bench"
[ -f "$bench/torch_bench.py" ] || { echo "missing $bench/torch_bench.py" >&2; exit 1; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "PyTorch missing: apt-get install -y python3-torch" >&2; exit 1; }
out="$(mktemp -d)"
(cd "$bench" && /usr/bin/python3 torch_bench.py --iters "$iters" --out-prefix "$out/torch") | sed 's/^/torch:  /'
"$root/bin/crld" bench-step --models resnet8x4,resnet32x4,wrn_40_2 --iters "$iters" --json "$out/ours.json" | sed 's/^/crld4j: /'
/usr/bin/python3 - "$out/torch.json" "$out/ours.json" <<'PY'
import json, sys
t, o = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
med = lambda r: r["images_per_s"]["median"]
print(f"\n{'workload':<34}{'crld4j img/s':>14}{'PyTorch img/s':>15}{'ratio':>8}")
for m in o["models"]:
    for k in ("inference_eval_no_grad", "train_step_sgd"):
        a, b = med(o["models"][m][k]), med(t["models"][m][k])
        print(f"{m + ' ' + k:<34}{a:>14.1f}{b:>15.1f}{a / b:>8.2f}")
a, b = med(o["crld"]), med(t["crld"])
print(f"{'crld step':<34}{a:>14.1f}{b:>15.1f}{a / b:>8.2f}")
print(f"\ncrld4j peak RSS {o['peak_rss_mb']:.0f} MB, peak heap {o['peak_heap_mb']:.0f} MB")
PY
rm -rf "$out"
