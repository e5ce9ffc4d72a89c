package org.crld4j.nn.io;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.nn.optim.Sgd;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    @TempDir Path dir;

    @Test void roundTripAndCorruptionDetection() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Tensor.arange(6).reshape(2, 3));
        t.put("s", Tensor.scalar(3f));
        Path f = dir.resolve("ck.bin");
        new Checkpoint(t, Map.of("epoch", 7, "rng", new long[] {Long.MIN_VALUE, 42})).save(f);
        Checkpoint c = Checkpoint.load(f);
        assertArrayEquals(t.get("a").toArray(), c.tensors().get("a").toArray());
        assertArrayEquals(new int[] {2, 3}, c.tensors().get("a").shape());
        assertEquals(7.0, ((Number) c.meta().get("epoch")).doubleValue());
        assertEquals(List.of(Long.toString(Long.MIN_VALUE), "42"), c.meta().get("rng"));

        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 5));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(f));
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
        all[30] ^= 1;
        Files.write(f, all);
        assertThrows(IOException.class, () -> Checkpoint.load(f));
    }

    @Test void aFailedSaveLeavesThePreviousCheckpointIntact() throws IOException {
        Path f = dir.resolve("latest.ckpt");
        new Checkpoint(Map.of("w", Tensor.ones(3)), Map.of()).save(f);
        assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write(new byte[100]);
            throw new IOException("simulated crash mid-write");
        }));
        assertArrayEquals(new float[] {1, 1, 1}, Checkpoint.load(f).tensors().get("w").toArray());
        try (var files = Files.list(dir)) { assertEquals(1, files.count(), "temporary file left behind"); }
    }

    /**
     * Train a few SGD steps on batches drawn from a seeded Rng, checkpoint model, optimiser and
     * Rng state, train on; a copy resumed from the checkpoint ends bit-identical.
     */
    @Test void resumeIsBitIdentical() throws IOException {
        Rng data = new Rng(11);
        Classifier a = ModelZoo.create("resnet8", 4, new Rng(3));
        Sgd sa = new Sgd(a.namedParameters(), 0.05f, 0.9f, 5e-4f, false);
        Path ck = dir.resolve("mid.ckpt");
        for (int i = 0; i < 6; i++) {
            if (i == 3) {
                Map<String, Tensor> t = new LinkedHashMap<>();
                a.stateDict().forEach((k, v) -> t.put("model." + k, v));
                sa.state().forEach((k, v) -> t.put("optim." + k, v));
                new Checkpoint(t, Map.of("step", i, "rng", data.state())).save(ck);
            }
            step(a, sa, batch(data));
        }

        Classifier b = ModelZoo.create("resnet8", 4, new Rng(99)); // different init, overwritten by the checkpoint
        Sgd sb = new Sgd(b.namedParameters(), 0.05f, 0.9f, 5e-4f, false);
        Checkpoint c = Checkpoint.load(ck);
        b.loadStateDict(c.section("model."), true);
        sb.loadState(c.section("optim."));
        Rng resumed = new Rng(0);
        resumed.setState(((List<?>) c.meta().get("rng")).stream().mapToLong(o -> Long.parseLong((String) o)).toArray());
        for (int i = ((Number) c.meta().get("step")).intValue(); i < 6; i++) step(b, sb, batch(resumed));

        for (var e : a.stateDict().entrySet())
            assertArrayEquals(e.getValue().toArray(), b.stateDict().get(e.getKey()).toArray(), e.getKey());
    }

    private static Tensor[] batch(Rng rng) {
        return new Tensor[] {Tensor.randn(rng, 4, 3, 8, 8), Tensor.of(new float[] {0, 1, 2, 3}, 4)};
    }

    private static void step(Classifier m, Sgd sgd, Tensor[] batch) {
        sgd.zeroGrad();
        F.crossEntropy(m.forward(Variable.constant(batch[0])), batch[1]).backward();
        sgd.step();
    }
}
