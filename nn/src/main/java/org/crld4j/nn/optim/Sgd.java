package org.crld4j.nn.optim;

import org.crld4j.autograd.Variable;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.SgdParams;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.SGD: for each parameter with a gradient, g = grad + wd * p; with momentum
 * buf = g on the first step, else buf = momentum * buf + (1 - dampening) * g; g = g + momentum * buf
 * if Nesterov, else buf; p -= lr * g. Weight decay applies to every parameter given (mdistiller
 * passes all of them). The learning rate is set from outside (see {@link LrSchedule}).
 */
public final class Sgd {
    private final Map<String, Variable> params;
    private final float momentum, dampening, weightDecay;
    private final boolean nesterov;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private float lr;

    public Sgd(Map<String, Variable> namedParams, float lr, float momentum, float weightDecay, boolean nesterov) {
        this(namedParams, lr, momentum, 0f, weightDecay, nesterov);
    }

    public Sgd(Map<String, Variable> namedParams, float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        if (lr < 0) throw new IllegalArgumentException("SGD: learning rate must be >= 0, got " + lr);
        if (momentum < 0) throw new IllegalArgumentException("SGD: momentum must be >= 0, got " + momentum);
        if (weightDecay < 0) throw new IllegalArgumentException("SGD: weight decay must be >= 0, got " + weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening");
        this.params = new LinkedHashMap<>(namedParams);
        this.lr = lr;
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    public float lr() { return lr; }
    public void setLr(float lr) { this.lr = lr; }

    public void zeroGrad() { for (Variable p : params.values()) p.zeroGrad(); }

    /** One update of every parameter that has a gradient, on its device (the backend's SGD op). */
    public void step() {
        SgdParams hyper = new SgdParams(lr, momentum, dampening, weightDecay, nesterov);
        for (var e : params.entrySet()) {
            Variable p = e.getValue();
            Tensor grad = p.grad();
            if (grad == null) continue;
            Tensor buf = p.data().backend().sgdStep(p.data(), grad, buffers.get(e.getKey()), hyper);
            if (buf != null) buffers.put(e.getKey(), buf);
        }
    }

    /** Momentum buffers by parameter name (for checkpoints). */
    public Map<String, Tensor> state() { return buffers; }

    /** Restores momentum buffers saved by {@link #state()}. */
    public void loadState(Map<String, Tensor> state) {
        buffers.clear();
        for (var e : state.entrySet()) {
            Variable p = params.get(e.getKey());
            if (p == null) throw new IllegalArgumentException("SGD state names unknown parameter '" + e.getKey() + "'");
            if (!java.util.Arrays.equals(p.shape(), e.getValue().shape()))
                throw new IllegalArgumentException("SGD state for '" + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(e.getValue().shape()) + ", parameter has " + java.util.Arrays.toString(p.shape()));
            buffers.put(e.getKey(), e.getValue().copy());
        }
    }
}
