package org.crld4j.nn.data;

import org.crld4j.nn.io.Unpickler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads pickles of dicts holding numpy arrays and lists (the python form of CIFAR, as torchvision
 * users have it on disk) with the safe {@link Unpickler}: only numpy's array reconstruction, numpy
 * dtypes and {@code _codecs.encode} (how Python 3 pickles bytes at protocol 2) are allowed.
 */
public final class NumpyPickle {
    private NumpyPickle() {}

    /** A reconstructed numpy array: shape, dtype string (e.g. "u1", "<i8") and raw little-endian bytes. */
    public static final class NdArray implements Unpickler.Buildable {
        public int[] shape = new int[0];
        public String dtype = "";
        public byte[] data = new byte[0];

        @Override public void setState(Object state) {
            if (!(state instanceof Unpickler.Tuple t) || t.size() < 5)
                throw new IllegalArgumentException("unexpected numpy array state " + state);
            Unpickler.Tuple s = (Unpickler.Tuple) t.get(1);
            shape = new int[s.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = Math.toIntExact((Long) s.get(i));
            if (!(t.get(2) instanceof Dtype d)) throw new IllegalArgumentException("numpy array without a dtype");
            dtype = d.code;
            if (Boolean.TRUE.equals(t.get(3)) && shape.length > 1)
                throw new IllegalArgumentException("Fortran-ordered numpy arrays are not supported");
            Object raw = t.get(4);
            if (raw instanceof byte[] b) data = b;
            else if (raw instanceof String str) data = str.getBytes(StandardCharsets.ISO_8859_1); // Python 2 str
            else throw new IllegalArgumentException("numpy object arrays are not supported");
            long need = (long) itemSize() * numel();
            if (data.length != need)
                throw new IllegalArgumentException("numpy array " + java.util.Arrays.toString(shape) + " of " + dtype + " needs " + need
                        + " bytes, the pickle holds " + data.length);
        }

        public long numel() { long n = 1; for (int s : shape) n *= s; return n; }

        public int itemSize() {
            String c = dtype.replaceAll("[<>|=]", "");
            return switch (c) {
                case "u1", "i1", "b1" -> 1;
                case "i2", "u2", "f2" -> 2;
                case "i4", "u4", "f4" -> 4;
                case "i8", "u8", "f8" -> 8;
                default -> throw new IllegalArgumentException("unsupported numpy dtype " + dtype);
            };
        }

        /** Values as longs (integer dtypes). */
        public long[] longs() {
            ByteBuffer b = ByteBuffer.wrap(data).order(dtype.startsWith(">") ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
            long[] v = new long[(int) numel()];
            String c = dtype.replaceAll("[<>|=]", "");
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (c) {
                    case "u1" -> b.get() & 0xff;
                    case "i1" -> b.get();
                    case "i2" -> b.getShort();
                    case "u2" -> b.getShort() & 0xffff;
                    case "i4" -> b.getInt();
                    case "u4" -> b.getInt() & 0xffffffffL;
                    case "i8", "u8" -> b.getLong();
                    default -> throw new IllegalArgumentException("numpy dtype " + dtype + " is not an integer type");
                };
            }
            return v;
        }
    }

    /** numpy.dtype(code, align, copy); BUILD supplies the byte order. */
    static final class Dtype implements Unpickler.Buildable {
        String code;
        Dtype(String code) { this.code = code; }

        @Override public void setState(Object state) {
            if (state instanceof Unpickler.Tuple t && t.size() > 1 && t.get(1) instanceof String order && !order.equals("|"))
                code = order + code;
        }
    }

    static Map<String, Function<List<Object>, Object>> globals() {
        Map<String, Function<List<Object>, Object>> g = new LinkedHashMap<>();
        Function<List<Object>, Object> reconstruct = args -> {
            if (args.isEmpty() || !(args.get(0) instanceof Unpickler.Global cls && cls.qualified().equals("numpy.ndarray"))) throw new IllegalArgumentException("_reconstruct of something other than numpy.ndarray");
            return new NdArray();
        };
        g.put("numpy.core.multiarray._reconstruct", reconstruct);
        g.put("numpy._core.multiarray._reconstruct", reconstruct);
        g.put("numpy.ndarray", args -> { throw new IllegalArgumentException("numpy.ndarray is only a class marker"); });
        g.put("numpy.dtype", args -> new Dtype(String.valueOf(args.get(0))));
        g.put("_codecs.encode", args -> {
            if (args.size() != 2 || !(args.get(0) instanceof String s) || !"latin1".equals(args.get(1)))
                throw new IllegalArgumentException("_codecs.encode only decodes latin1 strings");
            return s.getBytes(StandardCharsets.ISO_8859_1);
        });
        return g;
    }

    /** Loads a pickled dict; keys (str or bytes) become Strings. */
    public static Map<String, Object> readDict(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("pickle file not found: " + file);
        Object o = new Unpickler(file.toString(), ByteBuffer.wrap(Files.readAllBytes(file)), globals(), null).load();
        if (!(o instanceof Map<?, ?> m)) throw new IOException(file + ": expected a pickled dict, found " + (o == null ? "None" : o.getClass().getSimpleName()));
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) {
            Object k = e.getKey();
            out.put(k instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(k), e.getValue());
        }
        return out;
    }
}
