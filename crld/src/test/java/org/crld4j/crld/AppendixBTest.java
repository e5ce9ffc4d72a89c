package org.crld4j.crld;

import org.crld4j.autograd.Variable;
import org.crld4j.crld.loss.CrldConfig;
import org.crld4j.crld.loss.CrldLoss;
import org.crld4j.crld.loss.DkdLoss;
import org.crld4j.crld.loss.LogitStandardization;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The worked example of Appendix B of {@code ../shared/reference/crld-method.md}: CRLD, DKD with warm-up, logit standardisation. */
class AppendixBTest {
    static final Tensor SW = Tensor.of(new float[] {2.0f, 0.5f, -1.0f, 0.0f, 0.1f, 0.2f, 0.3f, 0.4f, 1.0f, -1.0f, 0.5f, 2.0f}, 3, 4);
    static final Tensor SS = Tensor.of(new float[] {1.5f, 0.7f, -0.5f, 0.2f, 0.0f, 0.5f, 0.1f, 0.3f, 0.2f, -0.3f, 0.9f, 1.1f}, 3, 4);
    static final Tensor TW = Tensor.of(new float[] {6.0f, 1.0f, 0.0f, -1.0f, 0.5f, 2.0f, 0.3f, 0.1f, 0.0f, 0.0f, 1.0f, 4.0f}, 3, 4);
    static final Tensor TS = Tensor.of(new float[] {3.0f, 1.5f, 0.0f, -1.0f, 0.2f, 0.9f, 0.8f, 0.1f, 0.0f, 0.5f, 1.0f, 2.0f}, 3, 4);
    static final Tensor Y = Tensor.of(new float[] {0, 1, 3}, 3);
    static final float E = 1e-5f;

    @Test void crldWorkedExample() {
        CrldLoss.Terms t = CrldLoss.compute(Variable.leaf(SW), Variable.leaf(SS), TW, TS, Y, CrldConfig.defaults());
        assertArrayEquals(new float[] {0.989973f, 0.642929f, 0.920456f}, t.confWeak().toArray(), E);
        assertArrayEquals(new float[] {0.774454f, 0.350785f, 0.579259f}, t.confStrong().toArray(), E);
        assertArrayEquals(new float[] {1, 0, 1}, t.maskWeak().toArray());
        assertArrayEquals(new float[] {1, 1, 1}, t.maskStrong().toArray());
        assertArrayEquals(new float[] {1.908568f, 0.357314f, 0.622675f}, t.kdSwTw().data().toArray(), E);
        assertArrayEquals(new float[] {0.430433f, 0.052584f, 0.104930f}, t.kdSsTs().data().toArray(), E);
        assertArrayEquals(new float[] {2.680493f, 0.217835f, 0.965768f}, t.kdSsTw().data().toArray(), E);
        assertArrayEquals(new float[] {0.279211f, 0.073297f, 0.345084f}, t.kdSwTs().data().toArray(), E);
        assertEquals(1.644699f, t.ce().item(), E);
        assertEquals(2.044404f, t.kdWithinView().item() * 2f, E);
        assertEquals(0.760281f, t.kdCrossView().item() * 0.5f, E);
        assertEquals(4.449384f, t.total().item(), E);
    }

    @Test void dkdAndWarmup() {
        DkdLoss.Parts p = DkdLoss.perSample(Variable.leaf(SW), TW, Y, 4f);
        assertEquals(0.847282f, p.tckd().mean().item(), E);
        assertEquals(0.235783f, p.nckd().mean().item(), E);
        assertEquals(2.733548f, p.combined(1f, 8f).mean().item(), E);
        assertEquals(0.136677f, p.combined(1f, 8f).mean().item() * DkdLoss.warmup(1, 20), E);
        assertEquals(1.366774f, p.combined(1f, 8f).mean().item() * DkdLoss.warmup(10, 20), E);
        assertEquals(2.733548f, p.combined(1f, 8f).mean().item() * DkdLoss.warmup(25, 20), E);
    }

    @Test void logitStandardisation() {
        assertArrayEquals(new float[] {1.447352f, -0.160817f, -0.482451f, -0.804084f},
                LogitStandardization.apply(TW).narrow(0, 0, 1).toArray(), E);
        assertArrayEquals(LogitStandardization.apply(TW).toArray(), LogitStandardization.apply(Variable.leaf(TW)).data().toArray(), 1e-6f);
    }

    @Test void thresholdsOutsideTheUnitIntervalAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new CrldConfig(1, 2, 0.5f, 4, 1.5f, 0.2f));
        assertThrows(IllegalArgumentException.class, () -> new CrldConfig(1, 2, 0.5f, 4, 0.9f, -0.1f));
    }
}
