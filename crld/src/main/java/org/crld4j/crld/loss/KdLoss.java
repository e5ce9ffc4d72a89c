package org.crld4j.crld.loss;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

/**
 * Hinton's KD term as mdistiller computes it:
 * {@code KD_T(s, t)_i = T^2 * sum_c p_c (log p_c - log q_c)}, p = softmax(t/T) (teacher, constant),
 * log q = log_softmax(s/T) (student), i.e. {@code kl_div(log_softmax(s/T), softmax(t/T)).sum(1) * T^2}.
 */
public final class KdLoss {
    private KdLoss() {}

    /** Per-sample KD, shape [N]. */
    public static Variable perSample(Variable student, Tensor teacher, float temperature) {
        if (!java.util.Arrays.equals(student.shape(), teacher.shape()) || teacher.rank() != 2)
            throw new IllegalArgumentException("kd: student logits " + Shapes.str(student.shape()) + " and teacher logits "
                    + Shapes.str(teacher.shape()) + " must both be [N, C]");
        if (!(temperature > 0)) throw new IllegalArgumentException("kd: temperature must be positive, got " + temperature);
        Variable logQ = F.logSoftmax(student.div(temperature), 1);
        Variable p = F.softmax(Variable.constant(teacher.div(temperature)), 1);
        return F.klDiv(logQ, p, F.Reduction.NONE).sum(new int[] {1}, false).mul(temperature * temperature);
    }

    /** Batch mean of {@link #perSample}. */
    public static Variable mean(Variable student, Tensor teacher, float temperature) {
        return perSample(student, teacher, temperature).mean();
    }
}
