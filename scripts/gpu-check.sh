#!/usr/bin/env bash
# The prepared GPU-machine check (issue 13), run there from the checkout's root after packing here
# with scripts/gpu-pack.sh:   . .gpu/gpu-env.sh && bash scripts/gpu-check.sh
# Writes into $OUT (the device tool's output folder; ./gpu-out otherwise): what gpu-env found and
# `crld devices`; a 10-step resnet8 training on the CPU and on OpenCL (per-step losses side by
# side); `crld bench-step --device opencl` with its host<->device transfers; the same workloads in
# PyTorch on CUDA, float32 (TF32 off) and, reported apart, with TF32 on; a summary table.
# It stops after the listing if NVIDIA's OpenCL driver is not there (that is information).
set -uo pipefail
out="${OUT:-$PWD/gpu-out}"
mkdir -p "$out"
: "${CRLD4J_JAR:?source .gpu/gpu-env.sh first}"
crld() { java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -DuniqueLibraryNames=true \
           -XX:+UseG1GC -Djava.awt.headless=true -Djava.util.logging.SimpleFormatter.format='%4$s: %5$s%n' -jar "$CRLD4J_JAR" "$@"; }
{ echo "OCL_ICD_VENDORS=$OCL_ICD_VENDORS"; ls "$OCL_ICD_VENDORS"; cat "$OCL_ICD_VENDORS"/*.icd; java -version 2>&1
  command -v nvidia-smi >/dev/null && nvidia-smi; } > "$out/env.txt" 2>&1
crld devices 2>&1 | tee "$out/devices.txt"
grep -q "NVIDIA" "$out/devices.txt" || { echo "gpu-check: no NVIDIA OpenCL device listed; stopping (see $out/env.txt)"; exit 0; }

for dev in cpu opencl; do
  timeout 300 crld train --device "$dev" --model resnet8 --set SOLVER.EPOCHS=1 --set SOLVER.MAX_STEPS_PER_EPOCH=10 \
    --out "$out/train-$dev" > "$out/train-$dev.log" 2>&1
  echo "train on $dev: exit $?; $(grep -o 'train_loss [0-9.]*' "$out/train-$dev.log")"
done
paste <(grep -o 'step [0-9]*/10 loss [0-9.]*' "$out/train-cpu.log") <(grep -o 'step [0-9]*/10 loss [0-9.]*' "$out/train-opencl.log") \
  | tee "$out/train-losses.txt"

timeout 300 crld bench-step --device opencl --models resnet8x4,resnet32x4 --warmup 5 --iters 20 --json "$out/crld4j-opencl.json" \
  2>&1 | tee "$out/bench-opencl.txt"
for tf in "" --tf32; do
  timeout 300 python3 scripts/torch_gpu_bench.py $tf --json "$out/torch-cuda${tf:+-tf32}.json" 2>&1 | tail -3
done
python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
def load(n):
    p = os.path.join(out, n)
    return json.load(open(p)) if os.path.exists(p) else None
c, t, t32 = load("crld4j-opencl.json"), load("torch-cuda.json"), load("torch-cuda-tf32.json")
med = lambda r: r["images_per_s"]["median"]
rows = []
for m in ("resnet8x4", "resnet32x4"):
    for k, name in (("inference_eval_no_grad", "inference"), ("train_step_sgd", "training step")):
        rows.append((f"{m} {name}", c and med(c["models"][m][k]), t and med(t["models"][m][k]), t32 and med(t32["models"][m][k])))
rows.append(("CRLD step", c and med(c["crld"]), t and med(t["crld"]), t32 and med(t32["crld"])))
lines = [f"device: {t and t['device']}; torch {t and t['torch']}", "| workload | crld4j OpenCL img/s | PyTorch CUDA fp32 img/s | ratio | PyTorch TF32 img/s |", "|---|---|---|---|---|"]
f = lambda v: "-" if v is None else f"{v:.1f}"
for n, a, b, b32 in rows:
    lines.append(f"| {n} | {f(a)} | {f(b)} | {'-' if not (a and b) else f'{a / b:.2f}'} | {f(b32)} |")
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
