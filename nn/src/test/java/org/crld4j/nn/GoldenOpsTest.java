package org.crld4j.nn;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.tensor.Device;
import org.crld4j.tensor.Devices;

import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.ops.PoolWindow;
import org.crld4j.tensor.Tensor;
import org.crld4j.testing.golden.GoldenSet;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Runs every golden case whose op lives at this layer (conv, pooling, batch norm, log_softmax,
 * cross-entropy) against PyTorch's reference tensors: outputs and gradients of sum(output * R).
 * The set comes from CRLD4J_GOLDEN_DIR or ../shared/golden; a missing file fails. Every case runs
 * on every device present (the host, then e.g. OpenCL), its tensors made there.
 */
class GoldenOpsTest {
    static final GoldenSet GOLDEN = GoldenSet.openDefault();

    /** Ops handled here, by the prefix of the manifest's "op". */
    static boolean handles(String op) {
        return op.startsWith("conv2d") || op.startsWith("batch_norm2d") || op.startsWith("max_pool2d")
                || op.startsWith("avg_pool2d") || op.startsWith("adaptive_avg_pool2d")
                || op.startsWith("log_softmax") || op.startsWith("cross_entropy");
    }

    @TestFactory
    List<DynamicTest> goldenCases() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Device d : Devices.all())
            for (var e : GOLDEN.cases().entrySet()) {
                String op = String.valueOf(e.getValue().get("op"));
                if (handles(op))
                    tests.add(DynamicTest.dynamicTest(e.getKey() + " (" + op + ") on " + d.name(), () -> {
                        try (var scope = Devices.using(d)) { run(e.getKey(), op, e.getValue()); }
                    }));
            }
        assertFalse(tests.isEmpty(), "no layer-level cases found in " + GOLDEN.dir());
        return tests;
    }

    private static int num(Map<String, Object> spec, String key, int dflt) {
        Object v = spec.get(key);
        return v instanceof Number n ? n.intValue() : dflt;
    }

    private static boolean flag(Map<String, Object> spec, String key, boolean dflt) {
        Object v = spec.get(key);
        return v instanceof Boolean b ? b : dflt;
    }

    private static void run(String c, String op, Map<String, Object> spec) {
        if (op.startsWith("conv2d")) conv(c, spec);
        else if (op.startsWith("batch_norm2d")) batchNorm(c, spec);
        else if (op.startsWith("log_softmax")) logSoftmax(c);
        else if (op.startsWith("cross_entropy")) crossEntropy(c);
        else pool(c, op, spec);
    }

    /** loss = sum(out * R); backward. */
    private static void backwardWithR(String c, Variable out) {
        out.mul(Variable.constant(GOLDEN.tensor(c + ".R"))).sum().backward();
    }

    private static void conv(String c, Map<String, Object> spec) {
        Variable x = Variable.leaf(GOLDEN.tensor(c + ".input"));
        Variable w = Variable.leaf(GOLDEN.tensor(c + ".weight"));
        Variable b = Variable.leaf(GOLDEN.tensor(c + ".bias"));
        int s = num(spec, "stride", 1), p = num(spec, "padding", 0), d = num(spec, "dilation", 1);
        Variable y = F.conv2d(x, w, b, new ConvParams(s, s, p, p, d, d, num(spec, "groups", 1)));
        GOLDEN.assertClose(c + ".output", y.data());
        backwardWithR(c, y);
        GOLDEN.assertClose(c + ".grad_input", x.grad());
        GOLDEN.assertClose(c + ".grad_weight", w.grad());
        GOLDEN.assertClose(c + ".grad_bias", b.grad());
    }

    private static void batchNorm(String c, Map<String, Object> spec) {
        float eps = ((Number) spec.getOrDefault("eps", 1e-5)).floatValue();
        float momentum = ((Number) spec.getOrDefault("momentum", 0.1)).floatValue();
        Tensor in = GOLDEN.tensor(c + ".input");
        Variable x = Variable.leaf(in);
        Variable g = Variable.leaf(GOLDEN.tensor(c + ".weight"));
        Variable b = Variable.leaf(GOLDEN.tensor(c + ".bias"));
        Tensor rm = GOLDEN.tensor(c + ".running_mean_in"), rv = GOLDEN.tensor(c + ".running_var_in");
        Variable y = F.batchNorm(x, g, b, rm, rv, true, momentum, eps);
        GOLDEN.assertClose(c + ".output", y.data());
        GOLDEN.assertClose(c + ".running_mean_out", rm);
        GOLDEN.assertClose(c + ".running_var_out", rv);
        backwardWithR(c, y);
        GOLDEN.assertClose(c + ".grad_input", x.grad());
        GOLDEN.assertClose(c + ".grad_weight", g.grad());
        GOLDEN.assertClose(c + ".grad_bias", b.grad());
        try (var s = Autograd.noGrad()) {
            Variable ev = F.batchNorm(Variable.constant(in), g, b, rm, rv, false, momentum, eps);
            GOLDEN.assertClose(c + ".output_eval_after", ev.data());
        }
    }

    private static void pool(String c, String op, Map<String, Object> spec) {
        Variable x = Variable.leaf(GOLDEN.tensor(c + ".input"));
        Variable y;
        if (op.startsWith("adaptive_avg_pool2d")) {
            @SuppressWarnings("unchecked") List<Number> size = (List<Number>) spec.get("output_size");
            y = F.adaptiveAvgPool2d(x, size.get(0).intValue(), size.get(1).intValue());
        } else {
            int k = num(spec, "kernel", 1);
            PoolWindow w = PoolWindow.of(k, num(spec, "stride", k), num(spec, "padding", 0), flag(spec, "ceil_mode", false));
            y = op.startsWith("max_pool2d") ? F.maxPool2d(x, w) : F.avgPool2d(x, w, flag(spec, "count_include_pad", true));
        }
        GOLDEN.assertClose(c + ".output", y.data());
        backwardWithR(c, y);
        GOLDEN.assertClose(c + ".grad_input", x.grad());
    }

    private static void logSoftmax(String c) {
        Variable z = Variable.leaf(GOLDEN.tensor(c + ".logits"));
        Variable y = F.logSoftmax(z, 1);
        GOLDEN.assertClose(c + ".output", y.data());
        backwardWithR(c, y);
        GOLDEN.assertClose(c + ".grad_logits", z.grad());
    }

    private static void crossEntropy(String c) {
        Variable z = Variable.leaf(GOLDEN.tensor(c + ".logits"));
        Variable loss = F.crossEntropy(z, GOLDEN.tensor(c + ".target"));
        GOLDEN.assertClose(c + ".loss", loss.data());
        loss.backward();
        GOLDEN.assertClose(c + ".grad_logits", z.grad());
    }
}
