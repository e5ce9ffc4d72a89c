"""SGEMM 1024^3 through torch.mm, the yardstick of `bin/bench SgemmBench` (BENCHMARKS.md).

Run it with OpenBLAS mapped in (../shared/bench/get_openblas.sh prints the LD_LIBRARY_PATH) and
OPENBLAS_NUM_THREADS=1 or 2; prints the BLAS library torch loaded and the median GFLOP/s of 15.
"""
import statistics
import sys
import time

import torch

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
torch.set_num_threads(threads)
a, b = torch.rand(n, n), torch.rand(n, n)
for _ in range(3):
    torch.mm(a, b)
times = []
for _ in range(15):
    t0 = time.perf_counter()
    torch.mm(a, b)
    times.append(time.perf_counter() - t0)
blas = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l})
print(f"torch.mm {n}^3, {threads} thread(s): {2 * n ** 3 / statistics.median(times) / 1e9:.1f} GFLOP/s (median of 15); {blas}")
