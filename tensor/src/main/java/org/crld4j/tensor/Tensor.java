package org.crld4j.tensor;

import org.crld4j.tensor.ops.BinaryOp;
import org.crld4j.tensor.ops.ReduceOp;
import org.crld4j.tensor.ops.UnaryOp;

import java.util.Arrays;
import java.util.List;

/**
 * A float32 N-d tensor: a {@link Storage}, an element offset, a shape and strides (in elements).
 * Views (view/reshape, permute/transpose, narrow/slice/select, expand, squeeze/unsqueeze) share the
 * storage and copy nothing, exactly where PyTorch copies nothing. Operations that produce new data
 * return contiguous tensors. Index tensors (argmax results, gather indices, labels) hold integral
 * float values, exact up to 2^24. The storage knows its {@link Device}; every operation
 * dispatches to that device's {@link Backend} (tensors of two devices fail, naming both), and
 * data moves between devices only when asked ({@link #to(Device)}, {@link #cpu()}).
 */
public final class Tensor {
    private final Storage storage;
    private final int offset;
    private final int[] shape;
    private final int[] strides;

    Tensor(Storage storage, int offset, int[] shape, int[] strides) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // ---------------------------------------------------------------- creation

    /** A new contiguous, zero-filled tensor on the default device. */
    public static Tensor zeros(int... shape) { return zeros(Devices.defaultDevice(), shape); }

    /** A new contiguous, zero-filled tensor on {@code device}: allocation goes through the device's backend. */
    public static Tensor zeros(Device device, int... shape) {
        Shapes.checkShape("zeros", shape);
        return new Tensor(device.backend().allocate(Shapes.numel(shape)), 0, shape.clone(), Shapes.contiguousStrides(shape));
    }

    /**
     * A dense tensor over all of {@code storage} (any device): how a device backend wraps memory it
     * allocated without zero-filling, for results its kernels write in full.
     */
    public static Tensor over(Storage storage, int... shape) {
        Shapes.checkShape("over", shape);
        if (Shapes.numel(shape) != storage.length())
            throw new IllegalArgumentException("over: shape " + Shapes.str(shape) + " does not fill storage of " + storage.length() + " floats");
        return new Tensor(storage, 0, shape.clone(), Shapes.contiguousStrides(shape));
    }

    /** A zero-filled host tensor: what host kernels allocate their results in. */
    public static Tensor hostZeros(int... shape) {
        Shapes.checkShape("zeros", shape);
        return new Tensor(new Storage.Host(new float[Shapes.numel(shape)]), 0, shape.clone(), Shapes.contiguousStrides(shape));
    }

    /** A one-element host tensor. */
    public static Tensor hostScalar(float v) {
        return new Tensor(new Storage.Host(new float[] {v}), 0, new int[0], new int[0]);
    }

