package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.host.ReferenceBatchNorm;
import org.crld4j.tensor.ops.BatchNormGrads;
import org.crld4j.tensor.ops.BatchNormResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batch norm over [N, C, ...] on the device (nn.cl), with PyTorch's semantics as
 * {@link ReferenceBatchNorm}: training normalises with the biased batch variance (two passes:
 * mean, then squared deviations) and updates the running buffers in place with the unbiased one;
 * eval uses the running statistics. Per-channel sums are two-stage fixed-order reductions (parts
 * of a channel by work-groups, then the parts in order), no atomics. The dims after C are read as
 * one strided dim L where their strides allow, else from a contiguous copy.
 */
final class ClBatchNorm {
    private static final String SOURCE = "nn";
    /** A channel's N*L values are split into parts of at least this many work-group widths. */
    static final int PART_GROUPS = 8;
    static final int MAX_PARTS = 64;

    /** The statistics used, [2, C] on the device: mean, then 1 / sqrt(var + eps). */
    record Saved(Tensor stats) {}

    private final ClDevice device;
    private final int group;

    ClBatchNorm(ClDevice device) {
        this.device = device;
        this.group = device.localSize();
    }

    /** An optional per-channel vector as kernel arguments (present, buffer, offset, stride); {@code stand} fills in for an absent one. */
    static Object[] vector(Tensor t, Tensor stand) {
        return t == null ? new Object[] {0, stand, 0, 0} : new Object[] {1, t, t.offset(), t.stride(0)};
    }

    private String options() { return "-DGROUP=" + group; }

    private void run1d(String kernel, int n, Object... args) {
        device.launch(device.kernel(SOURCE, options(), kernel), new long[] {n}, new long[] {group}, flat(args));
    }

    /** The arguments with any Object[] (a {@link #vector}) spliced in. */
    private static Object[] flat(Object... args) {
        List<Object> out = new ArrayList<>();
        for (Object a : args) {
            if (a instanceof Object[] v) out.addAll(Arrays.asList(v));
            else out.add(a);
        }
        return out.toArray();
    }

    /** x as [N, C, L]: the tensor to read (x, or a contiguous copy) and int4 dims (N, C, L, 0) and strides (sN, sC, sL, 0). */
    private record Ncl(Tensor t, int[] dims, int[] strides) {
        int parts(int group) {
            int m = dims[0] * dims[2];
            return Math.max(1, Math.min(MAX_PARTS, ClConv.ceilDiv(m, group * PART_GROUPS)));
        }
    }

    private static Ncl ncl(Tensor x, String op) {
        int rank = x.rank();
        int[] inner = new int[rank - 2], innerSt = new int[rank - 2];
        for (int d = 2; d < rank; d++) { inner[d - 2] = x.size(d); innerSt[d - 2] = x.stride(d); }
        StridedLayout l = StridedLayout.of(op, inner, innerSt);
        Tensor t = l.rank <= 1 ? x : x.contiguous();
        int L = Shapes.numel(inner);
        int sl = l.rank <= 1 ? (l.rank == 1 ? l.strides[0][0] : 0) : 1;
        return new Ncl(t, new int[] {x.size(0), x.size(1), L, 0}, new int[] {t.stride(0), t.stride(1), sl, 0});
    }

    /** Stage one's output of a two-stage per-channel sum: [rows, C, parts] (stage two sums each channel's parts in order). */
    private Tensor partials(Ncl x, int rows) {
        return device.empty(rows * x.dims()[1] * x.parts(group));
    }

    BatchNormResult forward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                            boolean training, float momentum, float eps) {
        try {
            ReferenceBatchNorm.checkArguments(x, gamma, beta, runningMean, runningVar, training);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (on " + device.name() + ")", e);
        }
        Ncl v = ncl(x, "batch_norm");
        int c = v.dims()[1];
        Tensor stats = device.empty(2, c);
        if (training) {
            int parts = v.parts(group), chunk = ClConv.ceilDiv(v.dims()[0] * v.dims()[2], parts);
            Tensor part = partials(v, 1);
            long[] global = {(long) parts * group, c}, local = {group, 1};
            ClKernel partial = device.kernel(SOURCE, options(), "bn_partial");
            device.launch(partial, global, local, v.dims(), v.t(), v.t().offset(), v.strides(), stats, 0, parts, chunk, part);
            run1d("bn_mean", c, v.dims(), parts, part, stats);
            device.launch(partial, global, local, v.dims(), v.t(), v.t().offset(), v.strides(), stats, 1, parts, chunk, part);
            run1d("bn_var", c, v.dims(), parts, part, stats, eps, momentum, vector(runningMean, stats), vector(runningVar, stats));
        } else {
            evalStats(runningMean, runningVar, eps, stats);
        }
        Tensor y = device.empty(x.shape());
        run1d("bn_apply", y.numel(), v.dims(), v.t(), v.t().offset(), v.strides(), stats, vector(gamma, stats), vector(beta, stats), y);
        return new BatchNormResult(y, new Saved(stats));
    }

    /** stats [2, C] = the running mean and 1 / sqrt(running var + eps), as eval mode normalises (also the fused conv-BN's). */
    void evalStats(Tensor runningMean, Tensor runningVar, float eps, Tensor stats) {
        run1d("bn_eval_stats", runningMean.size(0), runningMean.size(0), eps, runningMean, runningMean.offset(), runningMean.stride(0),
                runningVar, runningVar.offset(), runningVar.stride(0), stats);
    }

    BatchNormGrads backward(Tensor dy, Tensor x, Tensor gamma, BatchNormResult forward, boolean training) {
        String op = "batch_norm backward";
        if (!(forward.saved() instanceof Saved saved) || saved.stats().device() != device)
            throw new IllegalArgumentException(op + " on " + device.name() + ": the forward result was not computed on this device");
        if (!dy.sameShape(x))
            throw new IllegalArgumentException(op + " on " + device.name() + ": dy " + Shapes.str(dy.shape()) + " does not match input " + Shapes.str(x.shape()));
        if (x.rank() < 2 || saved.stats().size(1) != x.size(1))
            throw new IllegalArgumentException(op + " on " + device.name() + ": input " + Shapes.str(x.shape()) + " does not match the forward's "
                    + saved.stats().size(1) + " channels");
        Ncl xv = ncl(x, op), dv = ncl(dy, op);
        int c = xv.dims()[1], parts = xv.parts(group), chunk = ClConv.ceilDiv(xv.dims()[0] * xv.dims()[2], parts);
        Tensor stats = saved.stats();
        Tensor part = partials(xv, 2), sums = device.empty(2, c);
        device.launch(device.kernel(SOURCE, options(), "bn_grad_partial"), new long[] {(long) parts * group, c}, new long[] {group, 1},
                xv.dims(), dv.t(), dv.t().offset(), dv.strides(), xv.t(), xv.t().offset(), xv.strides(), stats, parts, chunk, part);
        run1d("bn_grad_sums", c, xv.dims(), parts, part, sums);
        Tensor dx = device.empty(x.shape());
        run1d("bn_backward_input", dx.numel(), xv.dims(), training ? 1 : 0, dv.t(), dv.t().offset(), dv.strides(),
                xv.t(), xv.t().offset(), xv.strides(), stats, sums, vector(gamma, stats), dx);
        if (gamma == null) return new BatchNormGrads(dx, null, null);
        return new BatchNormGrads(dx, sums.select(0, 1), sums.select(0, 0));
    }
}
