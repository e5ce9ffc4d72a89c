package org.crld4j.experiments.bench;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.crld.loss.CrldConfig;
import org.crld4j.crld.loss.CrldLoss;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.optim.Sgd;
import org.crld4j.tensor.Tensor;

/** The measured workloads, as ../shared/bench/torch_bench.py defines them (shared by JMH and `crld bench-step`). */
public final class Workloads {
    private Workloads() {}

    /** torch_bench.py's CRLD settings: T 4, taus 0.9/0.2, all weights 1. */
    public static final CrldConfig BENCH_CRLD = new CrldConfig(1f, 1f, 1f, 4f, 0.9f, 0.2f);

    /** SGD as torch_bench.py: lr 0.05, momentum 0.9, Nesterov, weight decay 5e-4. */
    public static Sgd sgd(Classifier m) { return new Sgd(m.namedParameters(), 0.05f, 0.9f, 5e-4f, true); }

    public static Tensor inference(Classifier m, Tensor x) {
        m.eval();
        try (var s = Autograd.noGrad()) { return m.forward(Variable.constant(x)).data(); }
    }

    /** zero grad, forward, cross-entropy, backward, SGD step. */
    public static void trainStep(Classifier m, Sgd sgd, Tensor x, Tensor y) {
        m.train();
        sgd.zeroGrad();
        F.crossEntropy(m.forward(Variable.constant(x)), y).backward();
        sgd.step();
    }

    /** Student on both views in train mode, teacher on both in eval mode without a graph, CRLD loss, backward, SGD. */
    public static void crldStep(Classifier student, Classifier teacher, Sgd sgd, Tensor weak, Tensor strong, Tensor y) {
        sgd.zeroGrad();
        student.train();
        Variable sw = student.forward(Variable.constant(weak)), ss = student.forward(Variable.constant(strong));
        Tensor tw, ts;
        teacher.eval();
        try (var s = Autograd.noGrad()) {
            tw = teacher.forward(Variable.constant(weak)).data();
            ts = teacher.forward(Variable.constant(strong)).data();
        }
        CrldLoss.compute(sw, ss, tw, ts, y, BENCH_CRLD).total().backward();
        sgd.step();
    }
}
