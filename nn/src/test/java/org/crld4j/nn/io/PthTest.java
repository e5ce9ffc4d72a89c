package org.crld4j.nn.io;

import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PthTest {
    @TempDir Path dir;

    @Test void writtenStateDictReadsBackIdentically() throws IOException {
        Classifier m = ModelZoo.create("resnet8", 10, new Rng(5));
        Path f = dir.resolve("resnet8.pth");
        Pth.writeStateDict(m.stateDict(), m.integerStateNames(), f);
        Map<String, Tensor> back = Pth.readStateDict(f);
        assertEquals(m.stateDict().keySet(), back.keySet());
        for (var e : m.stateDict().entrySet()) assertArrayEquals(e.getValue().toArray(), back.get(e.getKey()).toArray(), e.getKey());
        try (var zip = new java.util.zip.ZipFile(f.toFile())) {
            assertTrue(zip.getEntry("archive/data.pkl") != null && zip.getEntry("archive/version") != null);
        }
        assertEquals(List.of("resnet8.pth"), Files.list(dir).map(p -> p.getFileName().toString()).toList(), "no temporary left behind");
    }

    @Test void nonContiguousStridesAreHonoured() throws IOException {
        // a tensor stored transposed: size (2, 3), stride (1, 2) over storage [0..5]
        Pth.PickleWriter p = new Pth.PickleWriter();
        p.proto(2);
        p.mark();
        p.unicode("t");
        rebuild(p, "0", 6, new int[] {2, 3}, new int[] {1, 2}, 0);
        p.out('d');
        p.stop();
        Path f = zip("strided.pth", p.bytes(), Map.of("0", floats(0, 1, 2, 3, 4, 5)));
        Tensor t = (Tensor) ((Map<?, ?>) Pth.read(f)).get("t");
        assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5}, t.toArray());
    }

    @Test void legacyFormatIsRead() throws IOException {
        ByteBuffer out = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        Pth.PickleWriter magic = new Pth.PickleWriter();
        magic.proto(2);
        magic.raw(new byte[] {(byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19});
        magic.stop();
        Pth.PickleWriter proto = new Pth.PickleWriter();
        proto.proto(2);
        proto.integer(1001);
        proto.stop();
        Pth.PickleWriter sys = new Pth.PickleWriter();
        sys.proto(2);
        sys.out('}');
        sys.stop();
        Pth.PickleWriter obj = new Pth.PickleWriter();
        obj.proto(2);
        obj.out('}');
        obj.unicode("model");
        obj.out('}');
        obj.unicode("w");
        rebuild(obj, "140", 4, new int[] {2, 2}, new int[] {2, 1}, 0);
        obj.out('s');
        obj.out('s');
        obj.unicode("epoch");
        obj.integer(240);
        obj.out('s');
        obj.stop();
        Pth.PickleWriter keys = new Pth.PickleWriter();
        keys.proto(2);
        keys.mark();
        keys.unicode("140");
        keys.out('l');
        keys.stop();
        for (var w : List.of(magic, proto, sys, obj, keys)) out.put(w.bytes());
        out.putLong(4);
        for (float v : new float[] {1, 2, 3, 4}) out.putFloat(v);
        Path f = dir.resolve("legacy.pth");
        Files.write(f, java.util.Arrays.copyOf(out.array(), out.position()));
        Map<String, Tensor> sd = Pth.readStateDict(f);
        assertArrayEquals(new float[] {1, 2, 3, 4}, sd.get("w").toArray());
        Files.write(f, java.util.Arrays.copyOf(out.array(), out.position() - 3));
        IOException e = assertThrows(IOException.class, () -> Pth.readStateDict(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test void hostileGlobalsAreRefusedAndNeverRun() throws IOException {
        Path marker = dir.resolve("pwned");
        for (String[] g : new String[][] {{"os", "system"}, {"builtins", "eval"}, {"posix", "system"}, {"subprocess", "Popen"}}) {
            Pth.PickleWriter p = new Pth.PickleWriter();
            p.proto(2);
            p.global(g[0], g[1]);
            p.mark();
            p.unicode("touch " + marker);
            p.tuple();
            p.reduce();
            p.stop();
            Path f = zip(g[1] + ".pth", p.bytes(), Map.of());
            IOException e = assertThrows(IOException.class, () -> Pth.read(f));
            assertTrue(e.getMessage().contains("refusing pickle global '" + g[0] + "." + g[1] + "'"), e.getMessage());
            assertFalse(Files.exists(marker));
        }
    }

    @Test void corruptFilesGiveClearErrors() throws IOException {
        Classifier m = ModelZoo.create("resnet8", 10, new Rng(5));
        Path good = dir.resolve("good.pth");
        Pth.writeStateDict(m.stateDict(), m.integerStateNames(), good);
        byte[] all = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.pth");
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 2));
        IOException e = assertThrows(IOException.class, () -> Pth.read(truncated));
        assertTrue(e.getMessage().contains("truncated.pth"), e.getMessage());

        Pth.PickleWriter p = new Pth.PickleWriter();
        p.proto(2);
        p.mark();
        p.unicode("t");
        rebuild(p, "0", 6, new int[] {6}, new int[] {1}, 0);
        p.out('d');
        p.stop();
        Path wrongSize = zip("wrong.pth", p.bytes(), Map.of("0", floats(1, 2, 3)));
        e = assertThrows(IOException.class, () -> Pth.read(wrongSize));
        assertTrue(e.getMessage().contains("has 12 bytes, but 6 elements"), e.getMessage());

        Path text = dir.resolve("text.pth");
        Files.writeString(text, "hello");
        assertThrows(IOException.class, () -> Pth.read(text));
    }

    @Test void strictLoadReportsEveryProblem() {
        Classifier m = ModelZoo.create("resnet8", 10, new Rng(5));
        Map<String, Tensor> sd = new LinkedHashMap<>(m.stateDict());
        sd.remove("fc.bias");
        sd.put("extra.weight", Tensor.zeros(1));
        sd.put("fc.weight", Tensor.zeros(3, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd, true));
        assertTrue(e.getMessage().contains("missing keys [fc.bias]") && e.getMessage().contains("unexpected keys [extra.weight]")
                && e.getMessage().contains("fc.weight: checkpoint [3, 3] vs model [10, 64]"), e.getMessage());
        var report = m.loadStateDict(sd, false);
        assertEquals(List.of("fc.bias"), report.missing());
    }

    // ---------------------------------------------------------------- helpers writing test files

    private static void rebuild(Pth.PickleWriter p, String key, int numel, int[] size, int[] stride, int offset) {
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.mark();
        p.mark();
        p.unicode("storage");
        p.global("torch", "FloatStorage");
        p.unicode(key);
        p.unicode("cpu");
        p.integer(numel);
        p.tuple();
        p.binpersid();
        p.integer(offset);
        p.intTuple(size);
        p.intTuple(stride);
        p.bool(false);
        p.global("collections", "OrderedDict");
        p.emptyTuple();
        p.reduce();
        p.tuple();
        p.reduce();
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    private Path zip(String name, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Path f = dir.resolve(name);
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new java.util.zip.ZipEntry("x/data.pkl"));
            z.write(pickle);
            for (var s : storages.entrySet()) {
                z.putNextEntry(new java.util.zip.ZipEntry("x/data/" + s.getKey()));
                z.write(s.getValue());
            }
        }
        return f;
    }
}
