#!/usr/bin/env bash
# crld4j's SGEMM against OpenBLAS's (torch.mm) in one sitting: the two alternate in rounds (the
# guest's speed drifts within minutes), each round gives a ratio per thread count, the summary is
# the median over rounds. OpenBLAS comes from Debian's libopenblas0-pthread, unpacked without
# installing it (../shared/bench/get_openblas.sh, or OPENBLAS_DIR=folder holding libblas.so.3).
# Then, steadier, the same product pair by pair in one JVM (scripts/ab/SgemmPairs.java: OpenBLAS's
# cblas_sgemm through the FFM API, one product of each in turn, a ratio per pair).
#   scripts/compare-sgemm.sh [--rounds R] [--n N] [--pairs P]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk.sh"
select_jdk
rounds=5 n=1024 pairs=30
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --n) n="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    *) echo "compare-sgemm.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
blas="${OPENBLAS_DIR:-$root/../shared/bench/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread}"
[ -f "$blas/libblas.so.3" ] || { echo "compare-sgemm.sh: no OpenBLAS at $blas (run ../shared/bench/get_openblas.sh or set OPENBLAS_DIR)" >&2; exit 1; }
jar="$root/experiments/target/crld4j.jar"
require_maven
(cd "$root" && mvn -q -B -ntp -DskipTests package) >&2
jvm=("$JAVA_HOME/bin/java" --add-modules=jdk.incubator.vector -XX:ObjectAlignmentInBytes=64 -XX:+UseParallelGC)
java=("${jvm[@]}" -cp "$jar")
log="$(mktemp)" classes="$(mktemp -d)"
trap 'rm -rf "$log" "$classes"' EXIT
echo "$(date -Is) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(nproc) CPUs, $(grep -o -m1 -w 'avx512f' /proc/cpuinfo || echo no avx512f); SGEMM ${n}^3, $rounds rounds"
for r in $(seq 1 "$rounds"); do
  for t in 1 2; do
    b=$(OPENBLAS_NUM_THREADS=$t LD_LIBRARY_PATH="$blas" /usr/bin/python3 "$root/scripts/openblas_mm.py" "$n" "$t")
    case "$b" in *openblas*) ;; *) echo "compare-sgemm.sh: torch did not load OpenBLAS from $blas: $b" >&2; exit 1 ;; esac
    o=$("${java[@]}" org.crld4j.experiments.bench.SgemmTimer "$n" "$t" 2>/dev/null)
    ours=$(echo "$o" | grep -o '[0-9.]* GFLOP' | cut -d' ' -f1) theirs=$(echo "$b" | grep -o '[0-9.]* GFLOP' | cut -d' ' -f1)
    [ -n "$ours" ] && [ -n "$theirs" ] || { echo "compare-sgemm.sh: round $r, $t thread(s): no figure from '$o' / '$b'" >&2; exit 1; }
    echo "round $r, $t thread(s): crld4j $ours, OpenBLAS $theirs GFLOP/s"
    echo "$t $ours $theirs" >> "$log"
  done
done
/usr/bin/python3 - "$log" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for t in ("1", "2"):
    ours = [float(r[1]) for r in rows if r[0] == t]
    theirs = [float(r[2]) for r in rows if r[0] == t]
    ratios = [a / b for a, b in zip(ours, theirs)]
    print(f"{t} thread(s): crld4j {statistics.median(ours):.1f}, OpenBLAS {statistics.median(theirs):.1f} GFLOP/s; "
          f"ratio per round " + " ".join(f"{x:.2f}" for x in ratios) + f" -> median {statistics.median(ratios):.2f}")
PY
"$JAVA_HOME/bin/javac" -nowarn -d "$classes" -cp "$jar" "$root/scripts/ab/SgemmPairs.java"
for t in 1 2; do
  OPENBLAS_NUM_THREADS=$t "${jvm[@]}" --enable-native-access=ALL-UNNAMED -cp "$classes:$jar" SgemmPairs "$blas/libblas.so.3" "$n" "$t" "$pairs" 2>&1 | grep -v WARNING
done
