package org.crld4j.autograd;

import org.crld4j.tensor.Tensor;

/**
 * One recorded operation: its inputs and the backward closure that holds what the forward saved.
 * Backward releases the closure (and with it the saved tensors), as PyTorch frees its buffers.
 */
final class Node {
    /** Maps the gradient of the output to the gradients of the inputs (null where not needed). */
    @FunctionalInterface
    interface Backward { Tensor[] apply(Tensor gradOutput); }

    final String op;
    final Variable[] inputs;
    private Backward backward;

    Node(String op, Variable[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    Tensor[] run(Tensor gradOutput) {
        if (backward == null)
            throw new IllegalStateException(op + ": trying to backward through the graph a second time; "
                    + "its saved tensors were freed after the first backward");
        return backward.apply(gradOutput);
    }

    void release() { backward = null; }
}
