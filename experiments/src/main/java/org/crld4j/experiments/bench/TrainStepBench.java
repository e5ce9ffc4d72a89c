package org.crld4j.experiments.bench;

import org.crld4j.kernels.Parallel;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.nn.optim.Sgd;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Batch-64 training steps and inference as ../shared/bench/torch_bench.py runs them; the score is
 * images per second. {@code crld bench-step} does the same work outside JMH with a per-op profile
 * and peak memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-XX:+UseG1GC"})
public class TrainStepBench {
    @Param({"resnet8x4", "resnet32x4", "wrn_40_2", "MobileNetV2", "ShuffleV2"}) String model;
    @Param({"2"}) int threads;

    Classifier net, student, teacher;
    Sgd sgd, crldSgd;
    Tensor x, xs, y;

    @Setup public void setup() {
        Parallel.setThreads(threads);
        Rng rng = new Rng(0);
        x = Tensor.randn(rng, 64, 3, 32, 32);
        xs = Tensor.randn(rng, 64, 3, 32, 32);
        float[] labels = new float[64];
        for (int i = 0; i < 64; i++) labels[i] = rng.nextInt(100);
        y = Tensor.wrap(labels, 64);
        net = ModelZoo.create(model, 100, new Rng(0));
        sgd = Workloads.sgd(net);
        student = ModelZoo.create("resnet8x4", 100, new Rng(0));
        teacher = ModelZoo.create("resnet32x4", 100, new Rng(1));
        teacher.eval();
        crldSgd = Workloads.sgd(student);
    }

    @Benchmark @OperationsPerInvocation(64)
    public Tensor inference() { return Workloads.inference(net, x); }

    @Benchmark @OperationsPerInvocation(64)
    public void trainStep() { Workloads.trainStep(net, sgd, x, y); }

    /** The full CRLD step (independent of the model parameter; run it with -p model=resnet8x4). */
    @Benchmark @OperationsPerInvocation(64)
    public void crldStep() { Workloads.crldStep(student, teacher, crldSgd, x, xs, y); }
}
