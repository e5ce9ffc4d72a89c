package org.crld4j.experiments.bench;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.crld.loss.CrldConfig;
import org.crld4j.crld.loss.CrldLoss;
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
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-XX:+UseParallelGC"})
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
        sgd = new Sgd(net.namedParameters(), 0.05f, 0.9f, 5e-4f, true);
        student = ModelZoo.create("resnet8x4", 100, new Rng(0));
        teacher = ModelZoo.create("resnet32x4", 100, new Rng(1));
        teacher.eval();
        crldSgd = new Sgd(student.namedParameters(), 0.05f, 0.9f, 5e-4f, true);
    }

    @Benchmark @OperationsPerInvocation(64)
    public Tensor inference() {
        net.eval();
        try (var s = Autograd.noGrad()) { return net.forward(Variable.constant(x)).data(); }
    }

    @Benchmark @OperationsPerInvocation(64)
    public void trainStep() {
        net.train();
        sgd.zeroGrad();
        F.crossEntropy(net.forward(Variable.constant(x)), y).backward();
        sgd.step();
    }

    /** The full CRLD step (independent of the model parameter; run it with -p model=resnet8x4). */
    @Benchmark @OperationsPerInvocation(64)
    public void crldStep() {
        crldSgd.zeroGrad();
        student.train();
        Variable sw = student.forward(Variable.constant(x)), ss = student.forward(Variable.constant(xs));
        Tensor tw, ts;
        try (var s = Autograd.noGrad()) {
            tw = teacher.forward(Variable.constant(x)).data();
            ts = teacher.forward(Variable.constant(xs)).data();
        }
        CrldLoss.compute(sw, ss, tw, ts, y, new CrldConfig(1f, 1f, 1f, 4f, 0.9f, 0.2f)).total().backward();
        crldSgd.step();
    }
}
