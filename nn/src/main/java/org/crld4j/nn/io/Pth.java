package org.crld4j.nn.io;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * PyTorch {@code .pth} files in pure Java. Reads both layouts torch.save has written: the zip
 * format of torch >= 1.6 ({@code <root>/data.pkl} plus one {@code <root>/data/<key>} record per
 * storage) and the legacy stream of torch < 1.6 (magic, protocol and system-info pickles, the
 * object pickle, the storage-key list, then each storage as an int64 element count and raw bytes).
 * Tensors come back as float32 {@link Tensor}s, whatever their dtype. Writes the zip format.
 */
public final class Pth {
    private Pth() {}

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

    /** Element types of torch storages. */
    enum DType {
        FLOAT(4), DOUBLE(8), HALF(2), BFLOAT16(2), LONG(8), INT(4), SHORT(2), CHAR(1), BYTE(1), BOOL(1);
        final int size;
        DType(int size) { this.size = size; }

        static DType ofStorage(String name) {
            return switch (name) {
                case "FloatStorage" -> FLOAT;
                case "DoubleStorage" -> DOUBLE;
                case "HalfStorage" -> HALF;
                case "BFloat16Storage" -> BFLOAT16;
                case "LongStorage" -> LONG;
                case "IntStorage" -> INT;
                case "ShortStorage" -> SHORT;
                case "CharStorage" -> CHAR;
                case "ByteStorage" -> BYTE;
                case "BoolStorage" -> BOOL;
                default -> throw new IllegalArgumentException("unsupported storage type torch." + name);
            };
        }
    }

    /** A storage named in the pickle, filled from its record. */
    static final class StorageRef {
        final String key;
        final DType dtype;
        final long numel;
        float[] data;

        StorageRef(String key, DType dtype, long numel) { this.key = key; this.dtype = dtype; this.numel = numel; }
    }

    /** A tensor whose storage may not be read yet (legacy files store data after the pickle). */
    static final class TensorRef {
        final StorageRef storage;
        final int offset;
        final int[] shape, stride;

        TensorRef(StorageRef storage, int offset, int[] shape, int[] stride) {
            this.storage = storage; this.offset = offset; this.shape = shape; this.stride = stride;
        }

        Tensor materialize(String source) {
            long maxIndex = offset;
            for (int i = 0; i < shape.length; i++) if (shape[i] > 0) maxIndex += (long) (shape[i] - 1) * stride[i];
            if (Shapes.numel(shape) > 0 && (offset < 0 || maxIndex >= storage.numel))
                throw new IllegalArgumentException(source + ": tensor " + Shapes.str(shape) + " at offset " + offset + " with strides "
                        + java.util.Arrays.toString(stride) + " reaches past its storage '" + storage.key + "' of " + storage.numel + " elements");
            Tensor out = Tensor.hostZeros(shape); // read on the host; callers move it with to(device)
            float[] o = out.array();
            int[] idx = new int[shape.length];
            for (int e = 0; e < o.length; e++) {
                long p = offset;
                for (int k = 0; k < shape.length; k++) p += (long) idx[k] * stride[k];
                o[e] = storage.data[(int) p];
                for (int k = shape.length - 1; k >= 0 && ++idx[k] == shape[k]; k--) idx[k] = 0;
            }
            return out;
        }
    }

    private static int[] ints(Object o, String what) {
        if (!(o instanceof Unpickler.Tuple t)) throw new IllegalArgumentException(what + " is not a tuple");
        int[] r = new int[t.size()];
        for (int i = 0; i < r.length; i++) r[i] = Math.toIntExact((Long) t.get(i));
        return r;
    }

