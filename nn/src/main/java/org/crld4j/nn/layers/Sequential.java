package org.crld4j.nn.layers;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.Module;

import java.util.ArrayList;
import java.util.List;

/** torch.nn.Sequential: children named "0", "1", ...; an empty one is the identity. */
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
        for (Module m : layers) x = m.forward(x);
        return x;
    }
}
