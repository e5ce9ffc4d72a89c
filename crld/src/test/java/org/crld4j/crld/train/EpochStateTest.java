package org.crld4j.crld.train;

import org.crld4j.autograd.Variable;
import org.crld4j.crld.distill.Distiller;
import org.crld4j.nn.io.Checkpoint;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The mid-epoch statistics in a checkpoint's meta: the format checkpoints already on disk use, read back exactly. */
class EpochStateTest {
    @TempDir Path dir;

    private static Variable scalar(float v) { return Variable.constant(Tensor.scalar(v)); }

    /** One CRLD-like step: two terms, a rate and a histogram, with the scalars EpochState.scalars would read back. */
    private static void addStep(EpochState s, float ce, float kd, double rate, long[] hist, int hits, int size) {
        Map<String, Variable> terms = new LinkedHashMap<>();
        terms.put("loss_ce", scalar(ce));
        terms.put("loss_kd", scalar(kd));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("mask_w_rate", rate);
        metrics.put("conf_w_hist", hist);
        Map<String, Float> values = new LinkedHashMap<>();
        values.put("loss_ce", ce);
        values.put("loss_kd", kd);
        s.add(new Distiller.Step(scalar(ce + kd), terms, scalar(0), metrics), new EpochState.StepScalars(values, ce + kd, hits), size);
    }

    private static Map<String, Object> means(EpochState s) {
        Map<String, Object> row = new LinkedHashMap<>();
        s.putMeans(row);
        return row;
    }

    /** The meta an interrupted run wrote before EpochState existed (the keys and layout kept since). */
    @Test void readsACheckpointWrittenByEarlierVersions() throws Exception {
        Path f = dir.resolve("latest.ckpt");
        Map<String, Object> sums = new LinkedHashMap<>(); // {"hits":3,"seen":16,"sums":{...},"histograms":{...}}, as saved then
        sums.put("loss_ce", 73.662353515625);
        sums.put("train_loss", 73.662353515625);
        sums.put("mask_w_rate", 0.5);
        Map<String, Object> partial = new LinkedHashMap<>();
        partial.put("hits", 3L);
        partial.put("seen", 16L);
        partial.put("sums", sums);
        partial.put("histograms", Map.of("conf_w_hist", List.of(0L, 16L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L)));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("epoch", 0);
        meta.put("step", 1);
        meta.put("partial", partial);
        new Checkpoint(Map.of(), meta).save(f);
        Map<String, Object> row = means(EpochState.fromMeta(Checkpoint.load(f).meta()));
        assertEquals(List.of("loss_ce", "train_loss", "mask_w_rate", "train_acc", "conf_w_hist"), List.copyOf(row.keySet()));
        assertEquals(73.662353515625 / 16, row.get("loss_ce"));
        assertEquals(0.5 / 16, row.get("mask_w_rate"));
        assertEquals(100.0 * 3 / 16, row.get("train_acc"));
        assertEquals(List.of(0L, 16L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L), row.get("conf_w_hist"));
    }

    /** Written mid-epoch and read back, the state goes on to the same means as one never interrupted. */
    @Test void roundTripsThroughACheckpoint() throws Exception {
        EpochState straight = new EpochState(), first = new EpochState();
        addStep(straight, 2.3f, 0.1f, 0.25, new long[] {1, 2, 3}, 4, 16);
        addStep(first, 2.3f, 0.1f, 0.25, new long[] {1, 2, 3}, 4, 16);
        Path f = dir.resolve("mid.ckpt");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put(EpochState.META_KEY, first.toMeta());
        new Checkpoint(Map.of(), meta).save(f);
        EpochState resumed = EpochState.fromMeta(Checkpoint.load(f).meta());
        assertEquals(means(first), means(resumed));
        addStep(straight, 1.7f, 0.3f, 0.5, new long[] {0, 5, 1}, 9, 8);
        addStep(resumed, 1.7f, 0.3f, 0.5, new long[] {0, 5, 1}, 9, 8);
        assertEquals(means(straight), means(resumed));
        assertEquals(24, resumed.seen());
    }

    /** An end-of-epoch checkpoint stores an empty map (and a very old one none): the next epoch starts from zero. */
    @Test void emptyOrMissingIsAFreshEpoch() {
        assertEquals(means(new EpochState()), means(EpochState.fromMeta(Map.of(EpochState.META_KEY, Map.of()))));
        assertEquals(means(new EpochState()), means(EpochState.fromMeta(Map.of())));
    }
}