    /** The globals a state-dict pickle may name. */
    private static Map<String, Function<List<Object>, Object>> torchGlobals() {
        Map<String, Function<List<Object>, Object>> g = new LinkedHashMap<>();
        g.put("collections.OrderedDict", args -> new LinkedHashMap<>());
        g.put("torch._utils._rebuild_tensor_v2", args -> {
            if (!(args.get(0) instanceof StorageRef s)) throw new IllegalArgumentException("_rebuild_tensor_v2 without a storage");
            return new TensorRef(s, Math.toIntExact((Long) args.get(1)), ints(args.get(2), "size"), ints(args.get(3), "stride"));
        });
        g.put("torch._utils._rebuild_tensor", args -> {
            if (!(args.get(0) instanceof StorageRef s)) throw new IllegalArgumentException("_rebuild_tensor without a storage");
            return new TensorRef(s, Math.toIntExact((Long) args.get(1)), ints(args.get(2), "size"), ints(args.get(3), "stride"));
        });
        g.put("torch._utils._rebuild_parameter", args -> args.get(0));
        g.put("torch.nn.parameter.Parameter", args -> args.get(0));
        for (String s : new String[] {"FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage",
                "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage"}) {
            g.put("torch." + s, args -> { throw new IllegalArgumentException("storage types cannot be called"); });
        }
        g.put("torch.Size", args -> args.isEmpty() ? new Unpickler.Tuple(List.of()) : args.get(0));
        return g;
    }

    /** Resolves ('storage', type, key, location, numel[, view_metadata]) persistent ids. */
    private static Function<Object, Object> storages(Map<String, StorageRef> seen, String source) {
        return pid -> {
            if (!(pid instanceof Unpickler.Tuple t) || t.size() < 5 || !"storage".equals(t.get(0)))
                throw new IllegalArgumentException(source + ": unexpected persistent id " + pid);
            if (!(t.get(1) instanceof Unpickler.Global type))
                throw new IllegalArgumentException(source + ": storage type is not a torch storage class");
            String key = String.valueOf(t.get(2));
            long numel = (Long) t.get(4);
            if (t.size() > 5 && t.get(5) != null)
                throw new IllegalArgumentException(source + ": storage views (legacy view_metadata) are not supported");
            return seen.computeIfAbsent(key, k -> new StorageRef(k, DType.ofStorage(type.name()), numel));
        };
    }

    /** Reads a .pth file; tensors become float32 Tensors, dicts LinkedHashMaps, tuples {@link Unpickler.Tuple}. */
    public static Object read(Path file) throws IOException {
        byte[] head = new byte[4];
        try (var s = Files.newInputStream(file)) {
            if (s.readNBytes(head, 0, 4) < 2) throw new IOException(file + ": too short to be a .pth file");
        }
        if (head[0] == 'P' && head[1] == 'K') return readZip(file);
        if ((head[0] & 0xff) == 0x80) return readLegacy(file);
        throw new IOException(file + ": not a PyTorch file (neither a zip archive nor a legacy pickle stream)");
    }

