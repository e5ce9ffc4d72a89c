package org.crld4j.nn.layers;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.Module;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;

/** torch.nn.LayerNorm over the last dim: weight (ones) and bias (zeros) of that size. */
public final class LayerNorm extends Module {
    public final int features;
    public final float eps;
    private final Variable weight, bias;

    public LayerNorm(int features, float eps) {
        this.features = features;
        this.eps = eps;
        weight = registerParameter("weight", Tensor.zeros(features));
        bias = registerParameter("bias", Tensor.zeros(features));
    }

    @Override protected void resetParameters(Rng rng) {
        weight.data().fill(1f);
        bias.data().zero();
    }

    @Override public Variable forward(Variable x) { return F.layerNorm(x, weight, bias, eps); }
}
