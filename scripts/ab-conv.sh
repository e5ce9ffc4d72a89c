#!/usr/bin/env bash
# Interleaved A/B of the convolution kernels of two git revisions (tensor + kernels modules), in
# one JVM, batch 64, 2 threads; prints median ms per pass for each. Example:
#   scripts/ab-conv.sh HEAD~1 HEAD 14 l1c2:64:64:32:3:1:1
# Layers: name:C_in:K:H:kernel:stride:padding (as ConvBench). Default: resnet8x4's 3x3 convolutions.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk.sh"
select_jdk
[ $# -ge 2 ] || { echo "usage: scripts/ab-conv.sh REV_A REV_B [ROUNDS] [LAYER,...]" >&2; exit 2; }
rounds="${3:-10}"
layers="${4:-l1c2:64:64:32:3:1:1,l2c2:128:128:16:3:1:1,l3c2:256:256:8:3:1:1,l2c1:64:128:32:3:2:1}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for side in A B; do
  rev="$1"; shift || true
  mkdir -p "$tmp/$side/src" "$tmp/$side/classes"
  git -C "$root" archive "$rev" tensor/src/main kernels/src/main | tar -x -C "$tmp/$side/src"
  # the CPU kernels only: the OpenCL package needs JOCL, which this javac-only build leaves out
  "$JAVA_HOME/bin/javac" -nowarn --add-modules jdk.incubator.vector -d "$tmp/$side/classes" \
    $(find "$tmp/$side/src" -name '*.java' -not -path '*/opencl/*') > "$tmp/javac.log" 2>&1 || { cat "$tmp/javac.log" >&2; exit 1; }
  cp -r "$tmp/$side/src/kernels/src/main/resources/." "$tmp/$side/classes/" 2>/dev/null || true
  rm -f "$tmp/$side/classes/META-INF/services/org.crld4j.tensor.DeviceProvider"
  mkdir -p "$tmp/$side/runner"
  "$JAVA_HOME/bin/javac" -nowarn --add-modules jdk.incubator.vector -cp "$tmp/$side/classes" -d "$tmp/$side/runner" \
    "$root/scripts/ab/ConvRun.java" > "$tmp/javac.log" 2>&1 || { cat "$tmp/javac.log" >&2; exit 1; }
  cp -r "$tmp/$side/runner/." "$tmp/$side/classes/"
done
mkdir -p "$tmp/main"
"$JAVA_HOME/bin/javac" -d "$tmp/main" "$root/scripts/ab/ConvAB.java"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:ObjectAlignmentInBytes=64 -XX:+UseG1GC -cp "$tmp/main" \
  ConvAB "$tmp/A/classes" "$tmp/B/classes" "$rounds" "$layers" 2>&1 | grep -v -e WARNING -e INFO -e Backends
