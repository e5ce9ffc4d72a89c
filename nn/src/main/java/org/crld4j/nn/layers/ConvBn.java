package org.crld4j.nn.layers;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;

/**
 * The conv - batch norm [- add residual] [- ReLU] pattern of the ResNets. In eval mode with no
 * gradient needed (the CRLD teacher, evaluation) it runs as one fused kernel that finishes each
 * image's output in cache. Otherwise (always in training) the convolution runs alone and batch
 * norm adds the residual and applies the ReLU in its last pass
 * ({@link BatchNorm2d#forward(Variable, Variable, boolean)}). Both give the separate modules'
 * numbers bit for bit (tested), and the modules' state-dict names are untouched.
 */
public final class ConvBn {
    private ConvBn() {}

    public static Variable forward(Conv2d conv, BatchNorm2d bn, Variable x, Variable residual, boolean relu) {
        if (!bn.isTraining() && !Autograd.needsGrad(x, conv.weight(), conv.bias(), bn.weight(), bn.bias(), residual)) {
            if (conv.out != bn.channels) // the message the separate modules would give, before the fused kernel's own
                throw new IllegalArgumentException("BatchNorm2d(" + bn.channels + ") after Conv2d(" + conv.in + ", " + conv.out
                        + "): its input has " + conv.out + " channels, not " + bn.channels);
            return F.conv2dBatchNormEval(x, conv.weight(), conv.bias(), conv.params, bn.weight(), bn.bias(),
                    bn.runningMean(), bn.runningVar(), bn.eps, residual, relu);
        }
        Variable y = conv.forward(x);
        if (residual == null && !relu) return bn.forward(y);
        if (residual != null && !residual.data().sameShape(y.data())) { // a broadcast residual: the separate ops
            y = bn.forward(y).add(residual);
            return relu ? y.relu() : y;
        }
        return bn.forward(y, residual, relu);
    }
}
