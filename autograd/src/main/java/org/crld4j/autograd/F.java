package org.crld4j.autograd;

import org.crld4j.kernels.BatchNorm;
import org.crld4j.kernels.Conv2d;
import org.crld4j.kernels.ConvEpilogue;
import org.crld4j.kernels.ConvParams;
import org.crld4j.kernels.Pool2d;
import org.crld4j.kernels.Softmax;
import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

/**
 * Differentiable neural-network functions (PyTorch's torch.nn.functional): each forward calls a
 * kernel and records the matching backward kernel with what it saved.
 */
public final class F {
    private F() {}

    public static Variable relu(Variable x) { return x.relu(); }

    // ---------------------------------------------------------------- softmax family

    public static Variable softmax(Variable x, int dim) { return softmaxImpl(x, dim, false); }

    public static Variable logSoftmax(Variable x, int dim) { return softmaxImpl(x, dim, true); }

    private static Variable softmaxImpl(Variable x, int dim, boolean log) {
        int d = Shapes.dim(log ? "log_softmax" : "softmax", dim, x.data().rank());
        int last = x.data().rank() - 1;
        Tensor in = d == last ? x.data() : x.data().transpose(d, last);
        Tensor y = Softmax.forward(in, log);
        Tensor out = d == last ? y : y.transpose(d, last).contiguous();
        return Autograd.record(log ? "log_softmax" : "softmax", out, g -> {
            Tensor gi = Softmax.backward(d == last ? g : g.transpose(d, last), y, log);
            return new Tensor[] {d == last ? gi : gi.transpose(d, last).contiguous()};
        }, x);
    }

    // ---------------------------------------------------------------- losses

