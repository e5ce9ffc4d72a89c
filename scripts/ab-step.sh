#!/usr/bin/env bash
# Two builds' bench-step workloads against each other in one JVM (scripts/ab/StepAB.java): turns
# of a few steps alternating A B B A, ratios between neighbouring turns, their median. Build the
# jars first (e.g. from `git archive REV` into a folder, `mvn -q -o -DskipTests package`), then:
#   scripts/ab-step.sh OLD.jar NEW.jar [WORKLOAD] [TURNS] [STEPS]
# WORKLOAD: train:resnet8x4 (default), infer:resnet8x4, crld (student resnet8x4, teacher resnet32x4).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk.sh"
select_jdk
[ $# -ge 2 ] || { echo "usage: scripts/ab-step.sh A.jar B.jar [WORKLOAD] [TURNS] [STEPS]" >&2; exit 2; }
workload="${3:-train:resnet8x4}" turns="${4:-20}" steps="${5:-5}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for side in A B; do
  jar="$1"; shift
  mkdir -p "$tmp/$side/runner"
  cp "$jar" "$tmp/$side/crld4j.jar"
  "$JAVA_HOME/bin/javac" -nowarn -cp "$tmp/$side/crld4j.jar" -d "$tmp/$side/runner" "$root/scripts/ab/StepRun.java"
done
mkdir -p "$tmp/main"
"$JAVA_HOME/bin/javac" -d "$tmp/main" "$root/scripts/ab/StepAB.java"
echo "$(date -Is) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(nproc) CPUs; $workload, $turns turns of $steps steps"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:ObjectAlignmentInBytes=64 -XX:+UseG1GC \
  -Djava.util.logging.SimpleFormatter.format='%4$s: %5$s%n' -cp "$tmp/main" StepAB "$tmp/A" "$tmp/B" "$workload" "$turns" "$steps" 2>&1 | grep -v WARNING
