package org.crld4j.autograd;

import org.crld4j.tensor.Tensor;

/**
 * One recorded operation: where its inputs' gradients go and the backward closure that holds what
 * the forward saved. A node does not hold its inputs' values: an intermediate result that no
 * backward saved (a batch norm output consumed by ReLU, a residual sum) is garbage as soon as the
 * forward moves on, as in PyTorch. Backward releases the closure and with it the saved tensors.
 */
final class Node {
    /** Maps the gradient of the output to the gradients of the inputs (null where not needed). */
    @FunctionalInterface
    interface Backward { Tensor[] apply(Tensor gradOutput); }

    final String op;
    /** Per input: the node that computed it, or null (a leaf, or no gradient needed). */
    final Node[] nextNodes;
    /** Per input: the leaf that accumulates its gradient, or null. */
    final Variable[] nextLeaves;
    /** Per input: its shape, to check what the backward returns. */
    final int[][] inputShapes;
    private Backward backward;

    Node(String op, Variable[] inputs, Backward backward) {
        this.op = op;
        int n = inputs.length;
        nextNodes = new Node[n];
        nextLeaves = new Variable[n];
        inputShapes = new int[n][];
        for (int i = 0; i < n; i++) {
            Variable in = inputs[i];
            if (in == null || !in.requiresGrad()) continue;
            inputShapes[i] = in.shape();
            if (in.node() != null) nextNodes[i] = in.node();
            else nextLeaves[i] = in;
        }
        this.backward = backward;
    }

    /** The gradient's destination for input i (a Node or a leaf Variable), or null. */
    Object next(int i) { return nextNodes[i] != null ? nextNodes[i] : nextLeaves[i]; }

    Tensor[] run(Tensor gradOutput) {
        if (backward == null)
            throw new IllegalStateException(op + ": trying to backward through the graph a second time; "
                    + "its saved tensors were freed after the first backward");
        return backward.apply(gradOutput);
    }

    void release() { backward = null; }
}
