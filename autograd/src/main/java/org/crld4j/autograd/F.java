package org.crld4j.autograd;

import org.crld4j.tensor.Backend;
import org.crld4j.tensor.Devices;
import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.BatchNormGrads;
import org.crld4j.tensor.ops.BatchNormResult;
import org.crld4j.tensor.ops.ConvBnEval;
import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.ops.CrossEntropyResult;
import org.crld4j.tensor.ops.PoolResult;
import org.crld4j.tensor.ops.PoolWindow;

/**
 * Differentiable neural-network functions (PyTorch's torch.nn.functional): each forward runs an
 * operation of its inputs' backend and records the matching backward with what it saved, so the
 * same graph runs on any device.
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
        Backend be = in.backend();
        Tensor y = be.softmax(in, log);
        Tensor out = d == last ? y : y.transpose(d, last).contiguous();
        return Autograd.record(log ? "log_softmax" : "softmax", out, g -> {
            Tensor gi = be.softmaxBackward(d == last ? g : g.transpose(d, last), y, log);
            return new Tensor[] {d == last ? gi : gi.transpose(d, last).contiguous()};
        }, x);
    }

    // ---------------------------------------------------------------- losses

    /** Mean cross-entropy of logits [N, C] against integer labels [N] (PyTorch's default reduction). */
    public static Variable crossEntropy(Variable logits, Tensor labels) {
        Backend be = Devices.common("cross_entropy", logits.data(), labels).backend();
        CrossEntropyResult r = be.crossEntropy(logits.data(), labels);
        return Autograd.record("cross_entropy", r.loss(), g -> new Tensor[] {be.crossEntropyBackward(g, r)}, logits);
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
        Tensor zeroWhereTargetZero = p.gt(0f);
        Tensor logP = Tensor.where(zeroWhereTargetZero, p.log(), Tensor.zeros(p.device()));
        Tensor pointwise = p.mul(logP.sub(q));
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
        Backend be = Devices.common("conv2d", xs, ws, bias == null ? null : bias.data()).backend();
        Tensor y = be.conv2d(xs, ws, bias == null ? null : bias.data(), p);
        int[] xShape = xs.shape(), wShape = ws.shape();
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        return Autograd.record("conv2d", y, g -> {
            Tensor dx = x.requiresGrad() ? be.conv2dBackwardInput(g, ws, xShape, p) : null;
            Tensor dw = weight.requiresGrad() ? be.conv2dBackwardWeight(g, xs, wShape, p) : null;
            if (bias == null) return new Tensor[] {dx, dw};
            return new Tensor[] {dx, dw, bias.requiresGrad() ? be.conv2dBackwardBias(g) : null};
        }, inputs);
    }

    /**
     * Eval-mode {@code relu?(batch_norm(conv2d(x)) + residual?)} with running statistics, where no
     * gradient is needed (a frozen teacher, evaluation): the backend's fused pass if it has one
     * (bit-identical to the separate ops), else the separate ops. It records no graph.
     */
    public static Variable conv2dBatchNormEval(Variable x, Variable weight, Variable bias, ConvParams p,
                                               Variable gamma, Variable beta, Tensor runningMean, Tensor runningVar, float eps,
                                               Variable residual, boolean relu) {
        if (Autograd.gradEnabled()) {
            for (Variable v : new Variable[] {x, weight, bias, gamma, beta, residual})
                if (v != null && v.requiresGrad())
                    throw new IllegalStateException("conv2d+batch_norm (eval, fused): an input requires grad; use the separate ops");
        }
        Tensor b = bias == null ? null : bias.data(), g = gamma == null ? null : gamma.data(), bt = beta == null ? null : beta.data();
        Tensor res = residual == null ? null : residual.data();
        Backend be = Devices.common("conv2d+batch_norm", x.data(), weight.data(), b, g, bt, runningMean, runningVar, res).backend();
        ConvBnEval fused = be.convBnEval();
        if (fused != null) return Variable.constant(fused.apply(x.data(), weight.data(), b, p, g, bt, runningMean, runningVar, eps, res, relu));
        Tensor y = be.batchNorm(be.conv2d(x.data(), weight.data(), b, p), g, bt, runningMean, runningVar, false, 0f, eps).output();
        if (res != null) y = y.add(res);
        return Variable.constant(relu ? be.relu(y) : y);
    }

    public static Variable maxPool2d(Variable x, PoolWindow w) {
        Backend be = x.data().backend();
        PoolResult r = be.maxPool2d(x.data(), w);
        int[] xShape = x.shape();
        return Autograd.record("max_pool2d", r.output(), g -> new Tensor[] {be.maxPool2dBackward(g, r, xShape)}, x);
    }

    public static Variable avgPool2d(Variable x, PoolWindow w, boolean countIncludePad) {
        Backend be = x.data().backend();
        int[] xShape = x.shape();
        return Autograd.record("avg_pool2d", be.avgPool2d(x.data(), w, countIncludePad),
                g -> new Tensor[] {be.avgPool2dBackward(g, xShape, w, countIncludePad)}, x);
    }

    public static Variable adaptiveAvgPool2d(Variable x, int oh, int ow) {
        Backend be = x.data().backend();
        int[] xShape = x.shape();
        return Autograd.record("adaptive_avg_pool2d", be.adaptiveAvgPool2d(x.data(), oh, ow),
                g -> new Tensor[] {be.adaptiveAvgPool2dBackward(g, xShape)}, x);
    }

    /**
     * Batch norm. In training the batch statistics are used and the running buffers (if given) are
     * updated in place; in eval the running statistics are used.
     */
    public static Variable batchNorm(Variable x, Variable gamma, Variable beta, Tensor runningMean, Tensor runningVar,
                                     boolean training, float momentum, float eps) {
        Tensor xs = x.data(), gammaT = gamma == null ? null : gamma.data(), betaT = beta == null ? null : beta.data();
        Backend be = Devices.common("batch_norm", xs, gammaT, betaT, runningMean, runningVar).backend();
        BatchNormResult f = be.batchNorm(xs, gammaT, betaT, runningMean, runningVar, training, momentum, eps);
        Variable[] inputs = gamma == null ? new Variable[] {x} : new Variable[] {x, gamma, beta};
        return Autograd.record("batch_norm", f.output(), g -> {
            BatchNormGrads b = be.batchNormBackward(g, xs, gammaT, f, training);
            return gamma == null ? new Tensor[] {b.dx()} : new Tensor[] {b.dx(), b.dgamma(), b.dbeta()};
        }, inputs);
    }
}
