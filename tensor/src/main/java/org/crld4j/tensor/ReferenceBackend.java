package org.crld4j.tensor;

import org.crld4j.tensor.host.CrossEntropy;
import org.crld4j.tensor.host.Pooling;
import org.crld4j.tensor.host.Ranges;
import org.crld4j.tensor.host.ReferenceBatchNorm;
import org.crld4j.tensor.host.ReferenceConv2d;
import org.crld4j.tensor.host.Softmax;
import org.crld4j.tensor.ops.BatchNormGrads;
import org.crld4j.tensor.ops.BatchNormResult;
import org.crld4j.tensor.ops.BinaryOp;
import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.ops.CrossEntropyResult;
import org.crld4j.tensor.ops.PoolResult;
import org.crld4j.tensor.ops.PoolWindow;
import org.crld4j.tensor.ops.ReduceOp;
import org.crld4j.tensor.ops.SgdParams;
import org.crld4j.tensor.ops.UnaryOp;

import java.util.List;

/**
 * Plain, obviously correct loops on host memory, one thread: every operation of {@link Backend},
 * the oracle of the conformance suite, and the base the CPU backend overrides where speed
 * matters (it inherits the elementwise, reduction, indexing, loss and optimiser loops as they are).
 */
public class ReferenceBackend implements Backend {
    @Override public String name() { return "reference"; }
    @Override public int priority() { return 0; }
    @Override public Storage allocate(int n) { return new Storage.Host(new float[n]); }

    /** Op names for error messages, made once rather than per call. */
    private static final String[] BINARY_NAMES = names(BinaryOp.values(), ""), BINARY_INTO_NAMES = names(BinaryOp.values(), "_");
    private static final String[] REDUCE_NAMES = {"sum", "mean", "amax", "amin"};

    private static String[] names(Enum<?>[] ops, String suffix) {
        String[] n = new String[ops.length];
        for (int i = 0; i < n.length; i++) n[i] = ops[i].name().toLowerCase(java.util.Locale.ROOT) + suffix;
        return n;
    }

    /** How this backend runs independent planes and rows (serially here). */
    protected Ranges ranges() { return Ranges.SERIAL; }

    // ---------------------------------------------------------------- elementwise

    @Override public Tensor unary(UnaryOp op, Tensor x, float a, float b) { return Elementwise.unary(x, op, a, b); }

    @Override public void unaryInto(UnaryOp op, Tensor out, Tensor x, float a, float b) {
        Elementwise.unaryInto(out, x, Elementwise.function(op, a, b));
    }

    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { return Elementwise.binary(a, b, op, BINARY_NAMES[op.ordinal()]); }

    @Override public void binaryInto(BinaryOp op, Tensor out, Tensor a, Tensor b) {
        Elementwise.binaryInto(out, a, b, op, BINARY_INTO_NAMES[op.ordinal()]);
    }

    @Override public Tensor where(Tensor mask, Tensor a, Tensor b) { return Elementwise.where(mask, a, b); }

    @Override public void copy(Tensor out, Tensor src) { Elementwise.copyInto(out, src); }

    @Override public void fill(Tensor out, float v) {
        if (out.isDense()) java.util.Arrays.fill(out.storage().array(), v);
        else Elementwise.unaryInto(out, out, x -> v);
    }

    @Override public void axpy(Tensor out, Tensor src, float alpha) { Elementwise.axpyInto(out, src, alpha); }

    // ---------------------------------------------------------------- reductions

