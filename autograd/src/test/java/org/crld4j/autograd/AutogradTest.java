package org.crld4j.autograd;

import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's semantics: accumulation, explicit upstream gradients, no-grad, detach, graph release. */
class AutogradTest {
    @Test void gradientsAccumulateAcrossBackwardCalls() {
        Variable x = Variable.leaf(Tensor.of(new float[] {1, 2, 3}, 3));
        x.mul(x).sum().backward();
        assertArrayEquals(new float[] {2, 4, 6}, x.grad().toArray());
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {5, 7, 9}, x.grad().toArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test void sharedSubexpressionsSumTheirPaths() {
        Variable x = Variable.leaf(Tensor.of(new float[] {2}, 1));
        Variable y = x.mul(x);            // y = x^2
        y.add(y).mul(y).sum().backward(); // (2y) * y = 2x^4 -> 8x^3
        assertArrayEquals(new float[] {64}, x.grad().toArray());
    }

    @Test void explicitUpstreamGradient() {
        Variable x = Variable.leaf(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        x.mul(2f).backward(Tensor.of(new float[] {1, 0, 0.5f, 2}, 2, 2));
        assertArrayEquals(new float[] {2, 0, 1, 4}, x.grad().toArray());
        assertThrows(IllegalArgumentException.class, () -> x.mul(2f).backward(Tensor.ones(4)));
        assertThrows(IllegalStateException.class, () -> x.mul(2f).backward());
    }

    @Test void noGradScopeRecordsNothing() {
        Variable x = Variable.leaf(Tensor.ones(2));
        try (var s = Autograd.noGrad()) {
            Variable y = x.mul(2f);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
        }
        assertTrue(x.mul(2f).requiresGrad());
    }

    @Test void detachCutsTheGraph() {
        Variable x = Variable.leaf(Tensor.of(new float[] {3}, 1));
        Variable y = x.mul(x).detach().mul(x).sum(); // d/dx = x^2 (detached part is constant)
        y.backward();
        assertArrayEquals(new float[] {9}, x.grad().toArray());
    }

    @Test void graphIsReleasedAfterBackward() {
        Variable x = Variable.leaf(Tensor.ones(2));
        Variable y = x.exp().sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
    }

    /** As in PyTorch, the graph keeps what backward saved, not every intermediate value. */
    @Test void intermediatesNoBackwardSavedAreCollectable() throws InterruptedException {
        Variable x = Variable.leaf(Tensor.of(new float[] {-1f, 2f, -3f, 4f}, 4));
        Variable mid = x.mul(2f).add(1f); // neither scalar op saves a tensor
        java.lang.ref.WeakReference<Tensor> ref = new java.lang.ref.WeakReference<>(mid.data());
        Variable out = mid.relu(); // saves only its own output
        mid = null;
        for (int i = 0; i < 20 && ref.get() != null; i++) { System.gc(); Thread.sleep(5); }
        assertNull(ref.get(), "the graph kept an intermediate that no backward needs");
        out.sum(new int[] {0}, false).backward();
        assertArrayEquals(new float[] {0f, 2f, 0f, 2f}, x.grad().array());
    }

    @Test void constantsGetNoGradient() {
        Variable c = Variable.constant(Tensor.ones(2));
        Variable x = Variable.leaf(Tensor.ones(2));
        x.mul(c).sum().backward();
        assertNull(c.grad());
        assertThrows(IllegalStateException.class, () -> c.sum().backward());
    }
}
