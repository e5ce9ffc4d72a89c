package org.crld4j.nn.io;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.io.Json;
import org.crld4j.tensor.io.JsonWriter;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * crld4j's own checkpoint: named float32 tensors plus JSON metadata (epoch, RNG state, config,
 * anything the trainer needs for an exact resume). Layout, little-endian:
 * <pre>
 *   "CRLD4JCK"  int32 version  int32 headerLength  header (UTF-8 JSON: meta + tensor names/shapes)
 *   tensor data (float32, in header order)   int64 CRC32 of everything before it
 * </pre>
 * Saving goes through a temporary file, fsync and an atomic rename: a crash never leaves a
 * truncated checkpoint under the target name. Loading verifies magic, version, sizes and checksum.
 */
public final class Checkpoint {
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "CRLD4JCK".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, Tensor> tensors;
    private final Map<String, Object> meta;

    public Checkpoint(Map<String, Tensor> tensors, Map<String, Object> meta) {
        this.tensors = new LinkedHashMap<>(tensors);
        this.meta = new LinkedHashMap<>(meta);
    }

    public Map<String, Tensor> tensors() { return tensors; }
    public Map<String, Object> meta() { return meta; }

    /** Tensors whose names start with prefix, with the prefix removed (e.g. "model."). */
    public Map<String, Tensor> section(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> { if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v); });
        return out;
    }

    public void save(Path file) throws IOException {
        List<Object> index = new ArrayList<>();
        for (var e : tensors.entrySet()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", e.getKey());
            List<Object> shape = new ArrayList<>();
            for (int s : e.getValue().shape()) shape.add(s);
            t.put("shape", shape);
            index.add(t);
        }
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("meta", meta);
        header.put("tensors", index);
        byte[] head = JsonWriter.write(header).getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, raw -> {
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new java.util.zip.CheckedOutputStream(raw, crc));
            out.write(MAGIC);
            out.write(le(VERSION));
            out.write(le(head.length));
            out.write(head);
            for (Tensor t : tensors.values()) {
                float[] v = t.toArray();
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                out.write(b.array());
            }
            out.flush();
            raw.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(crc.getValue()).array());
            raw.flush();
        });
    }

    private static byte[] le(int v) { return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array(); }

    public static Checkpoint load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("checkpoint not found: " + file);
        byte[] all = Files.readAllBytes(file);
        if (all.length < MAGIC.length + 16 || !java.util.Arrays.equals(java.util.Arrays.copyOf(all, MAGIC.length), MAGIC))
            throw new IOException(file + ": not a crld4j checkpoint (bad magic)");
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        if (b.getLong(all.length - 8) != crc.getValue())
            throw new IOException(file + ": checksum mismatch: the checkpoint is truncated or corrupt");
        b.position(MAGIC.length);
        int version = b.getInt();
        if (version != VERSION) throw new IOException(file + ": checkpoint version " + version + " is not supported (expected " + VERSION + ")");
        int headLen = b.getInt();
        if (headLen < 0 || headLen > b.remaining() - 8) throw new IOException(file + ": header length " + headLen + " is invalid");
        byte[] head = new byte[headLen];
        b.get(head);
        @SuppressWarnings("unchecked") Map<String, Object> header = (Map<String, Object>) Json.parse(new String(head, StandardCharsets.UTF_8));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Object o : (List<?>) header.get("tensors")) {
            Map<?, ?> t = (Map<?, ?>) o;
            List<?> s = (List<?>) t.get("shape");
            int[] shape = new int[s.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = ((Number) s.get(i)).intValue();
            int n = Shapes.numel(shape);
            if ((long) n * 4 > b.remaining() - 8)
                throw new IOException(file + ": tensor '" + t.get("name") + "' " + Shapes.str(shape) + " runs past the end of the file");
            float[] v = new float[n];
            b.asFloatBuffer().get(v);
            b.position(b.position() + 4 * n);
            tensors.put((String) t.get("name"), Tensor.wrap(v, shape));
        }
        if (b.remaining() != 8) throw new IOException(file + ": " + (b.remaining() - 8) + " unexpected bytes after the tensors");
        @SuppressWarnings("unchecked") Map<String, Object> meta = (Map<String, Object>) header.get("meta");
        return new Checkpoint(tensors, meta);
    }
}
