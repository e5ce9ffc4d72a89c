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

    // ---------------------------------------------------------------- transformer ops (ViT)

    /**
     * torch.nn.functional.gelu (the exact, erf form): x * Phi(x), Phi the standard normal CDF.
     * Phi comes from erfc (Numerical Recipes' erfcc, fractional error below 1.2e-7 everywhere), as
     * 1 - erfc(u)/2 for u = x/sqrt(2) >= 0 and erfc(-u)/2 below, so that the tiny values of large
     * negative inputs keep their relative accuracy. Built from tensor ops, so it runs on any device;
     * the backward is the exact derivative Phi(x) + x phi(x).
     */
    public static Variable gelu(Variable x) {
        Tensor in = x.data();
        Tensor half = erfc(in.abs().mul((float) (1 / Math.sqrt(2)))).mul(0.5f); // erfc(|u|) / 2
        Tensor cdf = Tensor.where(in.ge(0f), half.neg().add(1f), half);
        Tensor out = in.mul(cdf);
        return Autograd.record("gelu", out, g -> {
            Tensor density = in.mul(in).mul(-0.5f).exp().mul((float) (1 / Math.sqrt(2 * Math.PI)));
            return new Tensor[] {g.mul(cdf.add(in.mul(density)))};
        }, x);
    }

    /** erfc(z) for z >= 0 (Numerical Recipes, 2nd ed., section 6.2: erfcc). */
    private static Tensor erfc(Tensor z) {
        Tensor t = z.mul(0.5f).add(1f).pow(-1f);
        double[] c = {-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277};
        Tensor poly = t.mul((float) c[9]);
        for (int i = 8; i >= 1; i--) poly = poly.add((float) c[i]).mul(t); // Horner
        return t.mul(poly.add((float) c[0]).sub(z.mul(z)).exp());
    }

    /** torch.nn.functional.layer_norm over the last dim: (x - mean) / sqrt(var + eps) * weight + bias (biased variance). */
    public static Variable layerNorm(Variable x, Variable weight, Variable bias, float eps) {
        int last = x.data().rank() - 1, d = x.data().size(-1);
        if (weight.data().rank() != 1 || weight.data().size(0) != d || bias.data().rank() != 1 || bias.data().size(0) != d)
            throw new IllegalArgumentException("layer_norm: input " + Shapes.str(x.shape()) + " normalises " + d + " features, weight is "
                    + Shapes.str(weight.shape()) + " and bias " + Shapes.str(bias.shape()));
        int[] dims = {last};
        Variable centred = x.sub(x.mean(dims, true));
        Variable normed = centred.div(x.var(dims, false, true).add(eps).sqrt());
        return normed.mul(weight).add(bias);
    }

    /**
     * Scaled dot-product attention softmax(q k^T * scale) v over the last two dims (q [..., Nq, d],
     * k [..., Nk, d], v [..., Nk, dv]); timm's Attention uses scale = d^-0.5.
     */
    public static Variable scaledDotProductAttention(Variable q, Variable k, Variable v, float scale) {
        if (q.data().size(-1) != k.data().size(-1) || k.data().size(-2) != v.data().size(-2))
            throw new IllegalArgumentException("attention: q " + Shapes.str(q.shape()) + ", k " + Shapes.str(k.shape()) + " and v "
                    + Shapes.str(v.shape()) + " do not fit (q and k share the feature dim, k and v the key count)");
        Variable scores = q.matmul(k.transpose(-2, -1)).mul(scale);
        return softmax(scores, -1).matmul(v);
    }

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
        if (Autograd.needsGrad(x, weight, bias, gamma, beta, residual))
            throw new IllegalStateException("conv2d+batch_norm (eval, fused): an input requires grad; use the separate ops");
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
        // the backward gets the statistics, not the output: holding that would keep one more activation per layer alive
        BatchNormResult saved = new BatchNormResult(null, f.saved());
        return Autograd.record("batch_norm", f.output(), g -> {
            BatchNormGrads b = be.batchNormBackward(g, xs, gammaT, saved, training);
            return gamma == null ? new Tensor[] {b.dx()} : new Tensor[] {b.dx(), b.dgamma(), b.dbeta()};
        }, inputs);
    }

    /**
     * {@code relu?(batch_norm(x) + residual?)} as one recorded op (the end of a ResNet block in
     * training): the same numbers and gradients as the three ops, bit for bit, with one forward pass
     * over the activations instead of three on backends that fuse it. Saves what the separate ops
     * save: batch norm's input and statistics, and the output (ReLU's backward reads it).
     */
    public static Variable batchNormAct(Variable x, Variable gamma, Variable beta, Tensor runningMean, Tensor runningVar,
                                        boolean training, float momentum, float eps, Variable residual, boolean relu) {
        Tensor xs = x.data(), gammaT = gamma == null ? null : gamma.data(), betaT = beta == null ? null : beta.data();
        Tensor res = residual == null ? null : residual.data();
        Backend be = Devices.common("batch_norm", xs, gammaT, betaT, runningMean, runningVar, res).backend();
        if (res != null && !res.sameShape(xs))
            throw new IllegalArgumentException("batch_norm + residual: residual " + Shapes.str(res.shape()) + " does not match input " + Shapes.str(xs.shape()));
        BatchNormResult f = be.batchNormAct(xs, gammaT, betaT, runningMean, runningVar, training, momentum, eps, res, relu);
        Tensor out = f.output();
        BatchNormResult saved = new BatchNormResult(null, f.saved());
        return Autograd.record(relu ? "batch_norm_relu" : "batch_norm_add", out, g -> {
            Tensor behindRelu = relu ? be.reluBackward(g, out) : g; // also the residual's gradient
            BatchNormGrads b = be.batchNormBackward(behindRelu, xs, gammaT, saved, training);
            return new Tensor[] {b.dx(), gamma == null ? null : b.dgamma(), gamma == null ? null : b.dbeta(), residual == null ? null : behindRelu};
        }, x, gamma, beta, residual);
    }
}
