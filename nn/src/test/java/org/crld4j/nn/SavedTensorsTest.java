package org.crld4j.nn;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.layers.BatchNorm2d;
import org.crld4j.tensor.Backends;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What a training graph keeps alive for its backward, on the host backend the models run on. */
class SavedTensorsTest {
    /**
     * Batch norm's backward reads its input and the statistics, not its output: a BN output
     * consumed by ReLU (which saves its own output) must not outlive the forward, or every conv-BN-ReLU
     * keeps one more activation until the backward (a third more memory in a ResNet's training step).
     */
    @Test void batchNormOutputIsNotKeptForTheBackward() throws InterruptedException {
        assertEquals("cpu", Backends.host().name());
        BatchNorm2d bn = new BatchNorm2d(4);
        bn.train();
        Variable x = Variable.leaf(Tensor.randn(new Rng(1), 2, 4, 3, 3));
        Variable y = bn.forward(x);
        WeakReference<Tensor> output = new WeakReference<>(y.data());
        Variable out = y.relu();
        y = null;
        for (int i = 0; i < 20 && output.get() != null; i++) { System.gc(); Thread.sleep(5); }
        assertNull(output.get(), "the graph kept batch norm's output alive");
        out.sum().backward(); // and the backward still has what it needs
        assertEquals(2 * 4 * 3 * 3, x.grad().numel());
    }
}
