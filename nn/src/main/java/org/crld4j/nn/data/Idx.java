package org.crld4j.nn.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * IDX files (MNIST, Fashion-MNIST), raw or gzip: {@code train-images-idx3-ubyte[.gz]} etc.
 * Grayscale images can be zero-padded to 32x32 and replicated to three channels so the CIFAR
 * zoo applies unchanged.
 */
public final class Idx {
    private Idx() {}

    /** How to shape the grayscale images. */
    public record Options(boolean padTo32, boolean threeChannels) {
        public static Options asIs() { return new Options(false, false); }
        public static Options cifarLike() { return new Options(true, true); }
    }

    /** Reads {@code <dir>/<prefix>-images-idx3-ubyte[.gz]} and the matching labels; prefix "train" or "t10k". */
    public static ArrayDataset read(Path dir, String prefix, int classes, Options opt) throws IOException {
        Path images = find(dir, prefix + "-images-idx3-ubyte"), labels = find(dir, prefix + "-labels-idx1-ubyte");
        try (InputStream im = Files.newInputStream(images); InputStream lab = Files.newInputStream(labels)) {
            return read(images.toString(), im, labels.toString(), lab, classes, opt);
        }
    }

    /** The same from streams (names end in ".gz" for gzip data and are used in messages). */
    public static ArrayDataset read(String images, InputStream imageStream, String labels, InputStream labelStream,
                                    int classes, Options opt) throws IOException {
        int[][] imgShape = new int[1][];
        byte[] px = readIdx(images, imageStream, 0x0803, imgShape);
        int[][] labShape = new int[1][];
        byte[] lb = readIdx(labels, labelStream, 0x0801, labShape);
        int n = imgShape[0][0], h = imgShape[0][1], w = imgShape[0][2];
        if (labShape[0][0] != n)
            throw new IOException(labels + ": " + labShape[0][0] + " labels for " + n + " images in " + images);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = lb[i] & 0xff;
            if (y[i] >= classes) throw new IOException(labels + ": label " + y[i] + " of record " + i + " is outside [0, " + classes + ")");
        }
        int oh = opt.padTo32 ? Math.max(32, h) : h, ow = opt.padTo32 ? Math.max(32, w) : w, c = opt.threeChannels ? 3 : 1;
        int top = (oh - h) / 2, left = (ow - w) / 2;
        byte[] out = new byte[n * oh * ow * c];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < h; r++)
                for (int q = 0; q < w; q++) {
                    byte v = px[(i * h + r) * w + q];
                    int base = ((i * oh + r + top) * ow + q + left) * c;
                    for (int k = 0; k < c; k++) out[base + k] = v;
                }
        return new ArrayDataset(out, y, oh, ow, c, classes, images);
    }

    private static Path find(Path dir, String stem) throws IOException {
        for (String name : new String[] {stem, stem + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IOException("IDX file " + dir.resolve(stem) + "[.gz] not found");
    }

    /** Reads an unsigned-byte IDX file with the expected magic; returns the data, fills dims. */
    static byte[] readIdx(String file, InputStream raw, int magic, int[][] dims) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                file.endsWith(".gz") ? new GZIPInputStream(raw) : raw))) {
            int m = in.readInt();
            if (m != magic)
                throw new IOException(file + ": magic 0x" + Integer.toHexString(m) + ", expected 0x" + Integer.toHexString(magic) + " (unsigned-byte IDX)");
            int nd = m & 0xff;
            int[] d = new int[nd];
            long total = 1;
            for (int i = 0; i < nd; i++) {
                d[i] = in.readInt();
                if (d[i] < 0) throw new IOException(file + ": negative dimension " + d[i]);
                total *= d[i];
            }
            if (total > Integer.MAX_VALUE) throw new IOException(file + ": too large (" + total + " bytes)");
            byte[] data = new byte[(int) total];
            try {
                in.readFully(data);
            } catch (EOFException e) {
                throw new IOException(file + ": truncated: header promises " + total + " bytes of data", e);
            }
            if (in.read() != -1) throw new IOException(file + ": trailing bytes after " + total + " bytes of data");
            dims[0] = d;
            return data;
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        }
    }
}
