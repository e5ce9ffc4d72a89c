package org.crld4j.nn;

import org.crld4j.autograd.Variable;
import org.crld4j.tensor.Device;
import org.crld4j.tensor.Devices;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network component, modelled on torch.nn.Module: named parameters (leaf Variables), named
 * buffers (tensors such as BN running statistics) and named children, registered in construction
 * order. {@link #stateDict()} uses PyTorch's dotted names and order (a module's parameters, then its
 * buffers, then its children), so checkpoints map one to one onto PyTorch's.
 */
public abstract class Module {
    private final Map<String, Variable> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> integerBuffers = new LinkedHashSet<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    public abstract Variable forward(Variable x);

    // ---------------------------------------------------------------- registration

    protected final Variable registerParameter(String name, Tensor value) {
        checkName(name);
        Variable v = Variable.leaf(value);
        params.put(name, v);
        return v;
    }

    protected final Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /** A buffer PyTorch stores as int64 (e.g. num_batches_tracked); held here as a float scalar. */
    protected final Tensor registerIntegerBuffer(String name, Tensor value) {
        integerBuffers.add(name);
        return registerBuffer(name, value);
    }

    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException("invalid member name '" + name + "' in " + getClass().getSimpleName());
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException("member '" + name + "' registered twice in " + getClass().getSimpleName());
    }

    // ---------------------------------------------------------------- traversal

    public Map<String, Module> namedChildren() { return Collections.unmodifiableMap(children); }

    /** This module and all descendants, depth first in registration order ("" is this module). */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        for (var e : children.entrySet()) e.getValue().collectModules(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out);
    }

    public Map<String, Variable> namedParameters() {
        Map<String, Variable> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet())
            for (var p : m.getValue().params.entrySet()) out.put(join(m.getKey(), p.getKey()), p.getValue());
        return out;
    }

    public List<Variable> parameters() { return new ArrayList<>(namedParameters().values()); }

    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet())
            for (var b : m.getValue().buffers.entrySet()) out.put(join(m.getKey(), b.getKey()), b.getValue());
        return out;
    }

    /** Names of the state-dict entries PyTorch keeps as int64. */
    public Set<String> integerStateNames() {
        Set<String> out = new LinkedHashSet<>();
        for (var m : namedModules().entrySet())
            for (String b : m.getValue().integerBuffers) out.add(join(m.getKey(), b));
        return out;
    }

    private static String join(String prefix, String name) { return prefix.isEmpty() ? name : prefix + "." + name; }

    /** Where this module's parameters live (the default device for a module without any). */
    public Device device() {
        for (Variable v : namedParameters().values()) return v.data().device();
        return Devices.defaultDevice();
    }

    /** Learnable parameter count (buffers excluded), as PyTorch's sum(p.numel()). */
    public long numParameters() {
        long n = 0;
        for (Variable v : namedParameters().values()) n += v.data().numel();
        return n;
    }

    // ---------------------------------------------------------------- state

    /** Parameters and buffers by dotted name, in PyTorch's order; the tensors are shared, not copied. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        stateInto("", out);
        return out;
    }

    private void stateInto(String prefix, Map<String, Tensor> out) {
        for (var p : params.entrySet()) out.put(join(prefix, p.getKey()), p.getValue().data());
        for (var b : buffers.entrySet()) out.put(join(prefix, b.getKey()), b.getValue());
        for (var c : children.entrySet()) c.getValue().stateInto(join(prefix, c.getKey()), out);
    }

    /** What {@link #loadStateDict} found: keys missing from the source, keys it has that we lack, shape mismatches. */
    public record LoadReport(List<String> missing, List<String> unexpected, List<String> shapeMismatches) {
        public boolean clean() { return missing.isEmpty() && unexpected.isEmpty() && shapeMismatches.isEmpty(); }

        @Override public String toString() {
            return "missing keys " + missing + ", unexpected keys " + unexpected + ", shape mismatches " + shapeMismatches;
        }
    }

    /**
     * Copies matching entries into this module's tensors (in place, so optimisers keep their
     * references). With {@code strict}, any missing or unexpected key or shape mismatch fails
     * before anything is copied.
     */
    public LoadReport loadStateDict(Map<String, Tensor> source, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (String k : own.keySet()) if (!source.containsKey(k)) missing.add(k);
        for (String k : source.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        for (var e : own.entrySet()) {
            Tensor src = source.get(e.getKey());
            if (src != null && !java.util.Arrays.equals(src.shape(), e.getValue().shape()))
                mismatched.add(e.getKey() + ": checkpoint " + Shapes.str(src.shape()) + " vs model " + Shapes.str(e.getValue().shape()));
        }
        LoadReport report = new LoadReport(missing, unexpected, mismatched);
        if (strict && !report.clean())
            throw new IllegalArgumentException("loadStateDict into " + getClass().getSimpleName() + " (strict): " + report);
        for (var e : own.entrySet()) {
            Tensor src = source.get(e.getKey());
            if (src != null && java.util.Arrays.equals(src.shape(), e.getValue().shape())) e.getValue().copyFrom(src);
        }
        return report;
    }

    // ---------------------------------------------------------------- modes and gradients

    /** Training mode for this module and its descendants. */
    public Module train(boolean on) {
        for (Module m : namedModules().values()) m.training = on;
        return this;
    }

    public Module train() { return train(true); }
    public Module eval() { return train(false); }
    public boolean isTraining() { return training; }

    public void zeroGrad() {
        for (Variable v : namedParameters().values()) v.zeroGrad();
    }

    /** Re-initialises this module's own parameters with PyTorch's defaults (no-op if it has none). */
    protected void resetParameters(Rng rng) {}

    /** PyTorch's default initialisation of every submodule, in registration order. */
    public void initDefaults(Rng rng) {
        for (Module m : namedModules().values()) m.resetParameters(rng);
    }

    /** A direct parameter of this module, or null. */
    protected final Variable param(String name) { return params.get(name); }

    protected final Tensor buffer(String name) { return buffers.get(name); }
}
