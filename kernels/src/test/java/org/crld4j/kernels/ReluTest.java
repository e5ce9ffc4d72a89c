package org.crld4j.kernels;

import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReluTest {
    /** Sizes below, at and across the vector length and the parallel grain, with odd remainders. */
    @Test void fastMatchesReferenceOnAwkwardSizes() {
        Rng rng = new Rng(7);
        for (int n : new int[] {1, 7, 8, 9, 65, (1 << 15) - 3, (1 << 16) + 5, 3 * (1 << 15) + 11}) {
            Tensor x = Tensor.randn(rng, n), g = Tensor.randn(rng, n);
            float[] xs = x.array();
            xs[0] = Float.NaN;
            if (n > 1) xs[1] = -0f;
            Tensor y = Relu.forward(x);
            assertArrayEquals(Relu.referenceForward(xs), y.array(), "relu forward n=" + n);
            assertArrayEquals(Relu.referenceBackward(g.array(), y.array()), Relu.backward(g, y).array(), "relu backward n=" + n);
        }
    }

    @Test void nanPropagatesForwardAndGetsZeroGradient() {
        Tensor x = Tensor.of(new float[] {Float.NaN, -1f, 2f, -0f}, 4);
        Tensor y = Relu.forward(x);
        assertTrue(Float.isNaN(y.get(0)));
        assertEquals(0f, y.get(1));
        assertEquals(2f, y.get(2));
        assertEquals(0, Float.compare(0f, y.get(3)), "relu(-0) is +0 as in PyTorch's clamp_min");
        assertArrayEquals(new float[] {0f, 0f, 5f, 0f}, Relu.backward(Tensor.full(5f, 4), y).array());
    }

    @Test void viewsAreReadThroughTheirStrides() {
        Tensor x = Tensor.randn(new Rng(3), 6, 5).transpose(0, 1);
        assertArrayEquals(Relu.referenceForward(x.contiguous().array()), Relu.forward(x).array());
        assertThrows(IllegalArgumentException.class, () -> Relu.backward(Tensor.zeros(5, 6), Tensor.zeros(6, 5)));
    }
}
