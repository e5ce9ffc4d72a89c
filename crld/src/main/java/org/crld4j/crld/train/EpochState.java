package org.crld4j.crld.train;

import org.crld4j.crld.distill.Distiller;
import org.crld4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running statistics of one training epoch: per-term sums weighted by batch size (the loss
 * terms, train_loss and the distiller's numeric metrics, in first-seen order), summed histograms,
 * top-1 hits and images seen. A checkpoint written mid-epoch (Ctrl-C) stores it under
 * {@value #META_KEY} as {@code {"hits", "seen", "sums", "histograms"}}, so that a resumed epoch
 * logs the same means as an uninterrupted one; an end-of-epoch checkpoint stores an empty map.
 */
final class EpochState {
    /** The checkpoint meta key of a mid-epoch state. */
    static final String META_KEY = "partial";

    private final Map<String, Double> sums = new LinkedHashMap<>();
    private final Map<String, long[]> histograms = new LinkedHashMap<>();
    private long hits, seen;

    /** The images seen so far this epoch. */
    long seen() { return seen; }

    /** What a training step logs, read back from its device in one copy. */
    record StepScalars(Map<String, Float> terms, float total, long hits) {}

    /**
     * The step's loss terms, its total and its top-1 hits, in one host copy (a device would
     * otherwise synchronise once per value). Hits: the first maximum is the label, which is
     * Evaluator.topK's rule for finite logits (a NaN loss stops training before hits matter).
     */
    static StepScalars scalars(Distiller.Step s, Tensor labels) {
        List<Tensor> values = new ArrayList<>();
        for (var v : s.terms().values()) values.add(v.data().reshape(1));
        values.add(s.total().data().reshape(1));
        values.add(s.logits().data().argmax(1, false).eq(labels).sum().reshape(1));
        float[] v = Tensor.cat(values, 0).toArray();
        Map<String, Float> terms = new LinkedHashMap<>();
        int t = 0;
        for (String term : s.terms().keySet()) terms.put(term, v[t++]);
        return new StepScalars(terms, v[t], (long) v[t + 1]);
    }

    /** Adds one step of {@code batchSize} images; returns the step's total loss. */
    float add(Distiller.Step s, StepScalars scalars, int batchSize) {
        scalars.terms().forEach((term, v) -> sums.merge(term, (double) v * batchSize, Double::sum));
        float total = scalars.total();
        sums.merge("train_loss", (double) total * batchSize, Double::sum);
        for (var e : s.metrics().entrySet()) {
            if (e.getValue() instanceof Double d) sums.merge(e.getKey(), d * batchSize, Double::sum);
            else if (e.getValue() instanceof long[] h) {
                long[] acc = histograms.computeIfAbsent(e.getKey(), k -> new long[h.length]);
                for (int i = 0; i < h.length; i++) acc[i] += h[i];
            }
        }
        hits += scalars.hits();
        seen += batchSize;
        return total;
    }

    /** The epoch's log columns: each sum's mean per image, train_acc, then the histograms. */
    void putMeans(Map<String, Object> row) {
        for (var e : sums.entrySet()) row.put(e.getKey(), e.getValue() / Math.max(1, seen));
        row.put("train_acc", 100.0 * hits / Math.max(1, seen));
        histograms.forEach((k, h) -> row.put(k, Arrays.stream(h).boxed().toList()));
    }

    /** This state as checkpoint meta (the value of {@value #META_KEY}). */
    Map<String, Object> toMeta() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hits", hits);
        m.put("seen", seen);
        m.put("sums", new LinkedHashMap<>(sums));
        Map<String, Object> hs = new LinkedHashMap<>();
        histograms.forEach((k, h) -> hs.put(k, Arrays.stream(h).boxed().toList()));
        m.put("histograms", hs);
        return m;
    }

    /** The state stored in a checkpoint's meta; a fresh one where there is none (an end-of-epoch checkpoint). */
    static EpochState fromMeta(Map<String, Object> meta) {
        EpochState s = new EpochState();
        if (!(meta.get(META_KEY) instanceof Map<?, ?> p) || p.isEmpty()) return s;
        s.hits = ((Number) p.get("hits")).longValue();
        s.seen = ((Number) p.get("seen")).longValue();
        ((Map<?, ?>) p.get("sums")).forEach((k, v) -> s.sums.put((String) k, ((Number) v).doubleValue()));
        ((Map<?, ?>) p.get("histograms")).forEach((k, v) ->
                s.histograms.put((String) k, ((List<?>) v).stream().mapToLong(o -> ((Number) o).longValue()).toArray()));
        return s;
    }
}
