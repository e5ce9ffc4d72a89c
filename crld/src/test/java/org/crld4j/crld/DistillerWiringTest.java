package org.crld4j.crld;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.crld.config.Config;
import org.crld4j.crld.distill.Distiller;
import org.crld4j.crld.loss.CrldConfig;
import org.crld4j.crld.loss.CrldLoss;
import org.crld4j.crld.loss.DkdLoss;
import org.crld4j.crld.loss.KdLoss;
import org.crld4j.crld.loss.LogitStandardization;
import org.crld4j.crld.train.DataSpec;
import org.crld4j.nn.data.Dataset;
import org.crld4j.nn.data.EmbeddedData;
import org.crld4j.nn.data.Idx;
import org.crld4j.nn.data.Loader;
import org.crld4j.nn.data.Subsets;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each distiller's step against its loss computed here from separately computed logits: the
 * student forwards in train mode, the teacher's in eval mode, which view feeds which term, the
 * configured weights and DKD's warm-up factor. The losses themselves are held to PyTorch by
 * GoldenLossTest and DkdGoldenTest; this test holds the wiring around them.
 */
class DistillerWiringTest {
    static Loader.Batch batch;

    @BeforeAll static void data() throws Exception {
        Dataset train = Subsets.of(EmbeddedData.fashionMnist(true, Idx.Options.cifarLike()), IntStream.range(0, 64).toArray(), "first 64");
        DataSpec spec = DataSpec.parse("embedded");
        try (Loader loader = new Loader(train, spec.weak(), spec.strong(), 16, true, 3, 1)) {
            batch = loader.epoch(1).next();
        }
    }

    static Classifier student() { return ModelZoo.create("resnet8", 10, new Rng(1)); }

    /** A teacher left in train mode, so that a step that forgets eval() shows in its running statistics and logits. */
    static Classifier teacher() {
        Classifier t = ModelZoo.create("resnet20", 10, new Rng(5));
        t.train();
        return t;
    }

    static Tensor evalLogits(Classifier m, Tensor x) {
        m.eval();
        try (var s = Autograd.noGrad()) {
            return m.forward(Variable.constant(x)).data();
        }
    }

    static Variable trainLogits(Classifier m, Tensor x) {
        m.train();
        return m.forward(Variable.constant(x));
    }

    static void assertClose(float expected, Variable actual, String what) {
        assertEquals(expected, actual.item(), 1e-6f * Math.max(1f, Math.abs(expected)), what);
    }

