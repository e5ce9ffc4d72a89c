#!/usr/bin/env bash
# Packs what the GPU machine needs into .gpu/ (git-ignored; the device tool carries it with
# carry: [".gpu"]): ../shared/device/pack.sh's runtime, loader and jar, plus the PyTorch workloads
# of ../shared/bench (torch_bench.py, models.py), which scripts/torch_gpu_bench.py imports there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -f experiments/target/crld4j.jar ] || { . scripts/jdk.sh; select_jdk; mvn -q -B -DskipTests package; }
../shared/device/pack.sh
mkdir -p .gpu/torch
cp ../shared/bench/torch_bench.py ../shared/bench/models.py .gpu/torch/
du -sh .gpu
