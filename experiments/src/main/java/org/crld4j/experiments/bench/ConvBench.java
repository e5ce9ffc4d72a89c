package org.crld4j.experiments.bench;

import org.crld4j.kernels.Conv2d;
import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.kernels.Parallel;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
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

/**
 * The convolutions of mdistiller's resnet8x4 at batch 64 on 3x32x32 inputs: forward, and forward
 * plus both backward passes (input and weight gradients), as one training step runs them.
 * Layer names: stem, l1c1 (layer1.0.conv1) ... l3ds (layer3.0.downsample.0).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-XX:+UseParallelGC"})
public class ConvBench {
    /** name: C_in, K, H (input side), kernel, stride, padding. */
    @Param({"stem:3:32:32:3:1:1", "l1c1:32:64:32:3:1:1", "l1c2:64:64:32:3:1:1", "l1ds:32:64:32:1:1:0",
            "l2c1:64:128:32:3:2:1", "l2c2:128:128:16:3:1:1", "l2ds:64:128:32:1:2:0",
            "l3c1:128:256:16:3:2:1", "l3c2:256:256:8:3:1:1", "l3ds:128:256:16:1:2:0"})
    String layer;
    @Param({"2"}) int threads;
    @Param({"64"}) int batch;

    Tensor x, w, dy;
    ConvParams p;

    @Setup public void setup() {
        Parallel.setThreads(threads);
        String[] f = layer.split(":");
        int c = Integer.parseInt(f[1]), k = Integer.parseInt(f[2]), h = Integer.parseInt(f[3]), r = Integer.parseInt(f[4]);
        p = ConvParams.of(Integer.parseInt(f[5]), Integer.parseInt(f[6]));
        Rng rng = new Rng(1);
        x = Tensor.randn(rng, batch, c, h, h);
        w = Tensor.randn(rng, k, c, r, r);
        dy = Tensor.randn(rng, p.geometry(x.shape(), w.shape()).outShape());
    }

    @Benchmark public Tensor forward() { return Conv2d.forward(x, w, null, p); }

    @Benchmark public Tensor forwardBackward() {
        Conv2d.forward(x, w, null, p);
        Conv2d.backwardInput(dy, w, x.shape(), p);
        return Conv2d.backwardWeight(dy, x, w.shape(), p);
    }
}
