package org.crld4j.tensor.host;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.CrossEntropyResult;

/** Mean cross-entropy over host log-probabilities [N, C] (the loss summed in double, as before). */
public final class CrossEntropy {
    private CrossEntropy() {}

    record Saved(Tensor logp, int[] labels) {}

    /** PyTorch's shape checks of cross_entropy, with messages naming both shapes (every backend's). */
    public static void checkShapes(Tensor logits, Tensor labels) {
        if (logits.rank() != 2)
            throw new IllegalArgumentException("cross_entropy: logits must be [N, C], got " + Shapes.str(logits.shape()));
        if (labels.rank() != 1 || labels.size(0) != logits.size(0))
            throw new IllegalArgumentException("cross_entropy: labels " + Shapes.str(labels.shape()) + " do not match logits " + Shapes.str(logits.shape()));
    }

    /** The loss from {@code logp}, log_softmax of the logits along dim 1 (shapes checked by {@link #checkShapes}); checks the labels' range. */
    public static CrossEntropyResult forward(Tensor logits, Tensor logp, Tensor labels) {
        int n = logits.size(0), c = logits.size(1);
        int[] y = labels.toIntArray();
        float[] lp = logp.dense().storage().array();
        double loss = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= c)
                throw new IllegalArgumentException("cross_entropy: label " + y[i] + " at position " + i + " is outside [0, " + c + ")");
            loss -= lp[i * c + y[i]];
        }
        return new CrossEntropyResult(Tensor.hostScalar((float) (loss / n)), new Saved(logp.dense(), y));
    }

    /** d(loss)/d(logits) = (softmax - one_hot) * g / N. */
    public static Tensor backward(Tensor g, CrossEntropyResult forward) {
        Saved s = (Saved) forward.saved();
        int n = s.logp().size(0), c = s.logp().size(1);
        float[] lp = s.logp().storage().array();
        float scale = g.item() / n;
        Tensor gi = Tensor.hostZeros(n, c);
        float[] gs = gi.storage().array();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) gs[i * c + j] = (float) Math.exp(lp[i * c + j]) * scale;
            gs[i * c + s.labels()[i]] -= scale;
        }
        return gi;
    }
}
