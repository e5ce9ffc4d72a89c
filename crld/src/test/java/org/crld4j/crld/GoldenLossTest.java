package org.crld4j.crld;

import org.crld4j.autograd.Variable;
import org.crld4j.crld.loss.CrldConfig;
import org.crld4j.crld.loss.CrldLoss;
import org.crld4j.crld.loss.KdLoss;
import org.crld4j.tensor.Device;
import org.crld4j.tensor.Devices;
import org.crld4j.tensor.Tensor;
import org.crld4j.testing.golden.GoldenSet;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The KD and CRLD golden cases: values, masks, per-sample terms and gradients for both views, on every device present. */
class GoldenLossTest {
    static final GoldenSet GOLDEN = GoldenSet.openDefault();

    private static float f(Map<String, Object> spec, String key) { return ((Number) spec.get(key)).floatValue(); }

    @TestFactory
    List<DynamicTest> lossCases() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Device d : Devices.all())
            for (var e : GOLDEN.cases().entrySet()) {
                String op = String.valueOf(e.getValue().get("op"));
                String name = e.getKey() + " on " + d.name();
                if (op.equals("KD")) tests.add(DynamicTest.dynamicTest(name, () -> { try (var s = Devices.using(d)) { kd(e.getKey(), e.getValue()); } }));
                if (op.equals("CRLD loss")) tests.add(DynamicTest.dynamicTest(name, () -> { try (var s = Devices.using(d)) { crld(e.getKey(), e.getValue()); } }));
            }
        assertFalse(tests.isEmpty(), "no KD/CRLD cases in " + GOLDEN.dir());
        return tests;
    }

    private static void kd(String c, Map<String, Object> spec) {
        Variable s = Variable.leaf(GOLDEN.tensor(c + ".student_logits"));
        Tensor t = GOLDEN.tensor(c + ".teacher_logits");
        float temp = f(spec, "T");
        Variable per = KdLoss.perSample(s, t, temp);
        GOLDEN.assertClose(c + ".kd_per_sample", per.data());
        Variable loss = per.mean();
        GOLDEN.assertClose(c + ".loss", loss.data());
        loss.backward();
        GOLDEN.assertClose(c + ".grad_student", s.grad());
    }

    private static void crld(String c, Map<String, Object> spec) {
        CrldConfig cfg = new CrldConfig(f(spec, "w_ce"), f(spec, "w_wv"), f(spec, "w_cv"), f(spec, "T"), f(spec, "tau_w"), f(spec, "tau_s"));
        CrldLoss.Terms t = terms(c, cfg, null, null);
        GOLDEN.assertClose(c + ".conf_w", t.confWeak());
        GOLDEN.assertClose(c + ".conf_s", t.confStrong());
        GOLDEN.assertClose(c + ".mask_w", t.maskWeak(), 0, 0);
        GOLDEN.assertClose(c + ".mask_s", t.maskStrong(), 0, 0);
        GOLDEN.assertClose(c + ".kd_sw_tw_per_sample", t.kdSwTw().data());
        GOLDEN.assertClose(c + ".kd_ss_ts_per_sample", t.kdSsTs().data());
        GOLDEN.assertClose(c + ".kd_ss_tw_per_sample", t.kdSsTw().data());
        GOLDEN.assertClose(c + ".kd_sw_ts_per_sample", t.kdSwTs().data());
        GOLDEN.assertClose(c + ".loss_ce", t.ce().data());
        GOLDEN.assertClose(c + ".loss_kd_wv", t.kdWithinView().data());
        GOLDEN.assertClose(c + ".loss_kd_cv", t.kdCrossView().data());
        GOLDEN.assertClose(c + ".loss_total", t.total().data());
        Map<String, Function<CrldLoss.Terms, Variable>> components = Map.of(
                "ce", CrldLoss.Terms::ce, "kd_wv", CrldLoss.Terms::kdWithinView,
                "kd_cv", CrldLoss.Terms::kdCrossView, "total", CrldLoss.Terms::total);
        for (var comp : components.entrySet()) {
            Variable sw = Variable.leaf(GOLDEN.tensor(c + ".student_weak"));
            Variable ss = Variable.leaf(GOLDEN.tensor(c + ".student_strong"));
            comp.getValue().apply(terms(c, cfg, sw, ss)).backward();
            GOLDEN.assertClose(c + ".grad_" + comp.getKey() + "_student_weak", sw.grad());
            GOLDEN.assertClose(c + ".grad_" + comp.getKey() + "_student_strong", ss.grad());
        }
    }

    private static CrldLoss.Terms terms(String c, CrldConfig cfg, Variable sw, Variable ss) {
        return CrldLoss.compute(
                sw != null ? sw : Variable.leaf(GOLDEN.tensor(c + ".student_weak")),
                ss != null ? ss : Variable.leaf(GOLDEN.tensor(c + ".student_strong")),
                GOLDEN.tensor(c + ".teacher_weak"), GOLDEN.tensor(c + ".teacher_strong"),
                GOLDEN.tensor(c + ".target"), cfg);
    }

    /** Every case in the manifest is checked by some suite: the loss cases here, the layer cases in nn's GoldenOpsTest. */
    @Test
    void everyGoldenCaseHasAnOwner() {
        Set<String> layerOps = Set.of("conv2d", "batch_norm2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d",
                "log_softmax", "cross_entropy");
        List<String> orphans = new ArrayList<>();
        for (var e : GOLDEN.cases().entrySet()) {
            Object op = e.getValue().get("op");
            if (op == null && e.getValue().containsKey("model")) continue; // whole-model cases: the nn module's tests
            String s = String.valueOf(op);
            boolean owned = s.equals("KD") || s.equals("CRLD loss") || layerOps.stream().anyMatch(s::startsWith);
            if (!owned) orphans.add(e.getKey() + " (" + s + ")");
        }
        assertTrue(orphans.isEmpty(), "golden cases no test checks: " + orphans);
    }
}
