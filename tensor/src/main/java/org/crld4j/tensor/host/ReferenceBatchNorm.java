package org.crld4j.tensor.host;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.BatchNormGrads;
import org.crld4j.tensor.ops.BatchNormResult;

/**
 * Batch norm over [N, C, ...] straight from PyTorch's definition, in double: training normalises
 * with the biased batch variance and updates the running variance with the unbiased one,
 * {@code running = (1 - momentum) * running + momentum * batch}; eval uses the running statistics.
 */
public final class ReferenceBatchNorm {
    private ReferenceBatchNorm() {}

    /** The per-channel mean and 1 / sqrt(var + eps) the forward used (saved for the backward). */
    record Stats(double[] mean, double[] invStd) {}

    private static void check(Tensor x, Tensor t, String what) {
        if (t != null && (t.rank() != 1 || t.size(0) != x.size(1)))
            throw new IllegalArgumentException("batch_norm: " + what + " " + Shapes.str(t.shape()) + " does not match "
                    + x.size(1) + " channels of input " + Shapes.str(x.shape()));
    }

    /** PyTorch's argument checks of batch_norm, with messages naming the shapes (every backend's). */
    public static void checkArguments(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, boolean training) {
        if (x.rank() < 2) throw new IllegalArgumentException("batch_norm: input must have at least 2 dims [N, C, ...], got " + Shapes.str(x.shape()));
        check(x, gamma, "weight");
        check(x, beta, "bias");
        check(x, runningMean, "running_mean");
        check(x, runningVar, "running_var");
        if (training && x.numel() / Math.max(1, x.size(1)) <= 1)
            throw new IllegalArgumentException("batch_norm: expected more than 1 value per channel when training, got input " + Shapes.str(x.shape()));
        if (!training && (runningMean == null || runningVar == null))
            throw new IllegalArgumentException("batch_norm: eval mode needs running_mean and running_var");
    }

    public static BatchNormResult forward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                          boolean training, float momentum, float eps) {
        checkArguments(x, gamma, beta, runningMean, runningVar, training);
        int n = x.size(0), c = x.size(1), inner = x.numel() / Math.max(1, n * c);
        long count = (long) n * inner;
        float[] xs = x.toArray();
        Tensor y = Tensor.hostZeros(x.shape());
        float[] ys = y.storage().array();
        double[] mean = new double[c], invStd = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double mu, var;
            if (training) {
                double s = 0, ss = 0;
                for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) s += xs[(i * c + ch) * inner + j];
                mu = s / count;
                for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) { double d = xs[(i * c + ch) * inner + j] - mu; ss += d * d; }
                var = ss / count;
                if (runningMean != null) runningMean.set((float) ((1 - momentum) * runningMean.get(ch) + momentum * mu), ch);
                if (runningVar != null) runningVar.set((float) ((1 - momentum) * runningVar.get(ch) + momentum * ss / (count - 1)), ch);
            } else {
                mu = runningMean.get(ch);
                var = runningVar.get(ch);
            }
            mean[ch] = mu;
            invStd[ch] = 1.0 / Math.sqrt(var + eps);
            double g = gamma == null ? 1 : gamma.get(ch), b = beta == null ? 0 : beta.get(ch);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < inner; j++) {
                    int k = (i * c + ch) * inner + j;
                    ys[k] = (float) ((xs[k] - mu) * invStd[ch] * g + b);
                }
        }
        return new BatchNormResult(y, new Stats(mean, invStd));
    }

    /**
     * In training the statistics depend on x: dx = gamma invStd / M (M dy - sum(dy) - xhat
     * sum(dy xhat)); in eval they are constants: dx = gamma invStd dy.
     */
    public static BatchNormGrads backward(Tensor dy, Tensor x, Tensor gamma, BatchNormResult forward, boolean training) {
        Stats st = (Stats) forward.saved();
        int n = x.size(0), c = x.size(1), inner = x.numel() / Math.max(1, n * c);
        long count = (long) n * inner;
        float[] xs = x.toArray(), dys = dy.toArray();
        Tensor dx = Tensor.hostZeros(x.shape());
        float[] dxs = dx.storage().array();
        float[] dgamma = new float[c], dbeta = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double mu = st.mean()[ch], is = st.invStd()[ch], g = gamma == null ? 1 : gamma.get(ch);
            double sumDy = 0, sumDyXhat = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < inner; j++) {
                    int k = (i * c + ch) * inner + j;
                    sumDy += dys[k];
                    sumDyXhat += dys[k] * (xs[k] - mu) * is;
                }
            dgamma[ch] = (float) sumDyXhat;
            dbeta[ch] = (float) sumDy;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < inner; j++) {
                    int k = (i * c + ch) * inner + j;
                    double xhat = (xs[k] - mu) * is;
                    dxs[k] = (float) (training ? g * is / count * (count * dys[k] - sumDy - xhat * sumDyXhat) : g * is * dys[k]);
                }
        }
        return gamma == null ? new BatchNormGrads(dx, null, null)
                : new BatchNormGrads(dx, Tensor.of(dgamma, c), Tensor.of(dbeta, c));
    }
}
