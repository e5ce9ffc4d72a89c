#!/usr/bin/env bash
# Two builds of crld4j against each other in one sitting: `bench-step` of jar A, then of jar B,
# alternating in rounds (the guest's speed drifts, so each round gives its own ratio B/A); the
# summary is the median over rounds. Build the jars first, e.g. from two worktrees:
#   (cd OLD && mvn -q -DskipTests package && cp experiments/target/crld4j.jar /tmp/old.jar)
#   scripts/ab-jar.sh /tmp/old.jar /tmp/new.jar [--rounds R] [--iters K] [--models a,b] [--no-crld]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk.sh"
select_jdk
[ $# -ge 2 ] || { echo "usage: scripts/ab-jar.sh A.jar B.jar [--rounds R] [--iters K] [--models a,b] [--no-crld]" >&2; exit 2; }
a="$1" b="$2"; shift 2
rounds=5 iters=7 models=resnet8x4 crld=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --iters) iters="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --no-crld) crld=0; shift ;;
    *) echo "ab-jar.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
flags=(--models "$models" --iters "$iters")
[ "$crld" = 1 ] || flags+=(--no-crld)
run() { "$JAVA_HOME/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -DuniqueLibraryNames=true \
          -XX:ObjectAlignmentInBytes=64 -XX:+UseG1GC \
          -Djava.util.logging.SimpleFormatter.format='%4$s: %5$s%n' -jar "$1" bench-step "${flags[@]}" --json "$2" > "$2.log" 2>&1; }
echo "$(date -Is) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(nproc) CPUs; A=$a B=$b; ${rounds} rounds of ${iters} timed iterations"
for r in $(seq 1 "$rounds"); do
  echo "round $r: A ..."; run "$a" "$out/a$r.json"
  echo "round $r: B ..."; run "$b" "$out/b$r.json"
done
/usr/bin/python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
A = [json.load(open(f"{out}/a{r}.json")) for r in range(1, rounds + 1)]
B = [json.load(open(f"{out}/b{r}.json")) for r in range(1, rounds + 1)]
med = lambda d: d["images_per_s"]["median"]
rows = [(f"{m} {k}", lambda d, m=m, k=k: d["models"][m][k]) for m in A[0]["models"] for k in ("inference_eval_no_grad", "train_step_sgd")]
if "crld" in A[0]:
    rows.append(("crld step", lambda d: d["crld"]))
print(f"\n{'workload':<34}{'A img/s':>10}{'B img/s':>10}   B/A per round -> median")
for name, get in rows:
    a = [med(get(d)) for d in A]
    b = [med(get(d)) for d in B]
    ratios = [y / x for x, y in zip(a, b)]
    print(f"{name:<34}{statistics.median(a):>10.1f}{statistics.median(b):>10.1f}   "
          + " ".join(f"{r:.3f}" for r in ratios) + f" -> {statistics.median(ratios):.3f}")
PY
