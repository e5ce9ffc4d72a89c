package org.crld4j.autograd;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A tensor in the autograd graph: its value, whether it requires grad, the node that made it (null
 * for leaves) and, for leaves that require grad, the {@link Node.AccumulateGrad} node their
 * gradients flow into and the accumulated gradient. Each operation below computes its forward
 * and, in the same place, the backward closure with the tensors it saved.
 */
public final class Variable {
    private final Tensor data;
    private final boolean requiresGrad;
    private final Node node;
    /** Where this variable's gradient goes: its node, its leaf's AccumulateGrad, or null (no grad). */
    private final Node gradNode;
    private Tensor grad;

    Variable(Tensor data, boolean requiresGrad, Node node) {
        this.data = data;
        this.requiresGrad = requiresGrad;
        this.node = node;
        this.gradNode = node != null ? node : requiresGrad ? new Node.AccumulateGrad(this) : null;
    }

    /** A constant (no gradient). */
    public static Variable constant(Tensor t) { return new Variable(t, false, null); }

    /** A leaf that accumulates gradients, e.g. a parameter. */
    public static Variable leaf(Tensor t) { return new Variable(t, true, null); }

    public Tensor data() { return data; }
    public boolean requiresGrad() { return requiresGrad; }
    public boolean isLeaf() { return node == null; }
    /** The node this variable's gradient flows into (null when it requires none). */
    Node gradNode() { return gradNode; }
    /** Name of the operation that produced this variable, or null for a leaf. */
    public String gradFn() { return node == null ? null : node.op; }

    /** Accumulated gradient of a leaf (null before any backward). */
    public Tensor grad() { return grad; }
    public void zeroGrad() { grad = null; }
    public void setGrad(Tensor g) { grad = g; }

    void accumulateGrad(Tensor g) {
        if (grad == null) grad = g.copy(); // own the storage: g may be shared with other gradients
        else grad.addInPlace(g);
    }

    public int[] shape() { return data.shape(); }
    public float item() { return data.item(); }
    /** Same value, cut from the graph. */
    public Variable detach() { return constant(data); }

    /** Backward from a one-element output (gradient 1). */
    public void backward() {
        if (data.numel() != 1)
            throw new IllegalStateException("backward: grad can be implicitly created only for scalar outputs, got shape "
                    + Shapes.str(data.shape()) + "; pass an explicit gradient");
        Autograd.backward(this, Tensor.zeros(data.device(), data.shape()).fill(1f));
    }

    /** Backward with an explicit upstream gradient of this variable's shape. */
    public void backward(Tensor gradient) { Autograd.backward(this, gradient); }

    @Override public String toString() {
        return "Variable(" + data + (node != null ? ", grad_fn=" + node.op : requiresGrad ? ", requires_grad" : "") + ")";
    }

    // ---------------------------------------------------------------- arithmetic (broadcasting)

    public Variable add(Variable o) {
        int[] sa = shape(), sb = o.shape();
        return Autograd.record("add", data.add(o.data), g -> new Tensor[] {g.sumTo(sa), g.sumTo(sb)}, this, o);
    }

    public Variable sub(Variable o) {
        int[] sa = shape(), sb = o.shape();
        return Autograd.record("sub", data.sub(o.data), g -> new Tensor[] {g.sumTo(sa), g.neg().sumTo(sb)}, this, o);
    }

    public Variable mul(Variable o) {
        Tensor a = data, b = o.data;
        return Autograd.record("mul", a.mul(b), g -> new Tensor[] {
                requiresGrad ? g.mul(b).sumTo(a.shape()) : null,
                o.requiresGrad ? g.mul(a).sumTo(b.shape()) : null}, this, o);
    }

    public Variable div(Variable o) {
        Tensor a = data, b = o.data;
        return Autograd.record("div", a.div(b), g -> new Tensor[] {
                requiresGrad ? g.div(b).sumTo(a.shape()) : null,
                o.requiresGrad ? g.mul(a).div(b.mul(b)).neg().sumTo(b.shape()) : null}, this, o);
    }

    public Variable add(float s) { return Autograd.record("add_scalar", data.add(s), g -> new Tensor[] {g}, this); }
    public Variable sub(float s) { return add(-s); }
    public Variable mul(float s) { return Autograd.record("mul_scalar", data.mul(s), g -> new Tensor[] {g.mul(s)}, this); }
    public Variable div(float s) { return Autograd.record("div_scalar", data.div(s), g -> new Tensor[] {g.div(s)}, this); }
    public Variable neg() { return Autograd.record("neg", data.neg(), g -> new Tensor[] {g.neg()}, this); }

    /** x^e for a constant exponent. */
    public Variable pow(float e) {
        Tensor x = data;
        return Autograd.record("pow", x.pow(e), g -> new Tensor[] {g.mul(x.pow(e - 1f).mul(e))}, this);
    }

