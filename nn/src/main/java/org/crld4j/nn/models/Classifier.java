package org.crld4j.nn.models;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.Module;

/** A classification network: logits, and on request the pooled penultimate features. */
public abstract class Classifier extends Module {
    /** Logits [N, classes] and the pooled features [N, D] the final linear layer reads. */
    public record Output(Variable logits, Variable features) {}

    public abstract Output forwardWithFeatures(Variable x);

    @Override public Variable forward(Variable x) { return forwardWithFeatures(x).logits(); }
}
