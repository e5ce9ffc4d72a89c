package org.crld4j.nn.data;

import org.crld4j.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

/** Views of a dataset: index subsets, and the seeded class-balanced label fraction of the paper's label-scarcity study. */
public final class Subsets {
    private Subsets() {}

    /** The samples at {@code indices}, in that order. */
    public static Dataset of(Dataset base, int[] indices, String what) {
        for (int i : indices)
            if (i < 0 || i >= base.size()) throw new IndexOutOfBoundsException(what + ": index " + i + " outside [0, " + base.size() + ")");
        return new Dataset() {
            @Override public int size() { return indices.length; }
            @Override public Image image(int i) { return base.image(indices[i]); }
            @Override public int label(int i) { return base.label(indices[i]); }
            @Override public int numClasses() { return base.numClasses(); }
            @Override public String description() { return what + " of " + base.description(); }
        };
    }

    /**
     * Keeps round(fraction * n_c) samples of every class c (at least one), chosen by a seeded
     * shuffle within the class; the kept indices are returned in dataset order.
     */
    public static Dataset classBalancedFraction(Dataset base, double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("label fraction must be in (0, 1], got " + fraction);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < base.numClasses(); c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < base.size(); i++) byClass.get(base.label(i)).add(i);
        Rng rng = new Rng(seed);
        List<Integer> kept = new ArrayList<>();
        for (List<Integer> idx : byClass) {
            if (idx.isEmpty()) continue;
            for (int i = idx.size() - 1; i > 0; i--) java.util.Collections.swap(idx, i, rng.nextInt(i + 1));
            int k = Math.max(1, (int) Math.round(fraction * idx.size()));
            kept.addAll(idx.subList(0, k));
        }
        java.util.Collections.sort(kept);
        return of(base, kept.stream().mapToInt(Integer::intValue).toArray(), String.format("%.1f%% of the labels", 100 * fraction));
    }
}
