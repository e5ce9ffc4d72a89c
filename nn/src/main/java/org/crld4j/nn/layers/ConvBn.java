package org.crld4j.nn.layers;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;

/**
 * The conv - batch norm [- add residual] [- ReLU] pattern of the ResNets. In eval mode with no
 * gradient needed (the CRLD teacher, evaluation) it runs as one fused kernel that finishes each
 * image's output in cache; otherwise, and always in training, as the separate modules. Both give
 * the same numbers bit for bit (tested), and the modules' state-dict names are untouched.
 */
public final class ConvBn {
    private ConvBn() {}

    public static Variable forward(Conv2d conv, BatchNorm2d bn, Variable x, Variable residual, boolean relu) {
        if (!bn.isTraining() && !Autograd.needsGrad(x, conv.weight(), conv.bias(), bn.weight(), bn.bias(), residual)) {
            return F.conv2dBatchNormEval(x, conv.weight(), conv.bias(), conv.params, bn.weight(), bn.bias(),
                    bn.runningMean(), bn.runningVar(), bn.eps, residual, relu);
        }
        Variable y = bn.forward(conv.forward(x));
        if (residual != null) y = y.add(residual);
        return relu ? y.relu() : y;
    }
}
