package org.crld4j.nn.layers;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.Module;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;

/**
 * torch.nn.BatchNorm2d: eps 1e-5, momentum 0.1; training normalises with batch statistics and
 * updates the running ones (variance unbiased), eval uses the running ones.
 */
public final class BatchNorm2d extends Module {
    public final int channels;
    public final float eps, momentum;
    private final Variable weight, bias;
    private final Tensor runningMean, runningVar, numBatchesTracked;

    public BatchNorm2d(int channels) { this(channels, 1e-5f, 0.1f); }

    public BatchNorm2d(int channels, float eps, float momentum) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        weight = registerParameter("weight", Tensor.ones(channels));
        bias = registerParameter("bias", Tensor.zeros(channels));
        runningMean = registerBuffer("running_mean", Tensor.zeros(channels));
        runningVar = registerBuffer("running_var", Tensor.ones(channels));
        numBatchesTracked = registerIntegerBuffer("num_batches_tracked", Tensor.scalar(0));
    }

    public Variable weight() { return weight; }
    public Variable bias() { return bias; }
    public Tensor runningMean() { return runningMean; }
    public Tensor runningVar() { return runningVar; }

    @Override protected void resetParameters(Rng rng) {
        weight.data().fill(1f);
        bias.data().fill(0f);
    }

    @Override public Variable forward(Variable x) {
        countBatch(x);
        return F.batchNorm(x, weight, bias, runningMean, runningVar, isTraining(), momentum, eps);
    }

    /** {@code relu?(this(x) + residual?)} in one op (F.batchNormAct): the same numbers as the three modules. */
    public Variable forward(Variable x, Variable residual, boolean relu) {
        countBatch(x);
        return F.batchNormAct(x, weight, bias, runningMean, runningVar, isTraining(), momentum, eps, residual, relu);
    }

    private void countBatch(Variable x) {
        if (x.data().rank() < 2 || x.data().size(1) != channels)
            throw new IllegalArgumentException("BatchNorm2d(" + channels + "): input " + org.crld4j.tensor.Shapes.str(x.shape())
                    + " does not have " + channels + " channels");
        if (isTraining()) numBatchesTracked.addInPlace(1f);
    }
}
