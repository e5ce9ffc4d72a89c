package org.crld4j.crld.loss;

import org.crld4j.autograd.Variable;
import org.crld4j.tensor.Tensor;

/**
 * Logit standardisation (Sun et al., CVPR'24): Z(l) = (l - mean(l)) / (1e-7 + std(l)) per sample
 * over the classes, with the unbiased standard deviation (PyTorch's default).
 */
public final class LogitStandardization {
    private LogitStandardization() {}

    public static Variable apply(Variable logits) {
        Variable mean = logits.mean(new int[] {1}, true);
        Variable std = logits.var(new int[] {1}, true, true).sqrt();
        return logits.sub(mean).div(std.add(1e-7f));
    }

    public static Tensor apply(Tensor logits) {
        Tensor mean = logits.mean(new int[] {1}, true), std = logits.var(new int[] {1}, true, true).sqrt();
        return logits.sub(mean).div(std.add(1e-7f));
    }
}
