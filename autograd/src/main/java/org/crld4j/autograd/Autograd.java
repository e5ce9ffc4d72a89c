package org.crld4j.autograd;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The graph recorder and the reverse-mode engine. */
public final class Autograd {
    private Autograd() {}

    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /** A scope in which no graph is recorded: {@code try (var s = Autograd.noGrad()) { ... }}. */
    public static AutoCloseableScope noGrad() {
        NO_GRAD_DEPTH.get()[0]++;
        return () -> NO_GRAD_DEPTH.get()[0]--;
    }

    public interface AutoCloseableScope extends AutoCloseable { @Override void close(); }

    public static boolean gradEnabled() { return NO_GRAD_DEPTH.get()[0] == 0; }

    /** Wraps a forward result, recording the node when grad mode is on and some input requires grad. */
    static Variable record(String op, Tensor out, Node.Backward backward, Variable... inputs) {
        if (Profiler.enabled()) Profiler.forward(op);
        if (!needsGrad(inputs)) return new Variable(out, false, null);
        return new Variable(out, true, new Node(op, inputs, backward));
    }

    /** Whether an op on these inputs (nulls allowed) would be recorded: grad mode is on and some input requires grad. */
    public static boolean needsGrad(Variable... inputs) {
        if (!gradEnabled()) return false;
        for (Variable v : inputs) if (v != null && v.requiresGrad()) return true;
        return false;
    }

    /** Reverse-mode sweep from {@code root} with upstream gradient {@code grad}. */
    static void backward(Variable root, Tensor grad) {
        if (!root.requiresGrad())
            throw new IllegalStateException("backward: tensor of shape " + Shapes.str(root.data().shape())
                    + " does not require grad and has no grad_fn");
        if (!java.util.Arrays.equals(grad.shape(), root.data().shape()))
            throw new IllegalArgumentException("backward: gradient of shape " + Shapes.str(grad.shape())
                    + " does not match the output shape " + Shapes.str(root.data().shape()));
        // Each node's incoming gradients are summed (in the order they arrive), then it runs once.
        List<Node> order = topologicalOrder(root.gradNode());
        Map<Node, Tensor> grads = new IdentityHashMap<>();
        grads.put(root.gradNode(), grad);
        for (Node node : order) {
            Tensor g = grads.remove(node);
            if (g == null) continue;
            long t0 = Profiler.enabled() ? System.nanoTime() : 0;
            Tensor[] gs = node.apply(g);
            if (Profiler.enabled()) Profiler.backward(node.op, System.nanoTime() - t0);
            node.release();
            for (int i = 0; i < node.next.length; i++) {
                Node next = node.next[i];
                if (next == null || gs[i] == null) continue;
                Tensor gi = gs[i];
                if (!java.util.Arrays.equals(gi.shape(), node.inputShapes[i]))
                    throw new IllegalStateException(node.op + ": backward produced a gradient of shape " + Shapes.str(gi.shape())
                            + " for an input of shape " + Shapes.str(node.inputShapes[i]));
                grads.merge(next, gi, Tensor::add);
            }
        }
    }

    /**
     * Nodes reachable from root, each before all of its inputs: the reverse post-order of a
     * depth-first walk, with an explicit stack (graphs of deep networks would overflow a recursive one).
     */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> post = new ArrayList<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Visit> stack = new ArrayDeque<>();
        stack.push(new Visit(root));
        seen.add(root);
        while (!stack.isEmpty()) {
            Visit top = stack.peek();
            if (top.input < top.node.next.length) {
                Node in = top.node.next[top.input++];
                if (in != null && seen.add(in)) stack.push(new Visit(in));
            } else {
                stack.pop();
                post.add(top.node);
            }
        }
        Collections.reverse(post);
        return post;
    }

    /** A node on the walk's stack and the next of its inputs to visit. */
    private static final class Visit {
        final Node node;
        int input;

        Visit(Node node) { this.node = node; }
    }
}