    static Map<String, float[]> runningStats(Classifier m) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> { if (k.contains("running_")) out.put(k, v.toArray()); });
        return out;
    }

    static float median(Tensor t) {
        float[] v = t.toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    @Test void kdWeighsCeAndKdOnTheWeakViewWithTheTeacherInEvalMode() {
        Config c = new Config();
        c.set("DISTILLER.TYPE", "KD");
        Classifier teacher = teacher();
        Map<String, float[]> before = runningStats(teacher);
        Distiller.Step s = Distiller.create(c, student(), teacher).step(batch.weak(), batch.strong(), batch.labels(), 1);
        runningStats(teacher).forEach((k, v) -> assertArrayEquals(before.get(k), v, "teacher ran in train mode: " + k));
        Variable z = trainLogits(student(), batch.weak());
        Tensor t = evalLogits(teacher(), batch.weak());
        assertArrayEquals(z.data().toArray(), s.logits().data().toArray(), "the student's weak-view logits in train mode");
        assertClose(0.1f * F.crossEntropy(z, batch.labels()).item(), s.terms().get("loss_ce"), "0.1 CE");
        assertClose(0.9f * KdLoss.mean(z, t, 4f).item(), s.terms().get("loss_kd"), "0.9 KD_4");
        assertClose(s.terms().get("loss_ce").item() + s.terms().get("loss_kd").item(), s.total(), "total = sum of terms");
    }

    @Test void kdWithLogitStandardisationStandardisesBothSides() {
        Config c = new Config();
        c.set("DISTILLER.TYPE", "KD");
        c.set("EXPERIMENT.LOGIT_STAND", true);
        Distiller.Step s = Distiller.create(c, student(), teacher()).step(batch.weak(), batch.strong(), batch.labels(), 1);
        Variable z = trainLogits(student(), batch.weak());
        Tensor t = evalLogits(teacher(), batch.weak());
        assertClose(0.1f * F.crossEntropy(z, batch.labels()).item(), s.terms().get("loss_ce"), "CE on the raw logits");
        assertClose(0.9f * KdLoss.mean(LogitStandardization.apply(z), LogitStandardization.apply(t), 4f).item(), s.terms().get("loss_kd"),
                "KD on standardised logits");
    }

    @Test void dkdWarmsUpOverTwentyEpochs() {
        Config c = new Config();
        c.set("DISTILLER.TYPE", "DKD");
        Variable z = trainLogits(student(), batch.weak());
        Tensor t = evalLogits(teacher(), batch.weak());
        float dkd = DkdLoss.perSample(z, t, batch.labels(), 4f).combined(1f, 8f).mean().item();
        // mdistiller: min(epoch / warmup, 1) with warmup 20, epochs counted from 1
        float[][] epochFactor = {{1, 1 / 20f}, {10, 0.5f}, {20, 1f}, {240, 1f}};
        for (float[] ef : epochFactor) {
            Distiller.Step s = Distiller.create(c, student(), teacher()).step(batch.weak(), batch.strong(), batch.labels(), (int) ef[0]);
            assertClose(ef[1] * dkd, s.terms().get("loss_kd"), "DKD in epoch " + (int) ef[0]);
            assertClose(F.crossEntropy(z, batch.labels()).item(), s.terms().get("loss_ce"), "CE weight 1");
        }
    }

    /** CRLD's step equals CrldLoss.compute on logits computed apart, and not the step with the teacher's views swapped. */
    @Test void crldFeedsEachTeacherViewToItsTerms() {
        Tensor tw = evalLogits(teacher(), batch.weak()), ts = evalLogits(teacher(), batch.strong());
        // thresholds at the medians, so that both masks pass half the batch and a swapped view changes them
        float tauW = median(CrldLoss.confidence(tw)), tauS = median(CrldLoss.confidence(ts));
        Config c = new Config();
        c.set("DISTILLER.TYPE", "CRLD");
        c.set("CRLD.TAU_W", (double) tauW);
        c.set("CRLD.TAU_S", (double) tauS);
        Classifier teacher = teacher(), student = student();
        Map<String, float[]> before = runningStats(teacher);
        Distiller.Step s = Distiller.create(c, student, teacher).step(batch.weak(), batch.strong(), batch.labels(), 1);
        runningStats(teacher).forEach((k, v) -> assertArrayEquals(before.get(k), v, "teacher ran in train mode: " + k));

        CrldConfig cfg = Distiller.crldConfig(c);
        Classifier apart = student();
        Variable sw = trainLogits(apart, batch.weak()), ss = trainLogits(apart, batch.strong());
        CrldLoss.Terms expected = CrldLoss.compute(sw, ss, tw, ts, batch.labels(), cfg);
        float maskW = expected.maskWeak().mean().item(), maskS = expected.maskStrong().mean().item();
        assertTrue(maskW > 0.3 && maskW < 0.7 && maskS > 0.3 && maskS < 0.7, "masks pass part of the batch: " + maskW + ", " + maskS);
        assertClose(expected.ce().item(), s.terms().get("loss_ce"), "CE on both views, weight 1");
        assertClose(2f * expected.kdWithinView().item(), s.terms().get("loss_kd_wv"), "within-view, weight 2");
        assertClose(0.5f * expected.kdCrossView().item(), s.terms().get("loss_kd_cv"), "cross-view, weight 0.5");
        assertClose(expected.total().item(), s.total(), "total");
        assertEquals((double) maskW, (Double) s.metrics().get("mask_w_rate"), 1e-7);
        assertEquals((double) maskS, (Double) s.metrics().get("mask_s_rate"), 1e-7);
        assertArrayEquals(sw.data().toArray(), s.logits().data().toArray(), "the weak view's logits are the step's logits");

        CrldLoss.Terms swapped = CrldLoss.compute(sw, ss, ts, tw, batch.labels(), cfg);
        assertNotEquals(swapped.total().item(), s.total().item(), "the test tells the teacher's views apart");

        // the step's gradient is the separately built loss's gradient
        s.total().backward();
        expected.total().backward();
        for (var e : student.namedParameters().entrySet()) {
            float[] g = e.getValue().grad().toArray(), h = apart.namedParameters().get(e.getKey()).grad().toArray();
            for (int i = 0; i < g.length; i++) assertEquals(h[i], g[i], 1e-6f + 1e-5f * Math.abs(h[i]), e.getKey() + "[" + i + "]");
        }
    }

    @Test void crldOverDkdWarmsUpInsideEachPair() {
        Config c = new Config();
        c.set("DISTILLER.TYPE", "CRLD_DKD");
        c.set("CRLD.TAU_W", 0.0);
        c.set("CRLD.TAU_S", 0.0);
        Distiller.Step s = Distiller.create(c, student(), teacher()).step(batch.weak(), batch.strong(), batch.labels(), 2);
        Classifier apart = student();
        Variable sw = trainLogits(apart, batch.weak()), ss = trainLogits(apart, batch.strong());
        Tensor tw = evalLogits(teacher(), batch.weak()), ts = evalLogits(teacher(), batch.strong());
        CrldLoss.PairLoss pair = (z, t) -> DkdLoss.perSample(z, t, batch.labels(), 4f).combined(1f, 8f).mul(2 / 20f);
        CrldLoss.Terms expected = CrldLoss.compute(sw, ss, tw, ts, batch.labels(), Distiller.crldConfig(c), pair);
        assertClose(expected.total().item(), s.total(), "CRLD over DKD in epoch 2 (warm-up 2/20)");
    }
}
