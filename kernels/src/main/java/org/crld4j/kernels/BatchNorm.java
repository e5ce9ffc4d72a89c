package org.crld4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.host.ReferenceBatchNorm;

/**
 * Batch normalisation over [N, C, ...] (statistics per channel C over N and the spatial dims),
 * PyTorch's semantics: training normalises with the biased batch variance and updates the running
 * variance with the unbiased one, {@code running = (1 - momentum) * running + momentum * batch}.
 * Statistics: float vector lanes within a row, double across rows; channels are spread over the pool.
 */
public final class BatchNorm {
    private BatchNorm() {}

    /** Forward result: output and, for backward, the per-channel mean and 1/sqrt(var + eps) used. */
    public record Forward(Tensor output, float[] mean, float[] invStd) {}

    /** What the backward needs of a forward: the per-channel mean and 1/sqrt(var + eps) it used. */
    public record Stats(float[] mean, float[] invStd) {}

    /** Backward result; dgamma/dbeta are null when the layer has no affine parameters. */
    public record Backward(Tensor dx, Tensor dgamma, Tensor dbeta) {}

    public static Forward forward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                  boolean training, float momentum, float eps) {
        return forward(x, gamma, beta, runningMean, runningVar, training, momentum, eps, null, false);
    }

    /**
     * {@code relu?(batch_norm(x) + residual?)}: the normalisation's last pass also adds the
     * residual (x's shape) and applies the ReLU, each element computed as the separate ops compute
     * it (the affine map, then the float sum, then max(v, 0)), so the result is theirs bit for bit
     * without the two intermediate tensors and their passes. The statistics are batch norm's.
     */
    public static Forward forward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                  boolean training, float momentum, float eps, Tensor residual, boolean relu) {
        ReferenceBatchNorm.checkArguments(x, gamma, beta, runningMean, runningVar, training);
        if (residual != null && !residual.sameShape(x))
            throw new IllegalArgumentException("batch_norm + residual: residual " + org.crld4j.tensor.Shapes.str(residual.shape())
                    + " does not match input " + org.crld4j.tensor.Shapes.str(x.shape()));
        Tensor rd = residual == null ? null : residual.contiguous();
        float[] rs = rd == null ? null : rd.array();
        int ro = rd == null ? 0 : rd.offset();
        int n = x.size(0), c = x.size(1), inner = x.numel() / Math.max(1, n * c);
        long count = (long) n * inner;
        float[] xs = x.dense().array();
        Tensor y = Tensor.hostZeros(x.shape());
        float[] ys = y.array();
        float[] g = gamma == null ? null : gamma.dense().array(), b = beta == null ? null : beta.dense().array();
        float[] mean = new float[c], invStd = new float[c];
        // the running buffers are read (and updated) through their arrays: a strided view goes through a dense copy
        Tensor rmd = runningMean == null ? null : runningMean.contiguous(), rvd = runningVar == null ? null : runningVar.contiguous();
        float[] rm = rmd == null ? null : rmd.array(), rv = rvd == null ? null : rvd.array();
        int rmOff = rmd == null ? 0 : rmd.offset(), rvOff = rvd == null ? 0 : rvd.offset();
        Parallel.forRange(c, (part, c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                double mu, var;
                if (training) {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += sum(xs, (i * c + ch) * inner, inner);
                    mu = s / count;
                    double ss = 0;
                    for (int i = 0; i < n; i++) ss += squaredDeviations(xs, (i * c + ch) * inner, inner, (float) mu);
                    var = ss / count;
                    if (rm != null) rm[rmOff + ch] = (float) ((1 - momentum) * rm[rmOff + ch] + momentum * mu);
                    if (rv != null) rv[rvOff + ch] = (float) ((1 - momentum) * rv[rvOff + ch] + momentum * ss / (count - 1));
                } else {
                    mu = rm[rmOff + ch];
                    var = rv[rvOff + ch];
                }
                double is = 1.0 / Math.sqrt(var + eps);
                mean[ch] = (float) mu;
                invStd[ch] = (float) is;
                float scale = scale(g, ch, is), shift = shift(g, b, ch, mu, is);
                for (int i = 0; i < n; i++) {
                    int row = (i * c + ch) * inner;
                    if (rs == null && !relu) affine(xs, ys, row, inner, scale, shift);
                    else affineAct(xs, rs, ro, ys, row, inner, scale, shift, relu);
                }
            }
        });
        if (rmd != runningMean) runningMean.copyFrom(rmd);
        if (rvd != runningVar) runningVar.copyFrom(rvd);
        return new Forward(y, mean, invStd);
    }

    /** gamma / sqrt(var + eps) for channel ch, given is = 1 / sqrt(var + eps). */
    static float scale(float[] g, int ch, double is) { return (float) ((g == null ? 1 : g[ch]) * is); }

    /** beta - mean * gamma / sqrt(var + eps). */
    static float shift(float[] g, float[] b, int ch, double mu, double is) {
        return (float) ((b == null ? 0 : b[ch]) - mu * (g == null ? 1 : g[ch]) * is);
    }

    /**
     * Gradients given the forward's mean and invStd. In training mode the batch statistics depend
     * on x, giving dx = gamma*invStd/M * (M*dy - sum(dy) - xhat*sum(dy*xhat)); in eval mode they
     * are constants and dx = gamma*invStd*dy.
     */
    public static Backward backward(Tensor dy, Tensor x, Tensor gamma, float[] mean, float[] invStd, boolean training) {
        int n = x.size(0), c = x.size(1), inner = x.numel() / Math.max(1, n * c);
        long count = (long) n * inner;
        float[] xs = x.dense().array(), dys = dy.dense().array();
        float[] g = gamma == null ? null : gamma.dense().array();
        Tensor dx = Tensor.hostZeros(x.shape());
        float[] dxs = dx.array();
        float[] dgamma = new float[c], dbeta = new float[c];
        Parallel.forRange(c, (part, c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                double mu = mean[ch], is = invStd[ch];
                double sumDy = 0, sumDyDev = 0;
                for (int i = 0; i < n; i++) {
                    int base = (i * c + ch) * inner;
                    sumDy += sum(dys, base, inner);
                    sumDyDev += dotDeviations(dys, xs, base, inner, (float) mu);
                }
                double sumDyXhat = sumDyDev * is;
                dgamma[ch] = (float) sumDyXhat;
                dbeta[ch] = (float) sumDy;
                double gi = (g == null ? 1 : g[ch]) * is;
                if (training) {
                    // gi * (dy - mean(dy) - xhat * mean(dy * xhat)) = a * dy + b * x + shift
                    double meanDy = sumDy / count, meanDyXhat = sumDyXhat / count;
                    float a = (float) gi, b = (float) (-gi * is * meanDyXhat);
                    float shift = (float) (-gi * meanDy + gi * is * meanDyXhat * mu);
                    for (int i = 0; i < n; i++) linear2(dys, xs, dxs, (i * c + ch) * inner, inner, a, b, shift);
                } else {
                    for (int i = 0; i < n; i++) affine(dys, dxs, (i * c + ch) * inner, inner, (float) gi, 0f);
                }
            }
        });
        return new Backward(dx, gamma == null ? null : Tensor.wrap(dgamma, c), gamma == null ? null : Tensor.wrap(dbeta, c));
    }

    // Row helpers: float vector lanes over one contiguous row (at most H*W values), so the
    // rounding error per row is that of a few hundred float additions; rows are summed in double.
    private static final jdk.incubator.vector.VectorSpecies<Float> SPECIES = Sgemm.SPECIES;

    /**
     * The lanes summed in index order, in double. Not {@code reduceLanes(ADD)}: it leaves the order
     * to the implementation, and C2's tree order differs from the interpreter's sequential one, so
     * a training run's first steps (before compilation) changed with the JIT's timing and two runs
     * with the same seed drifted apart.
     */
    static double laneSum(FloatVector v) {
        double s = 0;
        for (int i = 0; i < SPECIES.length(); i++) s += v.lane(i);
        return s;
    }

    static double sum(float[] x, int off, int len) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(len); j < bound; j += SPECIES.length()) acc = acc.add(FloatVector.fromArray(SPECIES, x, off + j));
        double s = laneSum(acc);
        for (; j < len; j++) s += x[off + j];
        return s;
    }

    static double squaredDeviations(float[] x, int off, int len, float mu) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(len); j < bound; j += SPECIES.length()) {
            FloatVector d = FloatVector.fromArray(SPECIES, x, off + j).sub(mu);
            acc = d.fma(d, acc);
        }
        double s = laneSum(acc);
        for (; j < len; j++) { double d = x[off + j] - mu; s += d * d; }
        return s;
    }

    /** sum of dy * (x - mu) over the row. */
    static double dotDeviations(float[] dy, float[] x, int off, int len, float mu) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (int bound = SPECIES.loopBound(len); j < bound; j += SPECIES.length())
            acc = FloatVector.fromArray(SPECIES, x, off + j).sub(mu).fma(FloatVector.fromArray(SPECIES, dy, off + j), acc);
        double s = laneSum(acc);
        for (; j < len; j++) s += (double) dy[off + j] * (x[off + j] - mu);
        return s;
    }

    /** out = x * scale + shift over the row. */
    static void affine(float[] x, float[] out, int off, int len, float scale, float shift) {
        int j = 0;
        for (int bound = SPECIES.loopBound(len); j < bound; j += SPECIES.length())
            FloatVector.fromArray(SPECIES, x, off + j).fma(scale, shift).intoArray(out, off + j);
        for (; j < len; j++) out[off + j] = x[off + j] * scale + shift;
    }

    /** out = relu?(x * scale + shift + r?) over the row (r at rOff + the row's offset), in the separate ops' order of rounding. */
    static void affineAct(float[] x, float[] r, int rOff, float[] out, int off, int len, float scale, float shift, boolean relu) {
        int j = 0;
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int bound = SPECIES.loopBound(len); j < bound; j += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, off + j).fma(scale, shift);
            if (r != null) v = v.add(FloatVector.fromArray(SPECIES, r, rOff + off + j));
            if (relu) v = v.lanewise(VectorOperators.MAX, zero);
            v.intoArray(out, off + j);
        }
        for (; j < len; j++) {
            float v = x[off + j] * scale + shift;
            if (r != null) v += r[rOff + off + j];
            out[off + j] = relu ? Relu.scalar(v) : v;
        }
    }

    /** out = a * u + b * v + shift over the row. */
    static void linear2(float[] u, float[] v, float[] out, int off, int len, float a, float b, float shift) {
        int j = 0;
        for (int bound = SPECIES.loopBound(len); j < bound; j += SPECIES.length()) {
            FloatVector bv = FloatVector.fromArray(SPECIES, v, off + j).fma(b, shift);
            FloatVector.fromArray(SPECIES, u, off + j).fma(FloatVector.broadcast(SPECIES, a), bv).intoArray(out, off + j);
        }
        for (; j < len; j++) out[off + j] = a * u[off + j] + (b * v[off + j] + shift);
    }
}