    public Variable exp() {
        Tensor y = data.exp();
        return Autograd.record("exp", y, g -> new Tensor[] {g.mul(y)}, this);
    }

    public Variable log() {
        Tensor x = data;
        return Autograd.record("log", x.log(), g -> new Tensor[] {g.div(x)}, this);
    }

    public Variable sqrt() {
        Tensor y = data.sqrt();
        return Autograd.record("sqrt", y, g -> new Tensor[] {g.div(y.mul(2f))}, this);
    }

    public Variable abs() {
        Tensor x = data;
        return Autograd.record("abs", x.abs(), g -> new Tensor[] {g.mul(x.sign())}, this);
    }

    public Variable relu() {
        var be = data.backend();
        Tensor y = be.relu(data);
        return Autograd.record("relu", y, g -> new Tensor[] {be.reluBackward(g, y)}, this);
    }

    /** Clamp into [lo, hi]; the gradient passes where lo <= x <= hi, as in PyTorch. */
    public Variable clamp(float lo, float hi) {
        Tensor x = data;
        return Autograd.record("clamp", x.clamp(lo, hi),
                g -> new Tensor[] {g.mul(x.ge(lo).mul(x.le(hi)))}, this);
    }

    /** mask != 0 ? a : b (mask is a constant). */
    public static Variable where(Tensor mask, Variable a, Variable b) {
        Tensor zero = Tensor.zeros(a.data.device());
        return Autograd.record("where", Tensor.where(mask, a.data, b.data), g -> new Tensor[] {
                Tensor.where(mask, g, zero).sumTo(a.shape()),
                Tensor.where(mask, zero, g).sumTo(b.shape())}, a, b);
    }

    // ---------------------------------------------------------------- reductions

    public Variable sum() { return sum(new int[0], false); }

    /** Sum over dims (empty: all). */
    public Variable sum(int[] dims, boolean keepdim) {
        int[] in = shape();
        int[] kept = keptShape(in, dims);
        return Autograd.record("sum", data.sum(dims, keepdim), g -> new Tensor[] {g.reshape(kept).expand(in).copy()}, this);
    }

    public Variable mean() { return mean(new int[0], false); }

    public Variable mean(int[] dims, boolean keepdim) {
        int[] in = shape();
        int[] kept = keptShape(in, dims);
        int count = Math.max(1, data.numel() / Math.max(1, Shapes.numel(kept)));
        return Autograd.record("mean", data.mean(dims, keepdim),
                g -> new Tensor[] {g.reshape(kept).expand(in).copy().mulInPlace(1f / count)}, this);
    }

    /** Maximum along dim; the gradient goes to the first maximal element. */
    public Variable max(int dim, boolean keepdim) {
        int d = Shapes.dim("max", dim, data.rank());
        Tensor idx = data.argmax(d, true);
        Tensor x = data;
        return Autograd.record("max", data.max(d, keepdim), g -> new Tensor[] {
                Tensor.zerosLike(x).scatter(d, idx, g.reshape(idx.shape()))}, this);
    }

    /** Variance over dims (unbiased: divide by n-1). */
    public Variable var(int[] dims, boolean unbiased, boolean keepdim) {
        int[] in = shape();
        int[] kept = keptShape(in, dims);
        int n = data.numel() / Math.max(1, Shapes.numel(kept));
        Tensor centred = data.sub(data.mean(dims, true));
        float scale = 2f / (unbiased ? n - 1 : n);
        return Autograd.record("var", data.var(dims, unbiased, keepdim),
                g -> new Tensor[] {centred.mul(g.reshape(kept)).mulInPlace(scale)}, this);
    }

    private static int[] keptShape(int[] in, int[] dims) {
        boolean[] red = Shapes.dimMask("reduce", dims, in.length);
        int[] k = in.clone();
        for (int i = 0; i < k.length; i++) if (red[i]) k[i] = 1;
        return k;
    }

    // ---------------------------------------------------------------- linear algebra

    /** torch.matmul (1-D operands are promoted and the added dim removed afterwards). */
    public Variable matmul(Variable o) {
        if (data.rank() == 1) return unsqueeze(0).matmul(o).squeeze(-2);
        if (o.data.rank() == 1) return matmul(o.unsqueeze(1)).squeeze(-1);
        Tensor a = data, b = o.data;
        return Autograd.record("matmul", a.matmul(b), g -> new Tensor[] {
                requiresGrad ? g.matmul(b.transpose(-1, -2)).sumTo(a.shape()) : null,
                o.requiresGrad ? a.transpose(-1, -2).matmul(g).sumTo(b.shape()) : null}, this, o);
    }

    // ---------------------------------------------------------------- views

    public Variable reshape(int... s) {
        int[] in = shape();
        return Autograd.record("reshape", data.reshape(s), g -> new Tensor[] {g.reshape(in)}, this);
    }

