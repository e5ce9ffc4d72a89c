package org.crld4j.crld.loss;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.tensor.Tensor;

/**
 * Decoupled KD (mdistiller's DKD.py, CVPR'22). With p = softmax(t/T), q = softmax(s/T) and target y:
 * TCKD = T^2 * KL([p_y, 1 - p_y] || [q_y, 1 - q_y]) (student side taken as log of the binary
 * probabilities); NCKD = T^2 * KL(p_hat || q_hat) over the non-target classes, obtained by
 * subtracting 1000 from the target logit before the softmax. Loss = alpha TCKD + beta NCKD per
 * sample; the trainer multiplies by the warm-up factor min(epoch / warmup, 1).
 */
public final class DkdLoss {
    private DkdLoss() {}

    /** The two parts per sample, [N] each. */
    public record Parts(Variable tckd, Variable nckd) {
        public Variable combined(float alpha, float beta) { return tckd.mul(alpha).add(nckd.mul(beta)); }
    }

    public static Parts perSample(Variable student, Tensor teacher, Tensor labels, float temperature) {
        int n = teacher.size(0), c = teacher.size(1);
        Tensor gt = Tensor.oneHot(labels, c);
        Variable gtMask = Variable.constant(gt), otherMask = Variable.constant(gt.neg().add(1f));
        Variable qs = F.softmax(student.div(temperature), 1);
        Tensor scaled = teacher.div(temperature);
        Tensor pt = scaled.backend().softmax(scaled, false);
        Variable qTarget = qs.mul(gtMask).sum(new int[] {1}, true), qOther = qs.mul(otherMask).sum(new int[] {1}, true);
        Tensor pTarget = pt.mul(gt).sum(new int[] {1}, true), pOther = pt.mul(gt.neg().add(1f)).sum(new int[] {1}, true);
        Variable logQ = Variable.cat(java.util.List.of(qTarget, qOther), 1).log();
        Variable p = Variable.constant(Tensor.cat(java.util.List.of(pTarget, pOther), 1));
        float t2 = temperature * temperature;
        Variable tckd = F.klDiv(logQ, p, F.Reduction.NONE).sum(new int[] {1}, false).mul(t2);
        Tensor shift = gt.mul(1000f);
        Variable logQHat = F.logSoftmax(student.div(temperature).sub(Variable.constant(shift)), 1);
        Variable pHat = F.softmax(Variable.constant(teacher.div(temperature).sub(shift)), 1);
        Variable nckd = F.klDiv(logQHat, pHat, F.Reduction.NONE).sum(new int[] {1}, false).mul(t2);
        if (n != labels.size(0)) throw new IllegalArgumentException("dkd: " + labels.size(0) + " labels for " + n + " samples");
        return new Parts(tckd, nckd);
    }

    /** Warm-up factor of DKD: min(epoch / warmup, 1), epoch 1-based. */
    public static float warmup(int epoch, int warmupEpochs) {
        return warmupEpochs <= 0 ? 1f : Math.min((float) epoch / warmupEpochs, 1f);
    }
}
