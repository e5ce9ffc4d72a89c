package org.crld4j.nn.layers;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.Module;

/** Parameter-free layers: ReLU, Identity, Flatten. */
public final class Activations {
    private Activations() {}

    public static final class ReLU extends Module {
        @Override public Variable forward(Variable x) { return x.relu(); }
    }

    public static final class Identity extends Module {
        @Override public Variable forward(Variable x) { return x; }
    }

    /** Flattens all dims after the first (torch.nn.Flatten()). */
    public static final class Flatten extends Module {
        @Override public Variable forward(Variable x) { return x.flatten(1, x.data().rank() - 1); }
    }
}