    public Variable view(int... s) {
        int[] in = shape();
        return Autograd.record("view", data.view(s), g -> new Tensor[] {g.reshape(in)}, this);
    }

    public Variable flatten(int start, int end) {
        int[] in = shape();
        return Autograd.record("flatten", data.flatten(start, end), g -> new Tensor[] {g.reshape(in)}, this);
    }

    public Variable permute(int... order) {
        int[] inv = new int[order.length];
        for (int i = 0; i < order.length; i++) inv[Shapes.dim("permute", order[i], order.length)] = i;
        return Autograd.record("permute", data.permute(order), g -> new Tensor[] {g.permute(inv)}, this);
    }

    public Variable transpose(int d0, int d1) {
        return Autograd.record("transpose", data.transpose(d0, d1), g -> new Tensor[] {g.transpose(d0, d1)}, this);
    }

    public Variable narrow(int dim, int start, int length) {
        int[] in = shape();
        int d = Shapes.dim("narrow", dim, in.length);
        return Autograd.record("narrow", data.narrow(d, start, length), g -> {
            Tensor gi = Tensor.zeros(data.device(), in);
            gi.narrow(d, start, length).copyFrom(g);
            return new Tensor[] {gi};
        }, this);
    }

    public Variable slice(int dim, int start, int end, int step) {
        int[] in = shape();
        int d = Shapes.dim("slice", dim, in.length);
        return Autograd.record("slice", data.slice(d, start, end, step), g -> {
            Tensor gi = Tensor.zeros(data.device(), in);
            gi.slice(d, start, end, step).copyFrom(g);
            return new Tensor[] {gi};
        }, this);
    }

    public Variable select(int dim, int index) {
        int[] in = shape();
        int d = Shapes.dim("select", dim, in.length);
        return Autograd.record("select", data.select(d, index), g -> {
            Tensor gi = Tensor.zeros(data.device(), in);
            gi.select(d, index).copyFrom(g);
            return new Tensor[] {gi};
        }, this);
    }

    public Variable expand(int... s) {
        int[] in = shape();
        return Autograd.record("expand", data.expand(s), g -> new Tensor[] {g.sumTo(in)}, this);
    }

    public Variable squeeze(int dim) {
        int[] in = shape();
        return Autograd.record("squeeze", data.squeeze(dim), g -> new Tensor[] {g.reshape(in)}, this);
    }

    public Variable unsqueeze(int dim) {
        int[] in = shape();
        return Autograd.record("unsqueeze", data.unsqueeze(dim), g -> new Tensor[] {g.reshape(in)}, this);
    }

    public Variable contiguous() { return Autograd.record("contiguous", data.contiguous(), g -> new Tensor[] {g}, this); }

    // ---------------------------------------------------------------- joining and indexing

    public static Variable cat(List<Variable> vs, int dim) {
        List<Tensor> ts = new ArrayList<>();
        for (Variable v : vs) ts.add(v.data);
        Tensor out = Tensor.cat(ts, dim);
        int d = Shapes.dim("cat", dim, out.rank());
        int[] sizes = new int[vs.size()];
        for (int i = 0; i < sizes.length; i++) sizes[i] = vs.get(i).data.size(d);
        return Autograd.record("cat", out, g -> g.split(sizes, d).toArray(new Tensor[0]), vs.toArray(new Variable[0]));
    }

    public static Variable stack(List<Variable> vs, int dim) {
        List<Variable> u = new ArrayList<>();
        int d = Shapes.dim("stack", dim, vs.get(0).data.rank() + 1);
        for (Variable v : vs) u.add(v.unsqueeze(d));
        return cat(u, d);
    }

    public List<Variable> split(int size, int dim) {
        int d = Shapes.dim("split", dim, data.rank());
        List<Variable> out = new ArrayList<>();
        for (int s = 0; s < data.size(d); s += size) out.add(narrow(d, s, Math.min(size, data.size(d) - s)));
        return out;
    }

    public List<Variable> chunk(int n, int dim) {
        int d = Shapes.dim("chunk", dim, data.rank());
        return split(Math.max(1, (data.size(d) + n - 1) / n), d);
    }

    /** torch.gather; the gradient scatters-adds back into the gathered positions. */
    public Variable gather(int dim, Tensor index) {
        int[] in = shape();
        int d = Shapes.dim("gather", dim, in.length);
        return Autograd.record("gather", data.gather(d, index),
                g -> new Tensor[] {Tensor.zeros(data.device(), in).scatterAdd(d, index, g)}, this);
    }

    /** Out-of-place torch.scatter: src values written at index along dim. */
    public Variable scatter(int dim, Tensor index, Variable src) {
        int d = Shapes.dim("scatter", dim, data.rank());
        return Autograd.record("scatter", data.scatter(d, index, src.data), g -> new Tensor[] {
                g.scatter(d, index, Tensor.zeros(data.device(), index.shape())),
                g.gather(d, index)}, this, src);
    }
}
