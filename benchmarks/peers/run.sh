#!/usr/bin/env bash
# Side-by-side run: Kiln (KilnBench) and its peers (numpy/OpenBLAS, PyTorch, CLBlast where installed)
# on the same workloads, one after the other per workload, then the ratios Kiln / peer.
# Usage: benchmarks/peers/run.sh [REPS] [WARMUP] [ROUNDS]   (defaults 7, 2 and 2); writes benchmarks/peers/last-run.txt
# Every workload is measured ROUNDS times, Kiln first in odd rounds and the peers first in even ones, so that a
# machine drifting faster or slower during a run does not favour whoever went first.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPS=${1:-7}
WARMUP=${2:-2}
ROUNDS=${3:-2}
TARGET=${KILN_BENCH_TARGET:-target-bench}
OUT=benchmarks/peers/last-run.txt
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
# Debian's python (numpy with OpenBLAS, python3-torch), not whatever python3 comes first on the PATH
PY=${KILN_PEERS_PYTHON:-/usr/bin/python3}

./mvnw -q -o -Dkiln.target="$TARGET" test-compile -pl benchmarks -am >/dev/null 2>&1 \
  || ./mvnw -q -Dkiln.target="$TARGET" test-compile -pl benchmarks -am
CP="benchmarks/$TARGET/classes:$(cat "benchmarks/$TARGET/classpath.txt")"
# libjsig: the JVM keeps its SIGSEGV handler when PoCL loads (see the README)
kiln() { LD_PRELOAD="$JAVA_HOME/lib/libjsig.so" "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$CP" dev.kiln.bench.KilnBench --reps "$REPS" --warmup "$WARMUP" "$@" 2>/dev/null; }
# Debian's numpy uses whichever libblas.so.3 is selected (reference BLAS unless changed); with
# libopenblas0-pthread installed, point this command alone at OpenBLAS. OpenBLAS core-type overrides
# (set on some machines for old builds) slow a current build: unset here only.
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread
BLAS_PATH=$([ -d "$OPENBLAS_DIR" ] && echo "$OPENBLAS_DIR" || echo "")
numpy() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 LD_LIBRARY_PATH="$BLAS_PATH" \
  "$PY" benchmarks/peers/peers.py numpy "$REPS" "$WARMUP" "$@"; }
torch() { if "$PY" -c 'import torch' 2>/dev/null; then
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE LD_LIBRARY_PATH="$BLAS_PATH" "$PY" benchmarks/peers/peers.py torch "$REPS" "$WARMUP" "$@"
  else echo "torch not installed: skipped"; fi; }
CLBLAST=""
if [ -f /usr/include/clblast_c.h ] && command -v cc >/dev/null; then
  CLBLAST=$(mktemp -d)/clblast_sgemm
  cc -O2 benchmarks/peers/clblast_sgemm.c -o "$CLBLAST" -lclblast -lOpenCL
fi
clblast() { if [ -n "$CLBLAST" ]; then "$CLBLAST" "$REPS" "$@" | sed 's/^clblast sgemm n=\([0-9]*\)/clblast sgemm:opencl:\1/'
  else echo "CLBlast not installed (apt-get install libclblast-dev): skipped"; fi; }
# side A B: runs the commands A then B in odd rounds, B then A in even ones
side() { if ((round % 2)); then eval "$1"; eval "$2"; else eval "$2"; eval "$1"; fi; }

{
  echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, reps $REPS after $WARMUP warm-up, $ROUNDS rounds"
  echo "# numpy BLAS: ${BLAS_PATH:-the system libblas.so.3 (apt-get install libopenblas0-pthread for OpenBLAS)}"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  for round in $(seq "$ROUNDS"); do
    echo "# round $round of $ROUNDS ($( ((round % 2)) && echo 'Kiln first' || echo 'peers first'))"
    for n in 512 1024 2048; do
      side 'kiln "sgemm:cpu:$n"' 'numpy "sgemm:cpu:$n"; torch "sgemm:cpu:$n"'
    done
    for n in 1024 2048; do
      side 'kiln "sgemm:opencl:$n"' 'clblast "$n"'
    done
    side 'kiln mlp:cpu mlp:opencl' 'numpy mlp:cpu; torch mlp:cpu'
    side 'kiln conv2d:cpu' 'torch conv2d:cpu'
    side 'kiln attention:cpu' 'torch attention:cpu'
    side 'kiln op-overhead:cpu op-overhead:opencl op-latency:cpu op-latency:opencl' 'torch op-overhead:cpu'
    for model in mlp lenet transformer; do
      side 'kiln "train-$model:cpu" "train-$model:opencl"' 'torch "train-$model:cpu"'
    done
  done
  echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT"
echo
"$PY" benchmarks/peers/ratios.py "$OUT"