    /** Zeros of t's shape on t's device. */
    public static Tensor zerosLike(Tensor t) { return zeros(t.device(), t.shape); }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        if (value != 0f) t.fill(value);
        return t;
    }

    /** Host values, placed on the default device (copied there if it is not the host). */
    private static Tensor fromHost(float[] values, int[] shape) {
        Device d = Devices.defaultDevice();
        Storage s = d.isHost() ? new Storage.Host(values) : d.upload(values);
        return new Tensor(s, 0, shape.clone(), Shapes.contiguousStrides(shape));
    }

    public static Tensor ones(int... shape) { return full(1f, shape); }

    public static Tensor scalar(float v) { return full(v); }

    /** 0, 1, ..., n-1. */
    public static Tensor arange(int n) { return arange(0, n, 1); }

    /** start, start+step, ... below end (PyTorch's length rule). */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0) throw new IllegalArgumentException("arange: step must be non-zero");
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = start + i * step;
        return fromHost(d, new int[] {n});
    }

    /** A tensor holding a copy of {@code data}, with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        if (Shapes.numel(shape) != data.length)
            throw new IllegalArgumentException("of: " + data.length + " values do not fill shape " + Shapes.str(shape));
        Shapes.checkShape("of", shape);
        return fromHost(data.clone(), shape);
    }

    /** A host tensor over {@code data} without copying (a boundary: data loading, I/O). */
    public static Tensor wrap(float[] data, int... shape) {
        if (Shapes.numel(shape) != data.length)
            throw new IllegalArgumentException("wrap: " + data.length + " values do not fill shape " + Shapes.str(shape));
        return new Tensor(new Storage.Host(data), 0, shape.clone(), Shapes.contiguousStrides(shape));
    }

    /** An index tensor from ints (e.g. class labels). */
    public static Tensor ofInts(int[] values, int... shape) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = values[i];
        return of(f, shape.length == 0 ? new int[] {values.length} : shape);
    }

    /** Standard normal samples from {@code rng} (row-major order). */
    public static Tensor randn(Rng rng, int... shape) { return normal(rng, 0f, 1f, shape); }

    public static Tensor normal(Rng rng, float mean, float std, int... shape) {
        Shapes.checkShape("normal", shape);
        float[] d = new float[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * rng.nextGaussian());
        return fromHost(d, shape);
    }

    /** Uniform samples in [lo, hi). */
    public static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        Shapes.checkShape("uniform", shape);
        float[] d = new float[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextFloat();
        return fromHost(d, shape);
    }

    public static Tensor rand(Rng rng, int... shape) { return uniform(rng, 0f, 1f, shape); }

    // ---------------------------------------------------------------- metadata and raw access

    public int[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    public int size(int d) { return shape[Shapes.dim("size", d, shape.length)]; }
    public int stride(int d) { return strides[Shapes.dim("stride", d, shape.length)]; }
    public int[] strides() { return strides.clone(); }
    public int offset() { return offset; }
    public int numel() { return Shapes.numel(shape); }
    public Storage storage() { return storage; }

    public Device device() { return storage.device(); }

    /** The backend computing on this tensor's device. */
    public Backend backend() { return storage.device().backend(); }

    /** This tensor on {@code device}: itself if already there, else a dense copy (PyTorch's tensor.to(device)). */
    public Tensor to(Device device) {
        if (device == storage.device()) return this;
        float[] host = toArray();
        Storage s = device.isHost() ? new Storage.Host(host) : device.upload(host);
        return new Tensor(s, 0, shape.clone(), Shapes.contiguousStrides(shape));
    }

    /** {@code to(Devices.get(name))}, e.g. {@code to("cpu")}. */
    public Tensor to(String device) { return to(Devices.get(device)); }

    /** This tensor in host memory. */
    public Tensor cpu() { return to(Device.CPU); }

    /** The backend for an op on this tensor and {@code other}, which must share its device. */
    private Backend with(String op, Tensor other) {
        Device d = storage.device();
        if (other.storage.device() != d) return Devices.common(op, this, other).backend();
        return d.backend();
    }

    /**
     * The backing host array (shared, not a copy). Mind {@link #offset()} and strides. Only host
     * backends and the I/O boundaries use it; a device tensor refuses, naming its device.
     */
    public float[] array() { return storage.array(); }

    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }

    public boolean isContiguous() {
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != s) return false;
            s *= shape[i];
        }
        return true;
    }

    /** Contiguous and starting at offset 0 of its storage, so {@link #array()} can be used directly. */
    public boolean isDense() { return isContiguous() && offset == 0 && storage.length() == numel(); }

    /** This tensor if dense, else a dense copy. Kernels call this on their inputs. */
    public Tensor dense() { return isDense() ? this : copy(); }

    public Tensor contiguous() { return isContiguous() ? this : copy(); }

    /** A new dense tensor with the same values (PyTorch's clone). */
    public Tensor copy() {
        Tensor out = zeros(device(), shape);
        out.copyFrom(this);
        return out;
    }

    /** One element (host tensors; a device tensor is read through {@link #cpu()}). */
    public float get(int... idx) {
        int i = flatIndex(idx);
        return storage.device().isHost() ? array()[i] : narrowTo(i).toArray()[0];
    }

    public void set(float v, int... idx) {
        int i = flatIndex(idx);
        if (storage.device().isHost()) array()[i] = v;
        else narrowTo(i).fill(v);
    }

    /** The one-element view at storage index i. */
    private Tensor narrowTo(int i) { return new Tensor(storage, i, new int[0], new int[0]); }

    private int flatIndex(int[] idx) {
        if (idx.length != shape.length)
            throw new IllegalArgumentException("get/set: " + idx.length + " indices for a tensor of shape " + Shapes.str(shape));
        int p = offset;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i])
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of bounds for shape " + Shapes.str(shape));
            p += idx[i] * strides[i];
        }
        return p;
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new IllegalArgumentException("item: tensor of shape " + Shapes.str(shape) + " has " + numel() + " elements");
        return storage.device().isHost() ? array()[offset] : toArray()[0];
    }

    /** Values in row-major order, as a new host array. */
    public float[] toArray() {
        Tensor d = dense();
        if (!storage.device().isHost()) return d.storage.device().download(d.storage);
        return d == this ? array().clone() : d.array();
    }

    public int[] toIntArray() {
        float[] f = toArray();
        int[] r = new int[f.length];
        for (int i = 0; i < f.length; i++) r[i] = (int) f[i];
        return r;
    }

    @Override public String toString() {
        float[] v = toArray();
        String body = v.length <= 16 ? Arrays.toString(v) : Arrays.toString(Arrays.copyOf(v, 16)).replace("]", ", ...]");
        return "Tensor" + Shapes.str(shape) + " " + body;
    }

    // ---------------------------------------------------------------- views (no copy)

    /** Same data, new shape; fails where PyTorch's view fails (incompatible strides). One size may be -1. */
    public Tensor view(int... newShape) {
        int[] ns = Shapes.infer("view", newShape, numel());
        int[] st = viewStrides(ns);
        if (st == null)
            throw new IllegalArgumentException("view: shape " + Shapes.str(ns) + " is incompatible with the strides "
                    + Arrays.toString(strides) + " of a tensor of shape " + Shapes.str(shape) + "; use reshape");
        return new Tensor(storage, offset, ns, st);
    }

    /** A view when the strides allow it, else a contiguous copy reshaped. */
    public Tensor reshape(int... newShape) {
        int[] ns = Shapes.infer("reshape", newShape, numel());
        int[] st = viewStrides(ns);
        return st != null ? new Tensor(storage, offset, ns, st) : copy().view(ns);
    }

    /** PyTorch's computeStride: splits/merges dims whose memory is "chunk-contiguous". Null if impossible. */
    private int[] viewStrides(int[] ns) {
        int[] st = new int[ns.length];
        if (numel() == 0) return Shapes.contiguousStrides(ns);
        int viewD = ns.length - 1;
        int chunkBase = strides.length > 0 ? strides[strides.length - 1] : 1;
        long tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || ns[viewD] == 1)) {
                    st[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= ns[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) { chunkBase = strides[d - 1]; tensorNumel = 1; viewNumel = 1; }
            }
        }
        if (viewD != -1) {
            // trailing size-1 dims of the new shape (or a scalar source)
            for (; viewD >= 0; viewD--) st[viewD] = 1;
        }
        return st;
    }

    public Tensor flatten() { return reshape(-1); }

    /** Merges dims start..end (inclusive) into one. */
    public Tensor flatten(int start, int end) {
        int s = Shapes.dim("flatten", start, rank()), e = Shapes.dim("flatten", end, rank());
        int[] ns = new int[rank() - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) ns[k++] = shape[i];
        int m = 1;
        for (int i = s; i <= e; i++) m *= shape[i];
        ns[k++] = m;
        for (int i = e + 1; i < rank(); i++) ns[k++] = shape[i];
        return reshape(ns);
    }

    public Tensor permute(int... order) {
        if (order.length != rank())
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " does not match rank " + rank() + " of shape " + Shapes.str(shape));
        int[] ns = new int[rank()], st = new int[rank()];
        boolean[] seen = new boolean[rank()];
        for (int i = 0; i < order.length; i++) {
            int d = Shapes.dim("permute", order[i], rank());
            if (seen[d]) throw new IllegalArgumentException("permute: dim " + d + " repeated in " + Arrays.toString(order));
            seen[d] = true;
            ns[i] = shape[d];
            st[i] = strides[d];
        }
        return new Tensor(storage, offset, ns, st);
    }

    public Tensor transpose(int d0, int d1) {
        int a = Shapes.dim("transpose", d0, rank()), b = Shapes.dim("transpose", d1, rank());
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Transpose of a 2-D tensor. */
    public Tensor t() {
        if (rank() != 2) throw new IllegalArgumentException("t: expects a 2-D tensor, got shape " + Shapes.str(shape));
        return transpose(0, 1);
    }

    /** Elements start..start+length-1 along dim. */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shapes.dim("narrow", dim, rank());
        if (start < 0 || length < 0 || start + length > shape[d])
            throw new IllegalArgumentException("narrow: range [" + start + ", " + (start + length) + ") out of bounds for dim "
                    + d + " of shape " + Shapes.str(shape));
        int[] ns = shape.clone();
        ns[d] = length;
        return new Tensor(storage, offset + start * strides[d], ns, strides.clone());
    }

    /** Python's t[start:end:step] along dim (end exclusive, clamped). */
    public Tensor slice(int dim, int start, int end, int step) {
        int d = Shapes.dim("slice", dim, rank());
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int n = shape[d];
        int s = Math.max(0, Math.min(n, start < 0 ? start + n : start));
        int e = Math.max(s, Math.min(n, end < 0 ? end + n : end));
        int[] ns = shape.clone(), st = strides.clone();
        ns[d] = (e - s + step - 1) / step;
        st[d] = strides[d] * step;
        return new Tensor(storage, offset + s * strides[d], ns, st);
    }

    /** Index {@code index} along dim, removing that dim. */
    public Tensor select(int dim, int index) {
        int d = Shapes.dim("select", dim, rank());
        if (index < 0 || index >= shape[d])
            throw new IndexOutOfBoundsException("select: index " + index + " out of bounds for dim " + d + " of shape " + Shapes.str(shape));
        int[] ns = new int[rank() - 1], st = new int[rank() - 1];
        for (int i = 0, k = 0; i < rank(); i++) if (i != d) { ns[k] = shape[i]; st[k++] = strides[i]; }
        return new Tensor(storage, offset + index * strides[d], ns, st);
    }

    /** Broadcast view to a larger shape (-1 keeps a size); expanded dims get stride 0. */
    public Tensor expand(int... newShape) {
        if (newShape.length < rank())
            throw new IllegalArgumentException("expand: cannot expand shape " + Shapes.str(shape) + " to " + Arrays.toString(newShape));
        int[] ns = new int[newShape.length], st = new int[newShape.length];
        int shift = newShape.length - rank();
        for (int i = 0; i < newShape.length; i++) {
            int src = i - shift;
            int want = newShape[i];
            if (src < 0) {
                if (want < 0) throw new IllegalArgumentException("expand: -1 not allowed for new leading dims in " + Arrays.toString(newShape));
                ns[i] = want;
                st[i] = 0;
            } else if (want == -1 || want == shape[src]) {
                ns[i] = shape[src];
                st[i] = strides[src];
            } else if (shape[src] == 1) {
                ns[i] = want;
                st[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: cannot expand shape " + Shapes.str(shape) + " to " + Arrays.toString(newShape));
            }
        }
        return new Tensor(storage, offset, ns, st);
    }

    public Tensor expandAs(Tensor other) { return expand(other.shape); }

    /** Removes every size-1 dim. */
    public Tensor squeeze() {
        int n = 0;
        for (int s : shape) if (s != 1) n++;
        int[] ns = new int[n], st = new int[n];
        for (int i = 0, k = 0; i < rank(); i++) if (shape[i] != 1) { ns[k] = shape[i]; st[k++] = strides[i]; }
        return new Tensor(storage, offset, ns, st);
    }

    /** Removes dim if its size is 1 (else returns this, as PyTorch). */
    public Tensor squeeze(int dim) {
        int d = Shapes.dim("squeeze", dim, rank());
        return shape[d] == 1 ? select(d, 0) : this;
    }

    public Tensor unsqueeze(int dim) {
        int d = Shapes.dim("unsqueeze", dim, rank() + 1);
        int[] ns = new int[rank() + 1], st = new int[rank() + 1];
        for (int i = 0, k = 0; i < ns.length; i++) {
            if (i == d) {
                ns[i] = 1;
                st[i] = k < rank() ? strides[k] * shape[k] : 1;
            } else { ns[i] = shape[k]; st[i] = strides[k++]; }
        }
        return new Tensor(storage, offset, ns, st);
    }

    // ---------------------------------------------------------------- in-place (for optimisers and kernels)

    /**
     * Copies src (broadcast to this shape) into this tensor's elements. As PyTorch's copy_, src may
     * live on another device: it is moved here first (one transfer), which is how checkpoints and
     * host-initialised values reach a device.
     */
    public Tensor copyFrom(Tensor src) {
        Tensor s = src.storage.device() == storage.device() ? src : src.to(storage.device());
        backend().copy(this, s);
        return this;
    }

    public Tensor fill(float v) {
        backend().fill(this, v);
        return this;
    }

    public Tensor zero() { return fill(0f); }

    /** this += other (broadcast). */
    public Tensor addInPlace(Tensor other) { return addInPlace(other, 1f); }

    /** this += alpha * other (broadcast), PyTorch's add_(other, alpha=). */
    public Tensor addInPlace(Tensor other, float alpha) {
        with("add_", other).axpy(this, other, alpha);
        return this;
    }

    public Tensor mulInPlace(float s) {
        backend().unaryInto(UnaryOp.MUL, this, this, s, 0f);
        return this;
    }

    public Tensor mulInPlace(Tensor other) {
        with("mul_", other).binaryInto(BinaryOp.MUL, this, this, other);
        return this;
    }

    public Tensor addInPlace(float s) {
        backend().unaryInto(UnaryOp.ADD, this, this, s, 0f);
        return this;
    }

    // ---------------------------------------------------------------- elementwise (new tensors)

    public Tensor add(Tensor o) { return with("add", o).binary(BinaryOp.ADD, this, o); }
    public Tensor sub(Tensor o) { return with("sub", o).binary(BinaryOp.SUB, this, o); }
    public Tensor mul(Tensor o) { return with("mul", o).binary(BinaryOp.MUL, this, o); }
    public Tensor div(Tensor o) { return with("div", o).binary(BinaryOp.DIV, this, o); }
    public Tensor pow(Tensor o) { return with("pow", o).binary(BinaryOp.POW, this, o); }
    public Tensor maximum(Tensor o) { return with("maximum", o).binary(BinaryOp.MAX, this, o); }

    public Tensor add(float s) { return backend().unary(UnaryOp.ADD, this, s, 0f); }
    public Tensor sub(float s) { return backend().unary(UnaryOp.ADD, this, -s, 0f); }
    public Tensor mul(float s) { return backend().unary(UnaryOp.MUL, this, s, 0f); }
    public Tensor div(float s) { return backend().unary(UnaryOp.DIV, this, s, 0f); }
    public Tensor pow(float e) {
        if (e == 2f) return mul(this);
        if (e == 1f) return copy();
        if (e == 0.5f) return sqrt();
        return backend().unary(UnaryOp.POW, this, e, 0f);
    }

    public Tensor neg() { return backend().unary(UnaryOp.NEG, this, 0f, 0f); }
    public Tensor exp() { return backend().unary(UnaryOp.EXP, this, 0f, 0f); }
    public Tensor log() { return backend().unary(UnaryOp.LOG, this, 0f, 0f); }
    public Tensor sqrt() { return backend().unary(UnaryOp.SQRT, this, 0f, 0f); }
    public Tensor abs() { return backend().unary(UnaryOp.ABS, this, 0f, 0f); }
    public Tensor sign() { return backend().unary(UnaryOp.SIGN, this, 0f, 0f); }

    /** Clamps into [lo, hi]; NaN stays NaN as in PyTorch. */
    public Tensor clamp(float lo, float hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: min " + lo + " is greater than max " + hi);
        return backend().unary(UnaryOp.CLAMP, this, lo, hi);
    }

    /** Applies f to every element into a new dense tensor (host tensors: a Java function runs on the host). */
    public Tensor map(FloatUnaryOperator f) {
        if (!storage.device().isHost())
            throw new IllegalArgumentException("map: a Java function runs on host tensors only; this one is on " + storage.device().name());
        Tensor out = hostZeros(shape);
        Elementwise.unaryInto(out, this, f);
        return out;
    }

    // comparisons: 0/1 masks
    public Tensor eq(Tensor o) { return with("eq", o).binary(BinaryOp.EQ, this, o); }
    public Tensor ne(Tensor o) { return with("ne", o).binary(BinaryOp.NE, this, o); }
    public Tensor gt(Tensor o) { return with("gt", o).binary(BinaryOp.GT, this, o); }
    public Tensor ge(Tensor o) { return with("ge", o).binary(BinaryOp.GE, this, o); }
    public Tensor lt(Tensor o) { return with("lt", o).binary(BinaryOp.LT, this, o); }
    public Tensor le(Tensor o) { return with("le", o).binary(BinaryOp.LE, this, o); }
    public Tensor eq(float s) { return backend().unary(UnaryOp.EQ, this, s, 0f); }
    public Tensor gt(float s) { return backend().unary(UnaryOp.GT, this, s, 0f); }
    public Tensor ge(float s) { return backend().unary(UnaryOp.GE, this, s, 0f); }
    public Tensor lt(float s) { return backend().unary(UnaryOp.LT, this, s, 0f); }
    public Tensor le(float s) { return backend().unary(UnaryOp.LE, this, s, 0f); }

    /** mask != 0 ? a : b, all three broadcast together. */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) { return Devices.common("where", mask, a, b).backend().where(mask, a, b); }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements (accumulated in double). */
    public Tensor sum() { return backend().reduce(ReduceOp.SUM, this, null, false); }
    public Tensor sum(int[] dims, boolean keepdim) { return backend().reduce(ReduceOp.SUM, this, dims, keepdim); }
    public Tensor sum(int dim, boolean keepdim) { return sum(new int[] {dim}, keepdim); }
    public Tensor mean() { return backend().reduce(ReduceOp.MEAN, this, null, false); }
    public Tensor mean(int[] dims, boolean keepdim) { return backend().reduce(ReduceOp.MEAN, this, dims, keepdim); }
    public Tensor mean(int dim, boolean keepdim) { return mean(new int[] {dim}, keepdim); }
    public Tensor amax(int[] dims, boolean keepdim) { return backend().reduce(ReduceOp.MAX, this, dims, keepdim); }
    public Tensor amin(int[] dims, boolean keepdim) { return backend().reduce(ReduceOp.MIN, this, dims, keepdim); }
    public Tensor max(int dim, boolean keepdim) { return amax(new int[] {dim}, keepdim); }
    public Tensor min(int dim, boolean keepdim) { return amin(new int[] {dim}, keepdim); }
    public float maxAll() { return backend().reduce(ReduceOp.MAX, this, null, false).item(); }
    public float minAll() { return backend().reduce(ReduceOp.MIN, this, null, false).item(); }

    /** Index of the first maximum along dim. */
    public Tensor argmax(int dim, boolean keepdim) { return backend().argExtreme(this, dim, keepdim, true); }

    /** Variance over dims; unbiased divides by n-1 (PyTorch's default). */
    public Tensor var(int[] dims, boolean unbiased, boolean keepdim) { return backend().var(this, dims, unbiased, keepdim); }

    /** Sums this tensor down to {@code target} shape, undoing a broadcast (used by gradients). */
    public Tensor sumTo(int[] target) { return backend().sumTo(this, target); }

    // ---------------------------------------------------------------- linear algebra

    /** 2-D x 2-D, or batched [.., m, k] x [.., k, n] with broadcast batch dims; 1-D operands as in torch.matmul. */
    public Tensor matmul(Tensor o) { return with("matmul", o).matmul(this, o); }

    // ---------------------------------------------------------------- joining, splitting, indexing

    public static Tensor cat(List<Tensor> ts, int dim) { return Devices.common("cat", ts.toArray(new Tensor[0])).backend().cat(ts, dim); }
    public static Tensor stack(List<Tensor> ts, int dim) { return Indexing.stack(ts, dim); }
    /** Views of at most {@code size} elements along dim. */
    public List<Tensor> split(int size, int dim) { return Indexing.split(this, size, dim); }
    /** Views of explicit sizes along dim. */
    public List<Tensor> split(int[] sizes, int dim) { return Indexing.split(this, sizes, dim); }
    /** {@code n} views as equal as possible (torch.chunk). */
    public List<Tensor> chunk(int n, int dim) { return Indexing.chunk(this, n, dim); }

    public Tensor gather(int dim, Tensor index) { return with("gather", index).gather(this, dim, index); }
    /** A copy of this tensor with src values written at index along dim (torch.scatter). */
    public Tensor scatter(int dim, Tensor index, Tensor src) { return Devices.common("scatter", this, index, src).backend().scatter(this, dim, index, src, false); }
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Devices.common("scatter_add", this, index, src).backend().scatter(this, dim, index, src, true); }
    /** Rows of this tensor picked by index along dim 0 (torch.index_select). */
    public Tensor indexSelect(int dim, Tensor index) { return with("index_select", index).indexSelect(this, dim, index); }
    /** One-hot encoding: labels of shape S give shape S + [classes]. */
    public static Tensor oneHot(Tensor labels, int classes) { return labels.backend().oneHot(labels, classes); }
}
