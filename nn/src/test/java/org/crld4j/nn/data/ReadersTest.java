package org.crld4j.nn.data;

import org.crld4j.nn.io.Pth;
import org.crld4j.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every reader on small files written here in the real formats, plus corrupt-input cases. */
class ReadersTest {
    @TempDir Path dir;

    /** Pixel of image i at (y, x, c): a recognisable pattern. */
    static int px(int i, int y, int x, int c) { return (i * 37 + y * 5 + x * 3 + c * 101) & 0xff; }

    /** CIFAR rows are channel-planar: 1024 R, then G, then B. */
    static byte[] planar(int i) {
        byte[] b = new byte[3072];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++) b[c * 1024 + y * 32 + x] = (byte) px(i, y, x, c);
        return b;
    }

    static void assertPattern(Image im, int i) {
        assertEquals(32, im.height());
        for (int[] p : new int[][] {{0, 0, 0}, {5, 7, 1}, {31, 30, 2}}) assertEquals(px(i, p[0], p[1], p[2]), im.get(p[0], p[1], p[2]));
    }

    @Test void cifar100Binary() throws IOException {
        Path d = Files.createDirectories(dir.resolve("cifar-100-binary"));
        for (String f : new String[] {"train.bin", "test.bin"}) {
            ByteBuffer b = ByteBuffer.allocate(3 * 3074);
            for (int i = 0; i < 3; i++) b.put((byte) 7).put((byte) (10 * i + 5)).put(planar(i));
            Files.write(d.resolve(f), b.array());
        }
        ArrayDataset ds = Cifar.load(dir, true, true);
        assertEquals(3, ds.size());
        assertEquals(100, ds.numClasses());
        assertArrayEquals(new int[] {5, 15, 25}, ds.labels());
        assertPattern(ds.image(2), 2);
        Files.write(d.resolve("train.bin"), new byte[3074 * 2 + 100]);
        IOException e = assertThrows(IOException.class, () -> Cifar.load(dir, true, true));
        assertTrue(e.getMessage().contains("train.bin") && e.getMessage().contains("not a whole number"), e.getMessage());
    }

    @Test void cifar10BinaryAndBadLabel() throws IOException {
        Path d = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        for (String f : new String[] {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}) {
            ByteBuffer b = ByteBuffer.allocate(2 * 3073);
            for (int i = 0; i < 2; i++) b.put((byte) (i + 3)).put(planar(i));
            Files.write(d.resolve(f), b.array());
        }
        assertEquals(10, Cifar.load(dir, false, true).size());
        assertPattern(Cifar.load(dir, false, false).image(1), 1);
        byte[] bad = Files.readAllBytes(d.resolve("test_batch.bin"));
        bad[3073] = 12;
        Files.write(d.resolve("test_batch.bin"), bad);
        IOException e = assertThrows(IOException.class, () -> Cifar.load(dir, false, false));
        assertTrue(e.getMessage().contains("test_batch.bin: record 1 has label 12"), e.getMessage());
    }

    /** A Python-2 style CIFAR-100 pickle: {'data': uint8 ndarray [n, 3072], 'fine_labels': [...]}. */
    static byte[] cifarPickle(int n, int[] labels, boolean truncateData) { return cifarPickle(n, labels, truncateData, "fine_labels"); }

    static byte[] cifarPickle(int n, int[] labels, boolean truncateData, String labelKey) {
        Pth.PickleWriter p = new Pth.PickleWriter();
        p.proto(2);
        p.out('}');
        p.mark();
        shortBinString(p, "data");
        p.global("numpy.core.multiarray", "_reconstruct");
        p.global("numpy", "ndarray");
        p.mark();
        p.integer(0);
        p.tuple();
        shortBinString(p, "b");
        p.out(0x87); // TUPLE3
        p.reduce();
        p.mark();
        p.integer(1);
        p.intTuple(new int[] {n, 3072});
        p.global("numpy", "dtype");
        shortBinString(p, "u1");
        p.integer(0);
        p.integer(1);
        p.out(0x87);
        p.reduce();
        p.mark();
        p.integer(3);
        shortBinString(p, "|");
        p.out('N'); p.out('N'); p.out('N');
        p.integer(-1 & 0xff); // placeholders as numpy writes them (values unused)
        p.integer(1);
        p.integer(0);
        p.tuple();
        p.out('b');
        p.bool(false);
        byte[] data = new byte[n * 3072];
        for (int i = 0; i < n; i++) System.arraycopy(planar(i), 0, data, i * 3072, 3072);
        if (truncateData) data = java.util.Arrays.copyOf(data, data.length - 10);
        p.out('T');
        p.raw(ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(data.length).array());
        p.raw(data);
        p.tuple();
        p.out('b');
        shortBinString(p, labelKey);
        p.out(']');
        p.mark();
        for (int l : labels) p.integer(l);
        p.out('e');
        p.out('u');
        p.stop();
        return p.bytes();
    }

    static void shortBinString(Pth.PickleWriter p, String s) {
        p.out('U');
        p.out(s.length());
        p.raw(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test void cifar100PythonPickle() throws IOException {
        Path d = Files.createDirectories(dir.resolve("cifar-100-python"));
        Files.write(d.resolve("train"), cifarPickle(3, new int[] {1, 99, 42}, false));
        Files.write(d.resolve("test"), cifarPickle(2, new int[] {0, 1}, false));
        ArrayDataset ds = Cifar.load(dir, true, true);
        assertArrayEquals(new int[] {1, 99, 42}, ds.labels());
        assertPattern(ds.image(1), 1);
        Files.write(d.resolve("train"), cifarPickle(3, new int[] {1, 99, 42}, true));
        IOException e = assertThrows(IOException.class, () -> Cifar.load(dir, true, true));
        assertTrue(e.getMessage().contains("train") && e.getMessage().contains("needs 9216 bytes"), e.getMessage());
        Files.write(d.resolve("train"), cifarPickle(2, new int[] {1, 100}, false));
        e = assertThrows(IOException.class, () -> Cifar.load(dir, true, true));
        assertTrue(e.getMessage().contains("record 1 has label 100"), e.getMessage());
    }

    @Test void cifar10PythonPickle() throws IOException {
        Path d = Files.createDirectories(dir.resolve("cifar-10-batches-py"));
        for (int b = 1; b <= 5; b++) Files.write(d.resolve("data_batch_" + b), cifarPickle(2, new int[] {b, 9}, false, "labels"));
        Files.write(d.resolve("test_batch"), cifarPickle(1, new int[] {4}, false, "labels"));
        ArrayDataset train = Cifar.load(dir, false, true);
        assertEquals(10, train.size());
        assertEquals(3, train.label(4));
        assertPattern(train.image(3), 1);
        Files.write(d.resolve("test_batch"), cifarPickle(1, new int[] {4}, false, "fine_labels"));
        IOException e = assertThrows(IOException.class, () -> Cifar.load(dir, false, false));
        assertTrue(e.getMessage().contains("no 'labels' list"), e.getMessage());
    }

    @Test void imagenetFolderAndBadTinyAnnotations() throws IOException {
        Path root = dir.resolve("imagenet");
        png(root.resolve("train/n015/x.JPEG"), 0x0000ff);
        png(root.resolve("train/n004/y.png"), 0x00ff00);
        ImageFolder train = ImageFolder.open(root.resolve("train"));
        assertEquals(java.util.List.of("n004", "n015"), train.classes());
        assertEquals(255, train.image(0).get(0, 0, 1));
        Path tiny = dir.resolve("tiny");
        png(tiny.resolve("train/n01/images/a.png"), 0);
        png(tiny.resolve("val/images/v.png"), 0);
        Files.writeString(tiny.resolve("val/val_annotations.txt"), "v.png\tn99\t0\t0\t1\t1\n");
        IOException e = assertThrows(IOException.class, () -> ImageFolder.tinyImageNet(tiny, false));
        assertTrue(e.getMessage().contains("line 1 names class n99"), e.getMessage());
    }

    static void writeIdx(Path f, int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) b.putInt(d);
        b.put(data);
        if (!gzip) { Files.write(f, b.array()); return; }
        try (var out = new GZIPOutputStream(Files.newOutputStream(f))) { out.write(b.array()); }
    }

    @Test void idxRawAndGzipWithPadding() throws IOException {
        byte[] img = new byte[2 * 28 * 28];
        img[5 * 28 + 6] = (byte) 200;
        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {2, 28, 28}, img, true);
        writeIdx(dir.resolve("train-labels-idx1-ubyte"), 0x801, new int[] {2}, new byte[] {3, 9}, false);
        ArrayDataset plain = Idx.read(dir, "train", 10, Idx.Options.asIs());
        assertEquals(200, plain.image(0).get(5, 6, 0));
        ArrayDataset cifarLike = Idx.read(dir, "train", 10, Idx.Options.cifarLike());
        Image im = cifarLike.image(0);
        assertEquals(32, im.height());
        assertEquals(3, im.channels());
        assertEquals(200, im.get(7, 8, 2));
        assertArrayEquals(new int[] {3, 9}, cifarLike.labels());
        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {3, 28, 28}, img, true);
        IOException e = assertThrows(IOException.class, () -> Idx.read(dir, "train", 10, Idx.Options.asIs()));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {2, 28, 28}, img, true);
        writeIdx(dir.resolve("train-labels-idx1-ubyte"), 0x801, new int[] {2}, new byte[] {3, 10}, false);
        e = assertThrows(IOException.class, () -> Idx.read(dir, "train", 10, Idx.Options.asIs()));
        assertTrue(e.getMessage().contains("label 10 of record 1"), e.getMessage());
    }

    static void png(Path f, int rgb) throws IOException {
        BufferedImage b = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 6; y++) for (int x = 0; x < 8; x++) b.setRGB(x, y, rgb);
        Files.createDirectories(f.getParent());
        ImageIO.write(b, f.toString().endsWith(".png") ? "png" : "jpg", f.toFile());
    }

    @Test void imageFolderAndTinyImagenet() throws IOException {
        Path root = dir.resolve("tiny-imagenet-200");
        png(root.resolve("train/n02/images/a.png"), 0x102030);
        png(root.resolve("train/n01/images/b.JPEG"), 0x808080);
        png(root.resolve("train/n01/images/c.png"), 0xff0000);
        ImageFolder train = ImageFolder.tinyImageNet(root, true);
        assertEquals(java.util.List.of("n01", "n02"), train.classes());
        assertEquals(3, train.size());
        assertEquals(1, train.label(2));
        assertEquals(0x10, train.image(2).get(0, 0, 0));
        assertEquals(255, train.image(1).get(3, 3, 0));
        png(root.resolve("val/images/v0.png"), 0x00ff00);
        Files.writeString(root.resolve("val/val_annotations.txt"), "v0.png\tn02\t0\t0\t8\t6\n");
        ImageFolder val = ImageFolder.tinyImageNet(root, false);
        assertEquals(1, val.label(0));
        assertEquals(255, val.image(0).get(1, 1, 1));

        Files.createDirectories(root.resolve("train/n03"));
        IOException e = assertThrows(IOException.class, () -> ImageFolder.tinyImageNet(root, true));
        assertTrue(e.getMessage().contains("n03") && e.getMessage().contains("no images"), e.getMessage());
        Files.delete(root.resolve("train/n03"));
        Files.writeString(root.resolve("train/n01/images/broken.png"), "not an image");
        ImageFolder withBroken = ImageFolder.tinyImageNet(root, true);
        int broken = 0;
        while (!withBroken.file(broken).getFileName().toString().equals("broken.png")) broken++;
        int at = broken;
        UncheckedIOException u = assertThrows(UncheckedIOException.class, () -> withBroken.image(at));
        assertTrue(u.getMessage().contains("broken.png"), u.getMessage());
    }

    @Test void embeddedFashionMnistSubset() throws IOException {
        ArrayDataset train = EmbeddedData.fashionMnist(true, Idx.Options.cifarLike()), test = EmbeddedData.fashionMnist(false, Idx.Options.asIs());
        assertEquals(10_000, train.size());
        assertEquals(2_000, test.size());
        int[] counts = new int[10];
        for (int l : train.labels()) counts[l]++;
        for (int c : counts) assertEquals(1000, c);
        assertEquals(32, train.image(0).height());
        assertEquals(28, test.image(0).height());
    }

    /** The full Fashion-MNIST from Debian's dataset-fashion-mnist (.ci/run installs it). */
    @Test void fullFashionMnist() throws IOException {
        Path d = Path.of("/usr/share/datasets/fashion-mnist");
        Requirements.require(Files.isDirectory(d), "the full Fashion-MNIST at " + d, "apt-get install dataset-fashion-mnist");
        ArrayDataset train = Idx.read(d, "train", 10, Idx.Options.asIs()), test = Idx.read(d, "t10k", 10, Idx.Options.asIs());
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        int[] counts = new int[10];
        for (int l : train.labels()) counts[l]++;
        for (int c : counts) assertEquals(6000, c);
        ArrayDataset embedded = EmbeddedData.fashionMnist(true, Idx.Options.asIs());
        assertArrayEquals(train.image(0).pixels(), embedded.image(0).pixels(), "the subset starts with the set's first image");
    }
}
