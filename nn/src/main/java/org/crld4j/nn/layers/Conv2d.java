package org.crld4j.nn.layers;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.nn.Init;
import org.crld4j.nn.Module;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;

/** torch.nn.Conv2d with square kernel, stride and padding; weight [out, in/groups, k, k]. */
public final class Conv2d extends Module {
    public final int in, out, kernel;
    public final ConvParams params;
    private final Variable weight, bias;

    public Conv2d(int in, int out, int kernel, int stride, int padding, int groups, boolean bias) {
        if (in % groups != 0 || out % groups != 0)
            throw new IllegalArgumentException("Conv2d: in " + in + " and out " + out + " channels must be divisible by groups " + groups);
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.params = ConvParams.of(stride, padding, groups);
        this.weight = registerParameter("weight", Tensor.zeros(out, in / groups, kernel, kernel));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(out)) : null;
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding) { this(in, out, kernel, stride, padding, 1, false); }

    public Variable weight() { return weight; }
    public Variable bias() { return bias; }

    @Override protected void resetParameters(Rng rng) {
        Init.defaultWeight(weight.data(), rng);
        if (bias != null) Init.defaultBias(bias.data(), weight.data(), rng);
    }

    @Override public Variable forward(Variable x) { return F.conv2d(x, weight, bias, params); }
}
