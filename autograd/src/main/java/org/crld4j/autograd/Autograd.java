package org.crld4j.autograd;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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
        if (!gradEnabled()) return new Variable(out, false, null);
        boolean any = false;
        for (Variable v : inputs) any |= v != null && v.requiresGrad();
        if (!any) return new Variable(out, false, null);
        return new Variable(out, true, new Node(op, inputs, backward));
    }

    /** Reverse-mode sweep from {@code root} with upstream gradient {@code grad}. */
    static void backward(Variable root, Tensor grad) {
        if (!root.requiresGrad())
            throw new IllegalStateException("backward: tensor of shape " + Shapes.str(root.data().shape())
                    + " does not require grad and has no grad_fn");
        if (!java.util.Arrays.equals(grad.shape(), root.data().shape()))
            throw new IllegalArgumentException("backward: gradient of shape " + Shapes.str(grad.shape())
                    + " does not match the output shape " + Shapes.str(root.data().shape()));
        if (root.node() == null) { root.accumulateGrad(grad); return; }
        // Vertices are nodes and leaf variables; a leaf's contributions are summed, then accumulated once.
        List<Object> order = topologicalOrder(root.node());
        Map<Object, Tensor> grads = new IdentityHashMap<>();
        grads.put(root.node(), grad);
        for (Object vertex : order) {
            Tensor g = grads.remove(vertex);
            if (g == null) continue;
            if (vertex instanceof Variable leaf) { leaf.accumulateGrad(g); continue; }
            Node node = (Node) vertex;
            long t0 = Profiler.enabled() ? System.nanoTime() : 0;
            Tensor[] gs = node.run(g);
            if (Profiler.enabled()) Profiler.backward(node.op, System.nanoTime() - t0);
            node.release();
            for (int i = 0; i < node.inputShapes.length; i++) {
                Object next = node.next(i);
                if (next == null || gs[i] == null) continue;
                Tensor gi = gs[i];
                if (!java.util.Arrays.equals(gi.shape(), node.inputShapes[i]))
                    throw new IllegalStateException(node.op + ": backward produced a gradient of shape " + Shapes.str(gi.shape())
                            + " for an input of shape " + Shapes.str(node.inputShapes[i]));
                Tensor prev = grads.get(next);
                grads.put(next, prev == null ? gi : prev.add(gi));
            }
        }
    }

    /** Vertices reachable from root, each before all of its inputs (reverse post-order). */
    private static List<Object> topologicalOrder(Node root) {
        List<Object> post = new ArrayList<>();
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            int i = (Integer) top[1];
            if (top[0] instanceof Node n && i < n.inputShapes.length) {
                top[1] = i + 1;
                Object in = n.next(i);
                if (in != null && seen.put(in, Boolean.TRUE) == null) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                post.add(top[0]);
            }
        }
        Collections.reverse(post);
        return post;
    }
}
