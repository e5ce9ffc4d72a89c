package org.crld4j.autograd;

import org.crld4j.tensor.Tensor;

/**
 * A vertex of the backward graph: it maps the gradient of its output to the gradients of its
 * inputs and says where each of those goes. An operation's node holds the backward closure with
 * what the forward saved; a leaf that requires grad has an {@link AccumulateGrad} node, as in
 * PyTorch, so every gradient flows node to node and the graph holds nothing else. A node does not
 * hold its inputs' values: an intermediate result that no backward saved (a batch norm output
 * consumed by ReLU, a residual sum) is garbage as soon as the forward moves on, as in PyTorch.
 * Backward releases the closure and with it the saved tensors.
 */
class Node {
    /** Maps the gradient of the output to the gradients of the inputs (null where not needed). */
    @FunctionalInterface
    interface Backward { Tensor[] apply(Tensor gradOutput); }

    private static final Node[] NO_INPUTS = new Node[0];

    final String op;
    /** Per input: the node its gradient goes to (the one that computed it, or its leaf's AccumulateGrad), or null. */
    final Node[] next;
    /** Per input: its shape, to check what the backward returns. */
    final int[][] inputShapes;
    private Backward backward;

    Node(String op, Variable[] inputs, Backward backward) {
        this.op = op;
        int n = inputs.length;
        next = n == 0 ? NO_INPUTS : new Node[n];
        inputShapes = new int[n][];
        for (int i = 0; i < n; i++) {
            Variable in = inputs[i];
            if (in == null || !in.requiresGrad()) continue;
            inputShapes[i] = in.shape();
            next[i] = in.gradNode();
        }
        this.backward = backward;
    }

    /** The gradients of the inputs, given the gradient of the output. */
    Tensor[] apply(Tensor gradOutput) {
        if (backward == null)
            throw new IllegalStateException(op + ": trying to backward through the graph a second time; "
                    + "its saved tensors were freed after the first backward");
        return backward.apply(gradOutput);
    }

    /** Frees what the forward saved (after this node's backward has run). */
    void release() { backward = null; }

    /** The sink of a leaf: adds the gradient that reaches it to the leaf's {@code grad}; no inputs. */
    static final class AccumulateGrad extends Node {
        private static final Tensor[] NONE = new Tensor[0];
        private final Variable leaf;

        AccumulateGrad(Variable leaf) {
            super("AccumulateGrad", new Variable[0], null);
            this.leaf = leaf;
        }

        @Override Tensor[] apply(Tensor gradOutput) {
            leaf.accumulateGrad(gradOutput);
            return NONE;
        }

        /** Nothing saved: a leaf accumulates across any number of backward passes. */
        @Override void release() {}
    }
}
