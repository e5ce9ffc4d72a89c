package org.crld4j.experiments.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The machine's float32 FMA ceiling as the JVM sees it: ten independent FMA chains of the kernels' vector width in
 * registers (no memory traffic), on 1 and on 2 threads at once. One operation is 10^9 floating-point
 * operations, so the score in ops/s reads as GFLOP/s. SGEMM figures mean most next to this one,
 * measured in the same sitting: a shared guest's clock and its second vCPU vary (BENCHMARKS.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class PeakBench {
    private static final VectorSpecies<Float> S = org.crld4j.kernels.VectorWidth.species();
    /** 10 chains x lanes x 2 flops x ITERS = 10^9. */
    private static final long ITERS = 1_000_000_000L / (20L * S.length());

    float seed = 1f;

    static float chains(float x) {
        FloatVector a = FloatVector.broadcast(S, x), b = FloatVector.broadcast(S, 0.999f);
        FloatVector c0 = a, c1 = a.add(1), c2 = a.add(2), c3 = a.add(3), c4 = a.add(4);
        FloatVector c5 = a.add(5), c6 = a.add(6), c7 = a.add(7), c8 = a.add(8), c9 = a.add(9);
        for (long i = 0; i < ITERS; i++) {
            c0 = c0.fma(b, a); c1 = c1.fma(b, a); c2 = c2.fma(b, a); c3 = c3.fma(b, a); c4 = c4.fma(b, a);
            c5 = c5.fma(b, a); c6 = c6.fma(b, a); c7 = c7.fma(b, a); c8 = c8.fma(b, a); c9 = c9.fma(b, a);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark @Threads(1) public float fmaOneThread() { return chains(seed); }

    @Benchmark @Threads(2) public float fmaTwoThreads() { return chains(seed); }
}
