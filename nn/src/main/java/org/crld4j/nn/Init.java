package org.crld4j.nn;

import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;

/** Weight initialisers, written into existing tensors (torch.nn.init). */
public final class Init {
    private Init() {}

    /** fan_in = size(1) * receptive field, fan_out = size(0) * receptive field. */
    public static int fanIn(Tensor w) { return w.size(1) * receptiveField(w); }

    public static int fanOut(Tensor w) { return w.size(0) * receptiveField(w); }

    private static int receptiveField(Tensor w) {
        int r = 1;
        for (int i = 2; i < w.rank(); i++) r *= w.size(i);
        return r;
    }

    public static void normal(Tensor t, Rng rng, double mean, double std) {
        t.copyFrom(Tensor.normal(rng, (float) mean, (float) std, t.shape()));
    }

    public static void uniform(Tensor t, Rng rng, double lo, double hi) {
        t.copyFrom(Tensor.uniform(rng, (float) lo, (float) hi, t.shape()));
    }

    public static void constant(Tensor t, float v) { t.fill(v); }

    /** kaiming_normal_(mode="fan_out", nonlinearity="relu"): N(0, sqrt(2 / fan_out)). */
    public static void kaimingNormalFanOut(Tensor w, Rng rng) { normal(w, rng, 0, Math.sqrt(2.0 / fanOut(w))); }

    /** PyTorch's default for Conv and Linear weights, kaiming_uniform_(a=sqrt(5)): U(+-1/sqrt(fan_in)). */
    public static void defaultWeight(Tensor w, Rng rng) {
        double bound = 1.0 / Math.sqrt(fanIn(w));
        uniform(w, rng, -bound, bound);
    }

    /** PyTorch's default bias: U(+-1/sqrt(fan_in)) of the matching weight. */
    public static void defaultBias(Tensor b, Tensor w, Rng rng) {
        double bound = fanIn(w) > 0 ? 1.0 / Math.sqrt(fanIn(w)) : 0;
        uniform(b, rng, -bound, bound);
    }
}
