package org.crld4j.nn.layers;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.Module;

import java.util.ArrayList;
import java.util.List;

/**
 * torch.nn.Sequential: children named "0", "1", ...; an empty one is the identity. A Conv2d
 * followed by a BatchNorm2d (and a ReLU) runs as {@link ConvBn} does: the same numbers, in fewer
 * passes over the activations.
 */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) { for (Module m : modules) add(m); }

    public Sequential add(Module m) {
        registerModule(Integer.toString(layers.size()), m);
        layers.add(m);
        return this;
    }

    public Module get(int i) { return layers.get(i); }
    public int size() { return layers.size(); }
    public List<Module> layers() { return List.copyOf(layers); }

    @Override public Variable forward(Variable x) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Conv2d conv && i + 1 < layers.size() && layers.get(i + 1) instanceof BatchNorm2d bn) {
                boolean relu = i + 2 < layers.size() && layers.get(i + 2) instanceof Activations.ReLU;
                x = ConvBn.forward(conv, bn, x, null, relu);
                i += relu ? 2 : 1;
            } else {
                x = layers.get(i).forward(x);
            }
        }
        return x;
    }
}