    @Override public Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim) {
        return Reductions.reduce(x, dims, keepdim, op, REDUCE_NAMES[op.ordinal()]);
    }

    @Override public Tensor argExtreme(Tensor x, int dim, boolean keepdim, boolean max) { return Reductions.argExtreme(x, dim, keepdim, max); }

    @Override public Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepdim) { return Reductions.var(x, dims, unbiased, keepdim); }

    @Override public Tensor sumTo(Tensor x, int[] shape) { return Reductions.sumTo(x, shape); }

    // ---------------------------------------------------------------- joining and indexing

    @Override public Tensor cat(List<Tensor> ts, int dim) { return Indexing.cat(ts, dim); }
    @Override public Tensor gather(Tensor x, int dim, Tensor index) { return Indexing.gather(x, dim, index); }
    @Override public Tensor scatter(Tensor x, int dim, Tensor index, Tensor src, boolean add) { return Indexing.scatter(x, dim, index, src, add); }
    @Override public Tensor indexSelect(Tensor x, int dim, Tensor index) { return Indexing.indexSelect(x, dim, index); }
    @Override public Tensor oneHot(Tensor labels, int classes) { return Indexing.oneHot(labels, classes); }

    // ---------------------------------------------------------------- linear algebra

    @Override public Tensor matmul(Tensor a, Tensor b) { return MatMul.matmul(a, b, ReferenceBackend::referenceGemm); }

    /** The reference SGEMM, accumulating each dot product in float in k order. */
    public static void referenceGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                     float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? alpha * acc : alpha * acc + beta * c[ci];
            }
        }
    }

    // ---------------------------------------------------------------- convolution

    @Override public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p) { return ReferenceConv2d.forward(x, w, bias, p); }

    @Override public Tensor conv2dBackwardInput(Tensor dy, Tensor w, int[] xShape, ConvParams p) {
        return ReferenceConv2d.backwardInput(dy, w, xShape, p);
    }

    @Override public Tensor conv2dBackwardWeight(Tensor dy, Tensor x, int[] wShape, ConvParams p) {
        return ReferenceConv2d.backwardWeight(dy, x, wShape, p);
    }

    @Override public Tensor conv2dBackwardBias(Tensor dy) { return reduce(ReduceOp.SUM, dy, new int[] {0, 2, 3}, false); }

    // ---------------------------------------------------------------- pooling

    @Override public PoolResult maxPool2d(Tensor x, PoolWindow w) { return Pooling.maxForward(ranges(), x, w); }

    @Override public Tensor maxPool2dBackward(Tensor dy, PoolResult f, int[] xShape) {
        return Pooling.maxBackward(ranges(), dy, (int[]) f.argmax(), xShape);
    }

    @Override public Tensor avgPool2d(Tensor x, PoolWindow w, boolean countIncludePad) { return Pooling.avgForward(ranges(), x, w, countIncludePad); }

    @Override public Tensor avgPool2dBackward(Tensor dy, int[] xShape, PoolWindow w, boolean countIncludePad) {
        return Pooling.avgBackward(ranges(), dy, xShape, w, countIncludePad);
    }

    @Override public Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) { return Pooling.adaptiveAvgForward(ranges(), x, oh, ow); }

    @Override public Tensor adaptiveAvgPool2dBackward(Tensor dy, int[] xShape) { return Pooling.adaptiveAvgBackward(ranges(), dy, xShape); }

    // ---------------------------------------------------------------- normalisation, activations, losses

    @Override public BatchNormResult batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                               boolean training, float momentum, float eps) {
        return ReferenceBatchNorm.forward(x, gamma, beta, runningMean, runningVar, training, momentum, eps);
    }

    @Override public BatchNormGrads batchNormBackward(Tensor dy, Tensor x, Tensor gamma, BatchNormResult f, boolean training) {
        return ReferenceBatchNorm.backward(dy, x, gamma, f, training);
    }

    @Override public Tensor softmax(Tensor x, boolean log) { return Softmax.forward(ranges(), x, log); }

    @Override public Tensor softmaxBackward(Tensor dy, Tensor y, boolean log) { return Softmax.backward(ranges(), dy, y, log); }

    @Override public Tensor relu(Tensor x) { return Elementwise.unary(x, UnaryOp.RELU, 0f, 0f); }

    @Override public Tensor reluBackward(Tensor dy, Tensor y) {
        if (!dy.sameShape(y))
            throw new IllegalArgumentException("relu backward: gradient " + Shapes.str(dy.shape()) + " does not match output " + Shapes.str(y.shape()));
        // a select, not dy * (y > 0): +0 where y <= 0 even where dy is NaN, infinite or negative (PyTorch's threshold_backward)
        return Elementwise.where(Elementwise.unary(y, UnaryOp.GT, 0f, 0f), dy, Tensor.hostScalar(0f));
    }

    @Override public CrossEntropyResult crossEntropy(Tensor logits, Tensor labels) {
        CrossEntropy.checkShapes(logits, labels); // before the softmax, so a bad call fails naming both shapes
        return CrossEntropy.forward(logits, softmax(logits, true), labels);
    }

    @Override public Tensor crossEntropyBackward(Tensor g, CrossEntropyResult f) { return CrossEntropy.backward(g, f); }

    // ---------------------------------------------------------------- optimiser

    /** torch.optim.SGD as tensor ops: g = grad + wd p; buf = m buf + (1 - d) g (g itself at first); p -= lr (g + m buf | buf). */
    @Override public Tensor sgdStep(Tensor param, Tensor grad, Tensor buffer, SgdParams p) {
        // this backend's own ops, not Tensor methods (those dispatch to the host backend, which may be another)
        Tensor g = p.weightDecay() != 0 ? binary(BinaryOp.ADD, grad, unary(UnaryOp.MUL, param, p.weightDecay(), 0f)) : grad;
        Tensor buf = buffer;
        if (p.momentum() != 0) {
            if (buf == null) {
                buf = Tensor.zeros(g.device(), g.shape());
                copy(buf, g);
            } else {
                unaryInto(UnaryOp.MUL, buf, buf, p.momentum(), 0f);
                axpy(buf, g, 1f - p.dampening());
            }
            g = p.nesterov() ? binary(BinaryOp.ADD, g, unary(UnaryOp.MUL, buf, p.momentum(), 0f)) : buf;
        }
        axpy(param, g, -p.lr());
        return buf;
    }
}
