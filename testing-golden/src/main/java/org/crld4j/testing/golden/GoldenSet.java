package org.crld4j.testing.golden;

import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of reference tensors in the golden format: {@code manifest.json} listing tensors (name,
 * shape, dtype, file, case, recorded float32 error of PyTorch) and cases (op and parameters), plus
 * raw little-endian {@code *.f32} / {@code *.i32} files. Missing or wrong-size files are errors
 * that name the file.
 */
public final class GoldenSet {
    /** Environment variable that points the tests at another reference set. */
    public static final String ENV = "CRLD4J_GOLDEN_DIR";

    private final Path dir;
    private final Map<String, Map<String, Object>> tensors = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> cases = new LinkedHashMap<>();

    private GoldenSet(Path dir, Map<String, Object> manifest) {
        this.dir = dir;
        for (Object o : list(manifest.get("tensors"), "tensors")) {
            @SuppressWarnings("unchecked") Map<String, Object> t = (Map<String, Object>) o;
            tensors.put((String) t.get("name"), t);
        }
        @SuppressWarnings("unchecked") Map<String, Object> cs = (Map<String, Object>) manifest.get("cases");
        if (cs == null) throw new IllegalArgumentException(dir.resolve("manifest.json") + ": no \"cases\" object");
        for (var e : cs.entrySet()) {
            @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) e.getValue();
            cases.put(e.getKey(), c);
        }
    }

    private List<?> list(Object o, String what) {
        if (!(o instanceof List<?> l)) throw new IllegalArgumentException(dir.resolve("manifest.json") + ": no \"" + what + "\" list");
        return l;
    }

    /** {@code $CRLD4J_GOLDEN_DIR}, else {@code <repo>/../shared/golden} (repo from -Dcrld4j.root, else the working dir). */
    public static Path defaultDir() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return Path.of(env);
        String root = System.getProperty("crld4j.root");
        Path base = root != null && !root.isBlank() ? Path.of(root) : Path.of("").toAbsolutePath();
        return base.resolve("../shared/golden").normalize();
    }

    public static GoldenSet openDefault() { return open(defaultDir()); }

    public static GoldenSet open(Path dir) {
        Path m = dir.resolve("manifest.json");
        if (!Files.isRegularFile(m))
            throw new IllegalStateException("golden manifest not found: " + m.toAbsolutePath()
                    + " (set " + ENV + " to a directory holding manifest.json)");
        try {
            @SuppressWarnings("unchecked") Map<String, Object> manifest = (Map<String, Object>) Json.parse(Files.readString(m));
            return new GoldenSet(dir, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + m, e);
        }
    }

    public Path dir() { return dir; }

    public Map<String, Map<String, Object>> cases() { return cases; }

    public Map<String, Object> spec(String caseName) {
        Map<String, Object> c = cases.get(caseName);
        if (c == null) throw new IllegalArgumentException("golden case '" + caseName + "' not in " + dir.resolve("manifest.json"));
        return c;
    }

    public boolean has(String name) { return tensors.containsKey(name); }

    private Map<String, Object> entry(String name) {
        Map<String, Object> t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("golden tensor '" + name + "' not in " + dir.resolve("manifest.json"));
        return t;
    }

    /** Path of a tensor's file, or of a non-tensor entry such as a .pth. */
    public Path file(String name) {
        Path p = dir.resolve((String) entry(name).get("file"));
        if (!Files.isRegularFile(p)) throw new IllegalStateException("golden file missing: " + p.toAbsolutePath());
        return p;
    }

    public int[] shape(String name) {
        List<?> s = list(entry(name).get("shape"), "shape of " + name);
        int[] r = new int[s.size()];
        for (int i = 0; i < r.length; i++) r[i] = ((Number) s.get(i)).intValue();
        return r;
    }

    /** Deviation of plain float32 PyTorch from the float64 reference (0 if not recorded). */
    public double torchAbsErr(String name) { return num(entry(name).get("torch_f32_max_abs_err")); }

    public double torchRelErr(String name) { return num(entry(name).get("torch_f32_max_rel_err")); }

    private static double num(Object o) { return o instanceof Number n ? n.doubleValue() : 0.0; }

    /** Reads a float32 (or int32, converted) tensor. */
    public Tensor tensor(String name) {
        Map<String, Object> e = entry(name);
        int[] shape = shape(name);
        Path p = file(name);
        String dtype = (String) e.getOrDefault("dtype", "float32");
        int n = org.crld4j.tensor.Shapes.numel(shape);
        try {
            byte[] bytes = Files.readAllBytes(p);
            if (bytes.length != 4L * n)
                throw new IllegalStateException("golden file " + p + " has " + bytes.length + " bytes; shape "
                        + java.util.Arrays.toString(shape) + " of " + dtype + " needs " + 4L * n);
            ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[n];
            switch (dtype) {
                case "float32" -> bb.asFloatBuffer().get(v);
                case "int32" -> { for (int i = 0; i < n; i++) v[i] = bb.getInt(); }
                default -> throw new IllegalStateException("golden tensor " + name + " in " + p + ": unsupported dtype " + dtype);
            }
            return Tensor.of(v, shape);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + p, ex);
        }
    }

    /**
     * Checks {@code actual} against the reference tensor {@code name}:
     * |actual - expected| <= atol + rtol * |expected| elementwise, with rtol = 1e-4 and
     * atol = max(1e-5, 2 * the recorded float32 error of PyTorch). Throws an AssertionError naming
     * the tensor, the worst element and both shapes.
     */
    public void assertClose(String name, Tensor actual) { assertClose(name, actual, 1e-4, 1e-5); }

    public void assertClose(String name, Tensor actual, double rtol, double minAtol) {
        Tensor expected = tensor(name);
        if (!java.util.Arrays.equals(expected.shape(), actual.shape()))
            throw new AssertionError(name + ": shape " + java.util.Arrays.toString(actual.shape())
                    + " but the reference has " + java.util.Arrays.toString(expected.shape()));
        double atol = Math.max(minAtol, 2 * torchAbsErr(name));
        float[] e = expected.toArray(), a = actual.toArray();
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < e.length; i++) {
            double diff = Math.abs((double) a[i] - e[i]);
            double excess = diff - (atol + rtol * Math.abs(e[i]));
            if (Double.isNaN(diff) || excess > worstExcess) { worstExcess = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : excess; worst = i; }
        }
        if (worst >= 0)
            throw new AssertionError(String.format("%s: element %d is %.9g, reference %.9g (|diff| %.3g > atol %.3g + rtol %.3g * |ref|)",
                    name, worst, a[worst], e[worst], Math.abs((double) a[worst] - e[worst]), atol, rtol));
    }
}
