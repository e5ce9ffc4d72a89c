package org.crld4j.nn.optim;

import org.crld4j.autograd.Variable;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SgdTest {
    /** Two steps by hand with PyTorch's formulas: g = grad + wd p; buf = g, then mu buf + g; p -= lr buf. */
    @Test void momentumAndWeightDecayFollowPyTorch() {
        Variable p = Variable.leaf(Tensor.of(new float[] {1f, -2f}, 2));
        Sgd sgd = new Sgd(Map.of("p", p), 0.1f, 0.9f, 0.01f, false);
        p.setGrad(Tensor.of(new float[] {0.5f, 0.5f}, 2));
        sgd.step();
        float g0 = 0.5f + 0.01f * 1f, g1 = 0.5f + 0.01f * -2f;
        float p0 = 1f - 0.1f * g0, p1 = -2f - 0.1f * g1;
        assertArrayEquals(new float[] {p0, p1}, p.data().toArray(), 1e-7f);
        p.setGrad(Tensor.of(new float[] {-1f, 0f}, 2));
        sgd.step();
        float h0 = -1f + 0.01f * p0, h1 = 0.01f * p1;
        float b0 = 0.9f * g0 + h0, b1 = 0.9f * g1 + h1;
        assertArrayEquals(new float[] {p0 - 0.1f * b0, p1 - 0.1f * b1}, p.data().toArray(), 1e-6f);
    }

    @Test void nesterovUsesTheLookAhead() {
        Variable p = Variable.leaf(Tensor.of(new float[] {0f}, 1));
        Sgd sgd = new Sgd(Map.of("p", p), 1f, 0.5f, 0f, true);
        p.setGrad(Tensor.of(new float[] {1f}, 1));
        sgd.step(); // buf = 1, g = 1 + 0.5 * 1
        assertEquals(-1.5f, p.data().item());
        assertThrows(IllegalArgumentException.class, () -> new Sgd(Map.of("p", p), 1f, 0f, 0f, true));
    }

    @Test void mdistillerMultiStepSchedule() {
        LrSchedule s = LrSchedule.multiStep(0.05, new int[] {150, 180, 210}, 0.1);
        assertEquals(0.05, s.lr(1), 1e-12);
        assertEquals(0.05, s.lr(150), 1e-12);
        assertEquals(0.005, s.lr(151), 1e-12);
        assertEquals(0.0005, s.lr(181), 1e-12);
        assertEquals(0.00005, s.lr(240), 1e-12);
        LrSchedule c = LrSchedule.cosine(0.1, 0.0, 11);
        assertEquals(0.1, c.lr(1), 1e-12);
        assertEquals(0.05, c.lr(6), 1e-12);
        assertEquals(0.0, c.lr(11), 1e-12);
        LrSchedule w = LrSchedule.linearWarmup(4, e -> 0.2);
        assertEquals(0.05, w.lr(1), 1e-12);
        assertEquals(0.2, w.lr(4), 1e-12);
        assertEquals(0.2, w.lr(9), 1e-12);
    }
}
