package org.crld4j.autograd;

import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference gradient check: the analytic gradient of L = sum(f(x...) * R) for a fixed
 * random R is compared with central differences (step 1e-2; the loss is summed in double).
 */
final class GradCheck {
    private GradCheck() {}

    static final double EPS = 1e-2, ATOL = 5e-3, RTOL = 2e-2;

    static void check(String name, Function<Variable[], Variable> f, Tensor... inputs) {
        Variable[] leaves = new Variable[inputs.length];
        for (int i = 0; i < inputs.length; i++) leaves[i] = Variable.leaf(inputs[i].copy());
        Variable out = f.apply(leaves);
        Tensor r = Tensor.uniform(new Rng(99), -1f, 1f, out.shape());
        out.mul(Variable.constant(r)).sum().backward();
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = leaves[i].grad();
            if (g == null) fail(name + ": input " + i + " got no gradient");
            float[] x = leaves[i].data().array();
            float[] ga = g.toArray();
            for (int j = 0; j < x.length; j++) {
                float orig = x[j];
                x[j] = (float) (orig + EPS);
                double lp = loss(f, leaves, r);
                x[j] = (float) (orig - EPS);
                double lm = loss(f, leaves, r);
                x[j] = orig;
                double numeric = (lp - lm) / (2 * EPS);
                if (Math.abs(numeric - ga[j]) > ATOL + RTOL * Math.abs(numeric))
                    fail(String.format("%s: d/d input%d[%d] analytic %.6g vs numeric %.6g", name, i, j, ga[j], numeric));
            }
        }
    }

    private static double loss(Function<Variable[], Variable> f, Variable[] leaves, Tensor r) {
        try (var s = Autograd.noGrad()) {
            Variable[] c = new Variable[leaves.length];
            for (int i = 0; i < c.length; i++) c[i] = Variable.constant(leaves[i].data());
            float[] o = f.apply(c).data().toArray(), rr = r.toArray();
            double sum = 0;
            for (int i = 0; i < o.length; i++) sum += (double) o[i] * rr[i];
            return sum;
        }
    }

    static Tensor randn(long seed, int... shape) { return Tensor.randn(new Rng(seed), shape); }

    /** Values at least 0.1 away from zero (for relu, abs, clamp kinks). */
    static Tensor awayFromZero(long seed, int... shape) {
        return randn(seed, shape).map(v -> v >= 0 ? v + 0.1f : v - 0.1f);
    }

    /** Distinct values spaced 0.1 apart in random order (for max and max pooling). */
    static Tensor distinct(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.array();
        Rng rng = new Rng(seed);
        for (int i = 0; i < d.length; i++) d[i] = i * 0.1f - d.length * 0.05f;
        for (int i = d.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float tmp = d[i]; d[i] = d[j]; d[j] = tmp;
        }
        return t;
    }

    static Tensor positive(long seed, int... shape) { return Tensor.uniform(new Rng(seed), 0.5f, 2f, shape); }
}