    /** Mean cross-entropy of logits [N, C] against integer labels [N] (PyTorch's default reduction). */
    public static Variable crossEntropy(Variable logits, Tensor labels) {
        Tensor z = logits.data();
        if (z.rank() != 2)
            throw new IllegalArgumentException("cross_entropy: logits must be [N, C], got " + Shapes.str(z.shape()));
        if (labels.rank() != 1 || labels.size(0) != z.size(0))
            throw new IllegalArgumentException("cross_entropy: labels " + Shapes.str(labels.shape()) + " do not match logits " + Shapes.str(z.shape()));
        int n = z.size(0), c = z.size(1);
        Tensor logp = Softmax.forward(z, true);
        int[] y = labels.toIntArray();
        float[] lp = logp.array();
        double loss = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= c)
                throw new IllegalArgumentException("cross_entropy: label " + y[i] + " at position " + i + " is outside [0, " + c + ")");
            loss -= lp[i * c + y[i]];
        }
        return Autograd.record("cross_entropy", Tensor.scalar((float) (loss / n)), g -> {
            float scale = g.item() / n;
            Tensor gi = Tensor.zeros(n, c);
            float[] gs = gi.array();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < c; j++) gs[i * c + j] = (float) Math.exp(lp[i * c + j]) * scale;
                gs[i * c + y[i]] -= scale;
            }
            return new Tensor[] {gi};
        }, logits);
    }

    /** How a loss is reduced. BATCHMEAN divides the sum by the first dim (kl_div's recommended mode). */
    public enum Reduction { NONE, SUM, MEAN, BATCHMEAN }

    /**
     * PyTorch's kl_div(input, target): pointwise target * (log target - input), 0 where target is 0.
     * {@code input} holds log-probabilities, {@code target} probabilities.
     */
    public static Variable klDiv(Variable input, Variable target, Reduction reduction) {
        Tensor q = input.data(), p = target.data();
        if (!q.sameShape(p))
            throw new IllegalArgumentException("kl_div: input " + Shapes.str(q.shape()) + " and target " + Shapes.str(p.shape()) + " differ");
        Tensor logP = p.map(v -> v > 0f ? (float) Math.log(v) : 0f);
        Tensor pointwise = p.mul(logP.sub(q));
        Tensor zeroWhereTargetZero = p.gt(0f);
        pointwise.mulInPlace(zeroWhereTargetZero);
        Variable pw = Autograd.record("kl_div", pointwise, g -> new Tensor[] {
                g.mul(p).neg(),
                target.requiresGrad() ? g.mul(logP.add(1f).sub(q)).mul(zeroWhereTargetZero) : null}, input, target);
        return switch (reduction) {
            case NONE -> pw;
            case SUM -> pw.sum();
            case MEAN -> pw.mean();
            case BATCHMEAN -> pw.sum().div(q.size(0));
        };
    }

    // ---------------------------------------------------------------- layers

    /** x [N, *, in] times weight [out, in] transposed, plus bias [out]. */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        if (weight.data().rank() != 2 || x.data().size(-1) != weight.data().size(1))
            throw new IllegalArgumentException("linear: input " + Shapes.str(x.shape()) + " does not match weight "
                    + Shapes.str(weight.shape()) + " (expects " + weight.data().size(-1) + " features)");
        Variable y = x.matmul(weight.transpose(0, 1));
        return bias == null ? y : y.add(bias);
    }

    public static Variable conv2d(Variable x, Variable weight, Variable bias, ConvParams p) {
        Tensor xs = x.data(), ws = weight.data();
        Tensor y = Conv2d.forward(xs, ws, bias == null ? null : bias.data(), p);
        int[] xShape = xs.shape(), wShape = ws.shape();
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        return Autograd.record("conv2d", y, g -> {
            Tensor dx = x.requiresGrad() ? Conv2d.backwardInput(g, ws, xShape, p) : null;
            Tensor dw = weight.requiresGrad() ? Conv2d.backwardWeight(g, xs, wShape, p) : null;
            if (bias == null) return new Tensor[] {dx, dw};
            return new Tensor[] {dx, dw, bias.requiresGrad() ? Conv2d.backwardBias(g) : null};
        }, inputs);
    }

    /**
     * Eval-mode {@code relu?(batch_norm(conv2d(x)) + residual?)} in one pass over each image's
     * output (batch norm with running statistics), equal bit for bit to the separate ops. Only
     * where no gradient is needed (a frozen teacher, evaluation): it records no graph.
     */
    public static Variable conv2dBatchNormEval(Variable x, Variable weight, Variable bias, ConvParams p,
                                               Variable gamma, Variable beta, Tensor runningMean, Tensor runningVar, float eps,
                                               Variable residual, boolean relu) {
        if (Autograd.gradEnabled()) {
            for (Variable v : new Variable[] {x, weight, bias, gamma, beta, residual})
                if (v != null && v.requiresGrad())
                    throw new IllegalStateException("conv2d+batch_norm (eval, fused): an input requires grad; use the separate ops");
        }
        ConvEpilogue e = ConvEpilogue.batchNorm(gamma == null ? null : gamma.data(), beta == null ? null : beta.data(),
                runningMean, runningVar, eps, residual == null ? null : residual.data(), relu);
        Tensor y = Conv2d.forward(x.data(), weight.data(), bias == null ? null : bias.data(), p, e);
        return Autograd.record(relu ? "conv2d+bn+relu (eval)" : "conv2d+bn (eval)", y, g -> {
            throw new IllegalStateException("unreachable: fused eval op has no backward");
        }, x);
    }

    public static Variable maxPool2d(Variable x, Pool2d.Window w) {
        Pool2d.MaxResult r = Pool2d.maxForward(x.data(), w);
        int[] xShape = x.shape();
        return Autograd.record("max_pool2d", r.output(), g -> new Tensor[] {Pool2d.maxBackward(g, r.argmax(), xShape)}, x);
    }

    public static Variable avgPool2d(Variable x, Pool2d.Window w, boolean countIncludePad) {
        int[] xShape = x.shape();
        return Autograd.record("avg_pool2d", Pool2d.avgForward(x.data(), w, countIncludePad),
                g -> new Tensor[] {Pool2d.avgBackward(g, xShape, w, countIncludePad)}, x);
    }

    public static Variable adaptiveAvgPool2d(Variable x, int oh, int ow) {
        int[] xShape = x.shape();
        return Autograd.record("adaptive_avg_pool2d", Pool2d.adaptiveAvgForward(x.data(), oh, ow),
                g -> new Tensor[] {Pool2d.adaptiveAvgBackward(g, xShape)}, x);
    }

    /**
     * Batch norm. In training the batch statistics are used and the running buffers (if given) are
     * updated in place; in eval the running statistics are used.
     */
    public static Variable batchNorm(Variable x, Variable gamma, Variable beta, Tensor runningMean, Tensor runningVar,
                                     boolean training, float momentum, float eps) {
        Tensor xs = x.data();
        BatchNorm.Forward f = BatchNorm.forward(xs, gamma == null ? null : gamma.data(), beta == null ? null : beta.data(),
                runningMean, runningVar, training, momentum, eps);
        Variable[] inputs = gamma == null ? new Variable[] {x} : new Variable[] {x, gamma, beta};
        Tensor gammaT = gamma == null ? null : gamma.data();
        return Autograd.record("batch_norm", f.output(), g -> {
            BatchNorm.Backward b = BatchNorm.backward(g, xs, gammaT, f.mean(), f.invStd(), training);
            return gamma == null ? new Tensor[] {b.dx()} : new Tensor[] {b.dx(), b.dgamma(), b.dbeta()};
        }, inputs);
    }
}