    private static Object readZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl"))
                    .findFirst().orElseThrow(() -> new IOException(file + ": zip archive has no data.pkl"));
            String root = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            Map<String, StorageRef> seen = new LinkedHashMap<>();
            String source = file + "!" + pkl.getName();
            Object obj;
            try (var s = zip.getInputStream(pkl)) {
                obj = load(source, ByteBuffer.wrap(s.readAllBytes()), seen);
            }
            for (StorageRef ref : seen.values()) {
                ZipEntry e = zip.getEntry(root + "data/" + ref.key);
                if (e == null) throw new IOException(file + ": storage record " + root + "data/" + ref.key + " is missing");
                byte[] bytes;
                try (var s = zip.getInputStream(e)) { bytes = s.readAllBytes(); }
                if (bytes.length != ref.numel * ref.dtype.size)
                    throw new IOException(file + ": storage " + e.getName() + " has " + bytes.length + " bytes, but " + ref.numel
                            + " elements of " + ref.dtype + " need " + ref.numel * ref.dtype.size);
                ref.data = decode(bytes, ref.dtype, (int) ref.numel);
            }
            return materialize(obj, file.toString());
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": corrupt or truncated zip archive (" + e.getMessage() + ")", e);
        }
    }

    private static Object load(String source, ByteBuffer buf, Map<String, StorageRef> seen) throws IOException {
        try {
            return new Unpickler(source, buf, torchGlobals(), storages(seen, source)).load();
        } catch (IllegalArgumentException | ArithmeticException | ClassCastException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    private static Object readLegacy(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        String src = file.toString();
        Object magic = new Unpickler(src, buf, Map.of(), null).load();
        if (!(magic instanceof BigInteger mg && mg.equals(LEGACY_MAGIC)))
            throw new IOException(file + ": not a PyTorch legacy file (bad magic number)");
        Object protocol = new Unpickler(src, buf, Map.of(), null).load();
        if (!Long.valueOf(1001).equals(protocol)) throw new IOException(file + ": unsupported legacy protocol " + protocol);
        Object sysInfo = new Unpickler(src, buf, Map.of(), null).load();
        if (sysInfo instanceof Map<?, ?> m && Boolean.FALSE.equals(m.get("little_endian")))
            throw new IOException(file + ": big-endian legacy files are not supported");
        Map<String, StorageRef> seen = new LinkedHashMap<>();
        Object obj = load(src, buf, seen);
        Object keys = new Unpickler(src, buf, Map.of(), null).load();
        if (!(keys instanceof List<?> keyList)) throw new IOException(file + ": storage key list missing");
        for (Object k : keyList) {
            StorageRef ref = seen.get(String.valueOf(k));
            if (ref == null) throw new IOException(file + ": storage " + k + " listed but never referenced");
            if (buf.remaining() < 8) throw new IOException(file + ": truncated before storage " + k);
            long n = buf.getLong();
            if (n != ref.numel) throw new IOException(file + ": storage " + k + " records " + n + " elements, the pickle says " + ref.numel);
            long bytes = n * ref.dtype.size;
            if (bytes > buf.remaining())
                throw new IOException(file + ": truncated: storage " + k + " needs " + bytes + " bytes, " + buf.remaining() + " left");
            byte[] b = new byte[(int) bytes];
            buf.get(b);
            ref.data = decode(b, ref.dtype, (int) n);
        }
        for (StorageRef ref : seen.values())
            if (ref.data == null) throw new IOException(file + ": storage " + ref.key + " has no data");
        return materialize(obj, src);
    }

    private static float[] decode(byte[] bytes, DType t, int n) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = switch (t) {
                case FLOAT -> b.getFloat();
                case DOUBLE -> (float) b.getDouble();
                case HALF -> Float.float16ToFloat(b.getShort());
                case BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                case LONG -> (float) b.getLong();
                case INT -> (float) b.getInt();
                case SHORT -> (float) b.getShort();
                case CHAR -> (float) b.get();
                case BYTE -> (float) (b.get() & 0xff);
                case BOOL -> b.get() != 0 ? 1f : 0f;
            };
        }
        return f;
    }

    /** Replaces TensorRefs by Tensors, recursively. */
    private static Object materialize(Object o, String source) {
        if (o instanceof TensorRef t) return t.materialize(source);
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (var e : m.entrySet()) out.put(e.getKey(), materialize(e.getValue(), source));
            return out;
        }
        if (o instanceof List<?> l) return l.stream().map(x -> materialize(x, source)).collect(java.util.stream.Collectors.toList());
        if (o instanceof Unpickler.Tuple t) return new Unpickler.Tuple(t.items().stream().map(x -> materialize(x, source)).toList());
        return o;
    }

    /**
     * The state dict inside a .pth: the top-level dict if its values are tensors, else the first of
     * "model", "state_dict", "model_state_dict", "net" that is one (mdistiller's teachers keep it
     * under "model"). The keys' "module." prefix (DataParallel) is kept; strip it with
     * {@link #stripPrefix}.
     */
    public static Map<String, Tensor> readStateDict(Path file) throws IOException {
        Object o = read(file);
        Map<String, Tensor> sd = asStateDict(o);
        if (sd != null) return sd;
        if (o instanceof Map<?, ?> m) {
            for (String k : new String[] {"model", "state_dict", "model_state_dict", "net"}) {
                sd = asStateDict(m.get(k));
                if (sd != null) return sd;
            }
            throw new IOException(file + ": no state dict found; top-level keys are " + m.keySet());
        }
        throw new IOException(file + ": holds a " + (o == null ? "None" : o.getClass().getSimpleName()) + ", not a state dict");
    }

    private static Map<String, Tensor> asStateDict(Object o) {
        if (!(o instanceof Map<?, ?> m) || m.isEmpty()) return null;
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) {
            if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof Tensor t)) return null;
            out.put(k, t);
        }
        return out;
    }

    /** Removes a key prefix such as "module." where every key has it. */
    public static Map<String, Tensor> stripPrefix(Map<String, Tensor> sd, String prefix) {
        if (!sd.keySet().stream().allMatch(k -> k.startsWith(prefix))) return sd;
        Map<String, Tensor> out = new LinkedHashMap<>();
        sd.forEach((k, v) -> out.put(k.substring(prefix.length()), v));
        return out;
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes a state dict as torch.save(OrderedDict) does (zip format, pickle protocol 2), so that
     * torch.load reads it; names in {@code integerKeys} are stored as int64 (num_batches_tracked).
     * The file is written to a temporary sibling and renamed into place.
     */
    public static void writeStateDict(Map<String, Tensor> sd, Set<String> integerKeys, Path file) throws IOException {
        String root = "archive/";
        PickleWriter p = new PickleWriter();
        p.proto(2);
        p.global("collections", "OrderedDict");
        p.emptyTuple();
        p.reduce();
        p.mark();
        int key = 0;
        Map<String, byte[]> records = new LinkedHashMap<>();
        for (var e : sd.entrySet()) {
            Tensor t = e.getValue();
            boolean integer = integerKeys.contains(e.getKey());
            String storageKey = Integer.toString(key++);
            records.put(storageKey, encode(t, integer));
            p.unicode(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.mark();
            p.mark();
            p.unicode("storage");
            p.global("torch", integer ? "LongStorage" : "FloatStorage");
            p.unicode(storageKey);
            p.unicode("cpu");
            p.integer(t.numel());
            p.tuple();
            p.binpersid();
            p.integer(0);
            p.intTuple(t.shape());
            p.intTuple(org.crld4j.tensor.Shapes.contiguousStrides(t.shape()));
            p.bool(false);
            p.global("collections", "OrderedDict");
            p.emptyTuple();
            p.reduce();
            p.tuple();
            p.reduce();
        }
        p.setitems();
        p.stop();
        AtomicFile.write(file, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                stored(zip, root + "data.pkl", p.bytes());
                stored(zip, root + "byteorder", "little".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                for (var r : records.entrySet()) stored(zip, root + "data/" + r.getKey(), r.getValue());
                stored(zip, root + "version", "3\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        });
    }

    private static byte[] encode(Tensor t, boolean integer) {
        float[] v = t.toArray();
        ByteBuffer b = ByteBuffer.allocate(v.length * (integer ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            if (integer) b.putLong((long) f);
            else b.putFloat(f);
        }
        return b.array();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** Minimal protocol-2 pickle emitter (state dicts here; test fixtures elsewhere). */
    public static final class PickleWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public void proto(int v) { out.write(0x80); out.write(v); }
        public void out(int opcode) { out.write(opcode); }
        public void raw(byte[] b) { out.writeBytes(b); }
        public void mark() { out.write('('); }
        public void tuple() { out.write('t'); }
        public void emptyTuple() { out.write(')'); }
        public void reduce() { out.write('R'); }
        public void setitems() { out.write('u'); }
        public void binpersid() { out.write('Q'); }
        public void stop() { out.write('.'); }
        public void bool(boolean b) { out.write(b ? 0x88 : 0x89); }

        public void global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }

        public void unicode(String s) {
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
        }

        public void integer(long v) {
            if (v >= 0 && v < 256) { out.write('K'); out.write((int) v); }
            else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                out.write('J');
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            } else {
                out.write(0x8a);
                out.write(8);
                out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            }
        }

        public void intTuple(int[] v) {
            mark();
            for (int x : v) integer(x);
            tuple();
        }

        public byte[] bytes() { return out.toByteArray(); }
    }
}
