package org.crld4j.nn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CIFAR-10 and CIFAR-100 in both distributed forms, found under the given directory or its
 * standard sub-directories: binary ({@code cifar-10-batches-bin/data_batch_N.bin, test_batch.bin};
 * {@code cifar-100-binary/train.bin, test.bin}: records of label byte(s) and 3072 channel-planar
 * pixels) and python ({@code cifar-10-batches-py/data_batch_N, test_batch};
 * {@code cifar-100-python/train, test}: pickled dicts with a uint8 "data" array and label lists).
 * Images come out 32x32x3 HWC; CIFAR-100 uses the fine labels.
 */
public final class Cifar {
    private Cifar() {}

    static final int SIDE = 32, PIXELS = SIDE * SIDE * 3;

    public static ArrayDataset load(Path dir, boolean cifar100, boolean train) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("CIFAR directory not found: " + dir);
        List<Path> candidates = List.of(dir, dir.resolve(cifar100 ? "cifar-100-binary" : "cifar-10-batches-bin"),
                dir.resolve(cifar100 ? "cifar-100-python" : "cifar-10-batches-py"));
        for (Path d : candidates) {
            List<Path> bin = binaryFiles(d, cifar100, train);
            if (bin != null) return readBinary(bin, cifar100);
            List<Path> py = pythonFiles(d, cifar100, train);
            if (py != null) return readPython(py, cifar100);
        }
        throw new IOException("no CIFAR-" + (cifar100 ? "100" : "10") + " " + (train ? "training" : "test") + " files under " + dir
                + " (expected " + (cifar100 ? "train.bin/test.bin or cifar-100-python/train,test" : "data_batch_1..5.bin/test_batch.bin or cifar-10-batches-py") + ")");
    }

    private static List<Path> binaryFiles(Path d, boolean cifar100, boolean train) {
        List<Path> files = new ArrayList<>();
        if (cifar100) files.add(d.resolve(train ? "train.bin" : "test.bin"));
        else if (train) for (int i = 1; i <= 5; i++) files.add(d.resolve("data_batch_" + i + ".bin"));
        else files.add(d.resolve("test_batch.bin"));
        return files.stream().allMatch(Files::isRegularFile) ? files : null;
    }

    private static List<Path> pythonFiles(Path d, boolean cifar100, boolean train) {
        List<Path> files = new ArrayList<>();
        if (cifar100) files.add(d.resolve(train ? "train" : "test"));
        else if (train) for (int i = 1; i <= 5; i++) files.add(d.resolve("data_batch_" + i));
        else files.add(d.resolve("test_batch"));
        return files.stream().allMatch(Files::isRegularFile) ? files : null;
    }

    /** Channel-planar row (1024 R, 1024 G, 1024 B) to HWC. */
    private static void planarToHwc(byte[] src, int srcOff, byte[] dst, int dstOff) {
        for (int p = 0; p < SIDE * SIDE; p++)
            for (int c = 0; c < 3; c++) dst[dstOff + p * 3 + c] = src[srcOff + c * SIDE * SIDE + p];
    }

    static ArrayDataset readBinary(List<Path> files, boolean cifar100) throws IOException {
        int labelBytes = cifar100 ? 2 : 1, record = labelBytes + PIXELS, classes = cifar100 ? 100 : 10;
        List<byte[]> all = new ArrayList<>();
        long n = 0;
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            if (b.length == 0 || b.length % record != 0)
                throw new IOException(f + ": " + b.length + " bytes is not a whole number of " + record + "-byte CIFAR-" + classes
                        + " records (truncated or wrong file?)");
            all.add(b);
            n += b.length / record;
        }
        byte[] px = new byte[(int) n * PIXELS];
        int[] labels = new int[(int) n];
        int i = 0;
        for (int fi = 0; fi < files.size(); fi++) {
            byte[] b = all.get(fi);
            for (int r = 0; r < b.length / record; r++, i++) {
                int label = b[r * record + labelBytes - 1] & 0xff;
                if (label >= classes)
                    throw new IOException(files.get(fi) + ": record " + r + " has label " + label + ", outside [0, " + classes + ")");
                labels[i] = label;
                planarToHwc(b, r * record + labelBytes, px, i * PIXELS);
            }
        }
        return new ArrayDataset(px, labels, SIDE, SIDE, 3, classes, String.join(", ", files.stream().map(Path::toString).toList()));
    }

    static ArrayDataset readPython(List<Path> files, boolean cifar100) throws IOException {
        int classes = cifar100 ? 100 : 10;
        List<byte[]> data = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        long n = 0;
        for (Path f : files) {
            Map<String, Object> d = NumpyPickle.readDict(f);
            if (!(d.get("data") instanceof NumpyPickle.NdArray a))
                throw new IOException(f + ": no numpy 'data' array; keys are " + d.keySet());
            if (a.shape.length != 2 || a.shape[1] != PIXELS || !a.dtype.endsWith("u1"))
                throw new IOException(f + ": 'data' is " + a.dtype + java.util.Arrays.toString(a.shape) + ", expected uint8 [N, 3072]");
            Object l = d.get(cifar100 ? "fine_labels" : "labels");
            if (!(l instanceof List<?> list)) throw new IOException(f + ": no '" + (cifar100 ? "fine_labels" : "labels") + "' list");
            if (list.size() != a.shape[0]) throw new IOException(f + ": " + list.size() + " labels for " + a.shape[0] + " images");
            int[] y = new int[list.size()];
            for (int i = 0; i < y.length; i++) {
                long v = (Long) list.get(i);
                if (v < 0 || v >= classes) throw new IOException(f + ": record " + i + " has label " + v + ", outside [0, " + classes + ")");
                y[i] = (int) v;
            }
            data.add(a.data);
            labels.add(y);
            n += y.length;
        }
        byte[] px = new byte[(int) n * PIXELS];
        int[] all = new int[(int) n];
        int i = 0;
        for (int fi = 0; fi < data.size(); fi++) {
            int[] y = labels.get(fi);
            for (int r = 0; r < y.length; r++, i++) {
                all[i] = y[r];
                planarToHwc(data.get(fi), r * PIXELS, px, i * PIXELS);
            }
        }
        return new ArrayDataset(px, all, SIDE, SIDE, 3, classes, String.join(", ", files.stream().map(Path::toString).toList()));
    }
}
