#!/usr/bin/env bash
# crld4j against PyTorch 1.13 (Debian's python3-torch, ../shared/bench/torch_bench.py's workloads)
# in one sitting. The guest's speed drifts by tens of per cent within minutes, so the two sides
# alternate in rounds and each round gives its own ratio; the summary is the median over rounds.
#   scripts/compare-torch.sh [--rounds R] [--iters K] [--models a,b] [--no-crld]
#   scripts/compare-torch.sh --rss          (peak RSS of resnet32x4 training alone, both sides)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=3 iters=7 models=resnet8x4,resnet32x4,wrn_40_2 crld=1 rss=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --iters) iters="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --no-crld) crld=0; shift ;;
    --rss) rss=1; shift ;;
    *) echo "compare-torch.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$iters" -ge 5 ] || { echo "compare-torch.sh: --iters must be >= 5 (medians of at least 5 runs)" >&2; exit 2; }
[ -f "$root/../shared/bench/torch_bench.py" ] || { echo "missing $root/../shared/bench/torch_bench.py" >&2; exit 1; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "PyTorch missing: apt-get install -y python3-torch" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
if [ "$rss" = 1 ]; then rounds=1 models=resnet32x4 crld=0; fi
flags=(--models "$models" --iters "$iters")
[ "$crld" = 1 ] || flags+=(--no-crld)
echo "$(date -Is) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(nproc) CPUs; ${rounds} rounds of ${iters} timed iterations"
for r in $(seq 1 "$rounds"); do
  echo "round $r: PyTorch ..."
  /usr/bin/python3 "$root/scripts/torch_workloads.py" "${flags[@]}" --json "$out/torch$r.json"
  echo "round $r: crld4j ..."
  "$root/bin/crld" bench-step "${flags[@]}" --json "$out/ours$r.json" > "$out/ours$r.log"
done
/usr/bin/python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
t = [json.load(open(f"{out}/torch{r}.json")) for r in range(1, rounds + 1)]
o = [json.load(open(f"{out}/ours{r}.json")) for r in range(1, rounds + 1)]
med = lambda d: d["images_per_s"]["median"]
rows = [(f"{m} {k}", lambda d, m=m, k=k: d["models"][m][k]) for m in o[0]["models"] for k in ("inference_eval_no_grad", "train_step_sgd")]
if "crld" in o[0]:
    rows.append(("crld step", lambda d: d["crld"]))
print(f"\n{'workload':<34}{'crld4j img/s':>13}{'PyTorch img/s':>15}   ratio per round -> median")
for name, get in rows:
    a = [med(get(d)) for d in o]
    b = [med(get(d)) for d in t]
    ratios = [x / y for x, y in zip(a, b)]
    print(f"{name:<34}{statistics.median(a):>13.1f}{statistics.median(b):>15.1f}   "
          + " ".join(f"{r:.2f}" for r in ratios) + f" -> {statistics.median(ratios):.2f}")
print(f"\npeak RSS (whole process): crld4j {max(d['peak_rss_mb'] for d in o):.0f} MB, "
      f"PyTorch {max(d['peak_rss_mb'] for d in t):.0f} MB")
PY
