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
        List<Variable> order = topologicalOrder(root);
        Map<Variable, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, grad);
        for (Variable v : order) {
            Tensor g = grads.remove(v);
            if (g == null) continue;
            Node node = v.node();
            if (node == null) { v.accumulateGrad(g); continue; }
            long t0 = Profiler.enabled() ? System.nanoTime() : 0;
            Tensor[] gs = node.run(g);
            if (Profiler.enabled()) Profiler.backward(node.op, System.nanoTime() - t0);
            node.release();
            for (int i = 0; i < node.inputs.length; i++) {
                Variable in = node.inputs[i];
                if (in == null || !in.requiresGrad() || gs[i] == null) continue;
                Tensor gi = gs[i];
                if (!java.util.Arrays.equals(gi.shape(), in.data().shape()))
                    throw new IllegalStateException(node.op + ": backward produced a gradient of shape " + Shapes.str(gi.shape())
                            + " for an input of shape " + Shapes.str(in.data().shape()));
                Tensor prev = grads.get(in);
                grads.put(in, prev == null ? gi : prev.add(gi));
            }
        }
    }

    /** Variables reachable from root, each before all of its inputs. */
    private static List<Variable> topologicalOrder(Variable root) {
        List<Variable> post = new ArrayList<>();
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Variable v = (Variable) top[0];
            int i = (Integer) top[1];
            Node n = v.node();
            if (n != null && i < n.inputs.length) {
                top[1] = i + 1;
                Variable in = n.inputs[i];
                if (in != null && in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                post.add(v);
            }
        }
        Collections.reverse(post);
        return post;
    }
}
