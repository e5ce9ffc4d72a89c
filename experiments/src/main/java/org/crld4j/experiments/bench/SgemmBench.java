package org.crld4j.experiments.bench;

import org.crld4j.kernels.Parallel;
import org.crld4j.kernels.Sgemm;
import org.crld4j.tensor.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** C = A B for square float32 matrices; GFLOP/s = 2 n^3 / (time per op). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-XX:+UseParallelGC"})
public class SgemmBench {
    @Param({"256", "1024", "2048"}) int n;
    @Param({"1", "2"}) int threads;

    float[] a, b, c;

    @Setup public void setup() {
        Parallel.setThreads(threads);
        Rng rng = new Rng(1);
        a = new float[n * n];
        b = new float[n * n];
        c = new float[n * n];
        for (int i = 0; i < a.length; i++) { a[i] = rng.nextFloat(); b[i] = rng.nextFloat(); }
    }

    @Benchmark public float[] sgemm() {
        Sgemm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        return c;
    }
}
