package org.crld4j.experiments.bench;

import org.crld4j.nn.data.ArrayDataset;
import org.crld4j.nn.data.Loader;
import org.crld4j.nn.data.Pipeline;
import org.crld4j.tensor.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/** CIFAR-sized two-view batches (weak + strong with RandAugment and Cutout); score = images per second. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-XX:+UseParallelGC"})
public class LoaderBench {
    static final int IMAGES = 2048;

    @Param({"1", "2"}) int workers;
    @Param({"true"}) boolean strong;

    Loader loader;
    int epoch;

    @Setup public void setup() {
        Rng rng = new Rng(1);
        byte[] px = new byte[IMAGES * 32 * 32 * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) rng.nextInt(256);
        int[] labels = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) labels[i] = i % 100;
        ArrayDataset d = new ArrayDataset(px, labels, 32, 32, 3, 100, "random CIFAR-sized images");
        loader = new Loader(d, Pipeline.cifarWeak(), strong ? Pipeline.cifarStrong() : null, 64, true, 7, workers);
    }

    @TearDown public void close() { loader.close(); }

    @Benchmark @OperationsPerInvocation(IMAGES)
    public void epoch(Blackhole bh) {
        for (var it = loader.epoch(++epoch); it.hasNext(); ) bh.consume(it.next());
    }
}
