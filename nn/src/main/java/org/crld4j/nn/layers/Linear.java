package org.crld4j.nn.layers;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.Init;
import org.crld4j.nn.Module;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;

/** torch.nn.Linear: y = x W^T + b, weight [out, in]. */
public final class Linear extends Module {
    public final int in, out;
    private final Variable weight, bias;

    public Linear(int in, int out) { this(in, out, true); }

    public Linear(int in, int out, boolean bias) {
        this.in = in;
        this.out = out;
        weight = registerParameter("weight", Tensor.zeros(out, in));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(out)) : null;
    }

    public Variable weight() { return weight; }
    public Variable bias() { return bias; }

    @Override protected void resetParameters(Rng rng) {
        Init.defaultWeight(weight.data(), rng);
        if (bias != null) Init.defaultBias(bias.data(), weight.data(), rng);
    }

    @Override public Variable forward(Variable x) { return F.linear(x, weight, bias); }
}
