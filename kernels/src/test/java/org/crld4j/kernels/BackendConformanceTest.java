package org.crld4j.kernels;

import org.crld4j.tensor.Backend;
import org.crld4j.tensor.Backends;
import org.crld4j.tensor.Device;
import org.crld4j.tensor.DeviceProvider;
import org.crld4j.tensor.Devices;
import org.crld4j.tensor.ReferenceBackend;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Storage;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.BatchNormGrads;
import org.crld4j.tensor.ops.BatchNormResult;
import org.crld4j.tensor.ops.BinaryOp;
import org.crld4j.tensor.ops.ConvBnEval;
import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.ops.CrossEntropyResult;
import org.crld4j.tensor.ops.PoolResult;
import org.crld4j.tensor.ops.PoolWindow;
import org.crld4j.tensor.ops.ReduceOp;
import org.crld4j.tensor.ops.SgdParams;
import org.crld4j.tensor.ops.UnaryOp;
import org.crld4j.testing.Requirements;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The backend conformance suite: every method of {@link Backend}, forward and backward, on every
 * backend {@link Backends#available()} finds (the reference excepted) and on every device of every
 * accelerator {@link DeviceProvider} (OpenCL), against
 * {@link ReferenceBackend}, on awkward shapes and layouts. Each case draws its inputs from a
 * {@link Rng} seeded by its own name, runs once on the reference (host) and once on the backend
 * under test (inputs moved to the backend's device, the device its {@link Backend#allocate}
 * storage reports), and compares every output within the tolerance the backend declares for that
 * op family in {@link #TOLERANCES}. A backend joins by being on the test class path (a
 * ServiceLoader entry) plus one line in that map; an undeclared backend fails the suite.
 * The suite also runs on {@link #FAKE}, a non-host device whose storage refuses {@code array()},
 * which checks that the suite itself reads device results only through {@code toArray()}, and
 * checks that tensors of two devices fail naming both.
 */
class BackendConformanceTest {
    // ================================================================ tolerances

    /** Op families: each backend declares one tolerance per family. */
    enum Family { ELEMENTWISE, REDUCTION, INDEXING, MATMUL, CONV, CONV_BN_EVAL, POOLING, BATCH_NORM, SOFTMAX, RELU, LOSS, SGD }

    /** Pass when |actual - reference| <= abs + rel * |reference|; {@link #EXACT}: the same float bits (any NaN alike, -0 != +0). */
    record Tol(double rel, double abs) {
        static final Tol EXACT = new Tol(0, 0);

        boolean exact() { return rel == 0 && abs == 0; }

        @Override public String toString() { return exact() ? "exact (same bits)" : abs + " + " + rel + " * |reference|"; }
    }

    /**
     * The CPU kernels reorder and fuse float sums (SGEMM panels with FMA, Winograd transforms,
     * im2col blocks) where the reference sums each dot product in order (matmul) or in double
     * (convolution): the tolerance ConvKernelTest and LayerKernelTest have always used.
     */
    static final Tol CPU_FLOAT_SUMS = new Tol(1e-4, 1e-4);

    /**
     * Tolerance per backend (by {@link Backend#name()}) and op family. {@code cpu}: exact where it
     * inherits the reference loops (elementwise, reductions, indexing, losses, SGD; pooling and
     * softmax run the same loops over a pool; ReLU is a vector max, exact by construction) and
     * {@link #CPU_FLOAT_SUMS} where its kernels sum in another order (SGEMM, convolution, the
     * fused conv-BN, batch norm's float lanes and FMA against the reference's double).
     */
    static final Map<String, Map<Family, Tol>> TOLERANCES = Map.of(
            "cpu", exactExcept(Map.of(Family.MATMUL, CPU_FLOAT_SUMS, Family.CONV, CPU_FLOAT_SUMS,
                    Family.CONV_BN_EVAL, CPU_FLOAT_SUMS, Family.BATCH_NORM, CPU_FLOAT_SUMS)),
            "opencl", openclTolerances());

    /**
     * {@code opencl} (every device of the OpenCL runtime): OpenCL C's exp, log and pow are not
     * correctly rounded (up to 3, 3 and 16 ulp) where the reference rounds Java's double results;
     * reductions sum in float over a fixed tree where the reference sums in double; SGEMM
     * accumulates with fma in k order where the reference rounds each product. The families its
     * kernels do not cover yet are in {@link #PENDING}, with the tolerance they are to meet.
     */
    static Map<Family, Tol> openclTolerances() {
        Tol loosest = new Tol(1e-4, 1e-5);
        Map<Family, Tol> m = new EnumMap<>(Family.class);
        for (Family f : Family.values()) m.put(f, loosest);
        m.put(Family.ELEMENTWISE, new Tol(1e-6, 1e-30));
        m.put(Family.INDEXING, Tol.EXACT);
        m.put(Family.REDUCTION, new Tol(1e-5, 1e-6));
        m.put(Family.MATMUL, new Tol(1e-5, 1e-5));
        m.put(Family.RELU, Tol.EXACT);
        m.put(Family.SGD, Tol.EXACT);
        return m;
    }

    /**
     * Families a backend does not implement yet: their cases must fail with an
     * UnsupportedOperationException saying "not implemented yet" (reported as skipped; never a
     * silent host fallback), and a case that runs is compared with the declared tolerance.
     */
    static final Map<String, Set<Family>> PENDING = Map.of(); // every backend on the class path implements every family

    static Map<Family, Tol> exactExcept(Map<Family, Tol> loose) {
        Map<Family, Tol> m = new EnumMap<>(Family.class);
        for (Family f : Family.values()) m.put(f, loose.getOrDefault(f, Tol.EXACT));
        return m;
    }

    /** The declared tolerances of a backend; one not in {@link #TOLERANCES} fails, saying what to add. */
    static Map<Family, Tol> tolerancesFor(String backend) {
        Map<Family, Tol> t = TOLERANCES.get(backend);
        if (t == null)
            throw new AssertionError("backend '" + backend + "' must declare its conformance tolerance: add one line to "
                    + "BackendConformanceTest.TOLERANCES, e.g. \"" + backend + "\", exactExcept(Map.of(Family.MATMUL, new Tol(1e-4, 1e-4), ...)) "
                    + "(families: " + Arrays.toString(Family.values()) + ")");
        return t;
    }

    // ================================================================ the suite

    static final ReferenceBackend REFERENCE = new ReferenceBackend();
    static final float EPS = 1e-5f;

    @TestFactory
    Stream<DynamicNode> everyBackendMatchesTheReference() {
        List<Backend> all = Backends.available();
        List<String> names = all.stream().map(Backend::name).toList();
        DynamicTest found = dynamicTest("backends on the class path: " + names, () -> {
            assertTrue(names.contains("reference"), "available() must include the reference backend: " + names);
            assertTrue(names.contains("cpu"), "the kernels module's cpu backend must be found by ServiceLoader: " + names);
            assertEquals(new LinkedHashSet<>(names).size(), names.size(), "backend names must be unique: " + names);
        });
        Stream<DynamicNode> suites = all.stream().filter(b -> !b.name().equals("reference"))
                .map(b -> TOLERANCES.containsKey(b.name())
                        ? suite(b.name(), b, TOLERANCES.get(b.name()), Set.of())
                        : dynamicContainer(b.name(), Stream.of(dynamicTest("declares its tolerance", () -> tolerancesFor(b.name())))));
        return Stream.concat(Stream.of(found), suites);
    }

    /** The suite again on a device that is not the host: the reference loops behind {@link #FAKE}, so everything must match exactly. */
    @TestFactory
    Stream<DynamicNode> theSuiteRunsOnANonHostDevice() {
        return Stream.of(suite(FAKE.name(), FAKE.backend(), exactExcept(Map.of()), Set.of()));
    }

    /**
     * The suite on every device of every accelerator provider ({@link Devices#providers()}: OpenCL).
     * A provider with no device present skips locally and fails in CI ({@link Requirements}).
     */
    @TestFactory
    Stream<DynamicNode> everyAcceleratorDeviceMatchesTheReference() {
        return Devices.providers().stream().map(p -> {
            DeviceProvider.Inventory inv = p.inventory();
            if (inv.devices().isEmpty())
                return dynamicTest(p.kind() + ": a device is present", () -> Requirements.require(false,
                        "a " + p.kind() + " device (" + String.join("; ", inv.notes()) + ")", "for OpenCL on the CPU: apt-get install pocl-opencl-icd"));
            return dynamicContainer(p.kind(), inv.devices().stream().map(info -> {
                Device d = Devices.get(info.id());
                Backend b = d.backend();
                return suite(d.name() + " (" + info.name() + ")", b, tolerancesFor(b.name()), PENDING.getOrDefault(b.name(), Set.of()));
            }));
        });
    }

    @Test
    void aBackendWithoutDeclaredToleranceFailsTheSuite() {
        AssertionError e = assertThrows(AssertionError.class, () -> tolerancesFor("newcomer"));
        assertTrue(e.getMessage().contains("'newcomer' must declare its conformance tolerance"), e.getMessage());
        for (Backend b : Backends.available())
            if (!b.name().equals("reference")) tolerancesFor(b.name());
    }

    /** All cases for one backend, grouped by family, then the checks that every Backend method was called. */
    static DynamicNode suite(String who, Backend raw, Map<Family, Tol> tols, Set<Family> pending) {
        Set<String> called = new TreeSet<>();
        Backend b = recording(raw, called);
        Device dev = raw.allocate(1).device();
        Map<Family, double[]> worst = new EnumMap<>(Family.class);
        List<Case> all = cases();
        Map<Family, List<Case>> byFamily = new EnumMap<>(Family.class);
        for (Case k : all) byFamily.computeIfAbsent(k.family(), f -> new ArrayList<>()).add(k);
        List<DynamicNode> nodes = new ArrayList<>();
        nodes.add(dynamicContainer("backend", backendChecks(who, b, dev)));
        for (var e : byFamily.entrySet()) {
            Tol tol = tols.get(e.getKey());
            boolean later = pending.contains(e.getKey());
            nodes.add(dynamicContainer(e.getKey().name().toLowerCase() + " (" + tol + (later ? ", pending" : "") + ")", e.getValue().stream()
                    .map(k -> dynamicTest(k.name(), () -> {
                        if (later) conformOrPending(who, b, dev, tol, k, worst, called);
                        else conform(who, b, dev, tol, k, worst);
                    }))));
        }
        // a device's reductions and scatters are the work-group trees and loops to check for a fixed order
        Set<Family> repeated = dev.isHost() ? PARALLEL : union(PARALLEL, Set.of(Family.REDUCTION, Family.INDEXING));
        List<Case> parallel = all.stream().filter(k -> repeated.contains(k.family()) && !pending.contains(k.family())).toList();
        List<DynamicNode> repeat = new ArrayList<>(List.of(
                dynamicTest("one thread (setThreads(1)) still conforms, and the count is restored", () -> {
                    int t0 = b.threads();
                    assertTrue(t0 >= 1, who + ": threads() = " + t0);
                    try {
                        b.setThreads(1);
                        assertEquals(1, b.threads(), who + ": threads() after setThreads(1)");
                        for (Case k : parallel) conform(who + " (1 thread)", b, dev, tols.get(k.family()), k, null);
                    } finally {
                        b.setThreads(t0);
                    }
                    assertEquals(t0, b.threads(), who + ": threads() after restoring");
                }),
                dynamicTest("two runs of the same case are bit-identical", () -> {
                    for (Case k : parallel)
                        compare(who + " (second run)", k, Tol.EXACT, dev, run(who, k, b, dev, false), run(who, k, b, dev, false), null);
                })));
        if (raw.convBnEval() != null) // the capability is optional: checked where a backend offers it
            repeat.add(dynamicTest("convBnEval equals the backend's own conv2d -> batchNorm -> add -> relu bit for bit", () -> {
                List<String> waiting = new ArrayList<>(); // cases whose separate ops include one still pending (e.g. relu)
                for (Case k : all)
                    if (k.family() == Family.CONV_BN_EVAL) {
                        Map<String, Out> separate;
                        try {
                            separate = run(who, k, b, dev, true);
                        } catch (AssertionError e) {
                            if (pendingMessage(e) == null) throw e;
                            waiting.add(k.name() + " (" + pendingMessage(e) + ")");
                            continue;
                        }
                        compare(who + " fused vs its separate ops", k, Tol.EXACT, dev, separate, run(who, k, b, dev, false), null);
                    }
                if (!waiting.isEmpty())
                    System.out.println(who + ": convBnEval not yet compared with its separate ops in " + waiting.size() + " cases: " + waiting.get(0) + ", ...");
            }));
        nodes.add(dynamicContainer("threads and repeatability", repeat.stream()));
        nodes.add(dynamicTest("every Backend method was called", () -> {
            Set<String> missing = Arrays.stream(Backend.class.getMethods())
                    .filter(m -> !Modifier.isStatic(m.getModifiers())).map(Method::getName)
                    .filter(n -> !called.contains(n)).collect(Collectors.toCollection(TreeSet::new));
            assertTrue(missing.isEmpty(), who + ": the conformance suite never called " + missing + "; add cases for them");
        }));
        nodes.add(dynamicTest("worst differences seen", () -> {
            StringBuilder s = new StringBuilder("conformance " + who + ": worst |diff| (and |diff| / (1 + |reference|)) per family:");
            for (var e : worst.entrySet())
                s.append(String.format("%n  %-13s %.3g (%.3g), tolerance %s", e.getKey(), e.getValue()[0], e.getValue()[1], tols.get(e.getKey())));
            System.out.println(s);
        }));
        return dynamicContainer(who, nodes.stream());
    }

    static Set<Family> union(Set<Family> a, Set<Family> b) {
        Set<Family> u = EnumSet.noneOf(Family.class);
        u.addAll(a);
        u.addAll(b);
        return u;
    }

    /** Families whose CPU implementation splits work over the pool (re-run at one thread). */
    static final Set<Family> PARALLEL = Set.of(Family.MATMUL, Family.CONV, Family.CONV_BN_EVAL, Family.POOLING,
            Family.BATCH_NORM, Family.SOFTMAX, Family.RELU, Family.LOSS);

    /** name, priority, describe, threads, allocate. */
    static Stream<DynamicNode> backendChecks(String who, Backend b, Device dev) {
        return Stream.of(
                dynamicTest("name, priority, describe, threads", () -> {
                    String n = b.name();
                    assertTrue(n != null && n.matches("[a-z][a-z0-9_-]*"), who + ": name() must be a short lower-case word, got '" + n + "'");
                    b.priority();
                    assertFalse(b.describe() == null || b.describe().isBlank(), who + ": describe() is blank");
                    assertTrue(b.threads() >= 1, who + ": threads() = " + b.threads());
                }),
                dynamicTest("allocate gives zero-filled storage of the requested length on the backend's device", () -> {
                    for (int n : new int[] {0, 1, 7, 33}) {
                        Storage s = b.allocate(n);
                        assertEquals(n, s.length(), who + ": allocate(" + n + ").length()");
                        assertSame(dev, s.device(), who + ": allocate(" + n + ").device()");
                        float[] v = dev.download(s);
                        assertEquals(n, v.length, who + ": download of allocate(" + n + ")");
                        for (int i = 0; i < n; i++) assertEquals(0f, v[i], who + ": allocate(" + n + ") not zero at " + i);
                    }
                }));
    }

    // ================================================================ running and comparing one case

    @FunctionalInterface interface Body { void run(Ctx c); }

    /** One case: its family (which tolerance applies), op, parameters (shapes, layouts, arguments) and body. */
    record Case(Family family, String op, String params, Body body) {
        long seed() { return (op + " | " + params).hashCode(); }
        String name() { return op + " " + params; }
    }

    /** A snapshot of one output: values read back through toArray() when it was recorded. */
    record Out(int[] shape, float[] values, Device device) {
        static Out of(Tensor t) { return t == null ? null : new Out(t.shape(), t.toArray(), t.device()); }
    }

    static void conform(String who, Backend b, Device dev, Tol tol, Case k, Map<Family, double[]> worst) {
        Map<String, Out> expected = run("reference", k, REFERENCE, Device.CPU, true);
        Map<String, Out> actual = run(who, k, b, dev, false);
        compare(who, k, tol, dev, expected, actual, worst == null ? null : worst.computeIfAbsent(k.family(), f -> new double[2]));
    }

    /**
     * A case of a pending family: skipped if the backend says "not implemented yet", else held to
     * the tolerance. A skipped case counts the methods it calls on the reference as covered, so
     * "every Backend method was called" still checks the suite itself.
     */
    static void conformOrPending(String who, Backend b, Device dev, Tol tol, Case k, Map<Family, double[]> worst, Set<String> called) {
        try {
            conform(who, b, dev, tol, k, worst);
        } catch (AssertionError e) {
            String pending = pendingMessage(e);
            if (pending == null) throw e;
            run("reference", k, recording(REFERENCE, called), Device.CPU, true);
            Assumptions.abort(who + ": pending, " + pending);
        }
    }

    /** The message of the "not implemented yet" UnsupportedOperationException behind a failure, or null if there is none. */
    static String pendingMessage(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause())
            if (c instanceof UnsupportedOperationException && String.valueOf(c.getMessage()).contains("not implemented yet")) return c.getMessage();
        return null;
    }

    /** Runs a case with fresh inputs from its seed; {@code compose}: the fused conv-BN cases compose the separate ops. */
    static Map<String, Out> run(String who, Case k, Backend b, Device dev, boolean compose) {
        Ctx c = new Ctx(b, dev, compose, new Rng(k.seed()));
        try {
            k.body().run(c);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(who + " " + k.op() + " [" + k.params() + "] (seed " + k.seed() + ") threw " + e, e);
        }
        return c.outs;
    }

    static void compare(String who, Case k, Tol tol, Device dev, Map<String, Out> expected, Map<String, Out> actual, double[] worst) {
        String at = who + " " + k.op() + " [" + k.params() + "] (seed " + k.seed() + ")";
        assertEquals(expected.keySet(), actual.keySet(), at + ": outputs");
        for (var e : expected.entrySet()) {
            String what = at + " output '" + e.getKey() + "'";
            Out x = e.getValue(), y = actual.get(e.getKey());
            if (x == null || y == null) {
                if (x != y) fail(what + ": reference gave " + (x == null ? "null" : Shapes.str(x.shape())) + ", " + who + " gave "
                        + (y == null ? "null" : Shapes.str(y.shape())));
                continue;
            }
            if (!Arrays.equals(x.shape(), y.shape()))
                fail(what + ": shape " + Shapes.str(y.shape()) + ", reference " + Shapes.str(x.shape()));
            if (y.device() != dev)
                fail(what + ": result on device " + y.device().name() + ", not on the backend's device " + dev.name());
            float[] ev = x.values(), av = y.values();
            int bad = 0, wi = -1;
            double ws = 0;
            for (int i = 0; i < ev.length; i++) {
                float r = ev[i], a = av[i];
                if (Float.floatToIntBits(r) == Float.floatToIntBits(a)) continue;
                double d = Math.abs((double) a - r);
                boolean special = Float.isNaN(r) || Float.isNaN(a) || Float.isInfinite(r) || Float.isInfinite(a);
                if (worst != null && !special) {
                    worst[0] = Math.max(worst[0], d);
                    worst[1] = Math.max(worst[1], d / (1 + Math.abs(r)));
                }
                double score = special ? Double.POSITIVE_INFINITY
                        : tol.exact() ? d + Double.MIN_VALUE : d / (tol.abs() + tol.rel() * Math.abs(r));
                if (tol.exact() ? score > 0 : score > 1) bad++;
                if (score > ws || wi < 0) { ws = score; wi = i; }
            }
            if (bad > 0) {
                float r = ev[wi], a = av[wi];
                fail(String.format("%s: %d of %d elements differ beyond the tolerance %s; worst at %s (flat %d): reference %s, %s %s, |diff| %.3g",
                        what, bad, ev.length, tol, Arrays.toString(unravel(wi, x.shape())), wi, fmt(r), who, fmt(a), Math.abs((double) a - r)));
            }
        }
    }

    static String fmt(float v) { return v + " (0x" + String.format("%08X", Float.floatToIntBits(v)) + ")"; }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** A backend that records which of its methods were called. */
    static Backend recording(Backend target, Set<String> called) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (p, m, args) -> {
            if (m.getDeclaringClass() == Object.class) return objectMethod(p, m, args, "recording " + target.name());
            called.add(m.getName());
            return invoke(target, m, args);
        });
    }

    static Object objectMethod(Object proxy, Method m, Object[] args, String name) {
        return switch (m.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> name;
        };
    }

    static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    // ================================================================ inputs

    /** How input values are drawn. */
    enum Values {
        /** Standard normal. */
        NORMAL,
        /** Normal with every fourth element NaN, -0, +0, +inf, -inf, 1, -1 or 0.5. */
        SPECIAL,
        /** Integers -1, 0, 1 (ties and exact zeros). */
        TIES,
        /** Uniform in [0.5, 1.5) (variances). */
        POSITIVE,
        /** 3 * normal + 2 (a mean offset). */
        SHIFTED,
        /** 20 * normal (softmax and cross-entropy far from zero). */
        LARGE,
        /** All 2 (every element a tie). */
        CONSTANT
    }

    static final float[] SPECIALS = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f, 0.5f};

    /** What a case body sees: the backend, its device and a seeded generator of inputs on that device. */
    static final class Ctx {
        final Backend be;
        final Device dev;
        final boolean compose;
        private final Rng rng;
        final Map<String, Out> outs = new LinkedHashMap<>();

        Ctx(Backend be, Device dev, boolean compose, Rng rng) {
            this.be = be;
            this.dev = dev;
            this.compose = compose;
            this.rng = rng;
        }

        float[] values(Values v, int n) {
            float[] d = Tensor.randn(rng, n).toArray();
            for (int i = 0; i < n; i++) {
                switch (v) {
                    case NORMAL -> {}
                    case SPECIAL -> { if (i % 4 == 3) d[i] = SPECIALS[(i / 4) % SPECIALS.length]; }
                    case TIES -> d[i] = rng.nextInt(3) - 1;
                    case POSITIVE -> d[i] = 0.5f + rng.nextFloat();
                    case SHIFTED -> d[i] = 3 * d[i] + 2;
                    case LARGE -> d[i] = 20 * d[i];
                    case CONSTANT -> d[i] = 2f;
                }
            }
            return d;
        }

        /** A dense tensor of {@code shape} on the device. */
        Tensor gen(Values v, int... shape) { return Tensor.wrap(values(v, Shapes.numel(shape)), shape).to(dev); }

        Tensor randn(int... shape) { return gen(Values.NORMAL, shape); }

        Tensor scalar(float v) { return Tensor.wrap(new float[] {v}).to(dev); }

        Tensor zeros(int... shape) { return Tensor.zeros(dev, shape); }

        /** Integer indices in [0, bound), repeats allowed. */
        Tensor index(int bound, int... shape) {
            float[] d = new float[Shapes.numel(shape)];
            for (int i = 0; i < d.length; i++) d[i] = rng.nextInt(bound);
            return Tensor.wrap(d, shape).to(dev);
        }

        Tensor ints(int[] v, int... shape) {
            float[] d = new float[v.length];
            for (int i = 0; i < d.length; i++) d[i] = v[i];
            return Tensor.wrap(d, shape).to(dev);
        }

        /** Indices in [0, bound), distinct along {@code dim} (scatter without add is defined only then). */
        Tensor distinct(int bound, int dim, int... shape) {
            float[] d = new float[Shapes.numel(shape)];
            int[] st = Shapes.contiguousStrides(shape);
            for (int e = 0; e < d.length; e++) {
                if ((e / st[dim]) % shape[dim] != 0) continue; // one line per position with index 0 along dim
                int[] perm = new int[bound];
                for (int i = 0; i < bound; i++) perm[i] = i;
                for (int i = bound - 1; i > 0; i--) { int j = rng.nextInt(i + 1), t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
                for (int j = 0; j < shape[dim]; j++) d[e + j * st[dim]] = perm[j];
            }
            return Tensor.wrap(d, shape).to(dev);
        }

        void out(String name, Tensor t) {
            if (outs.containsKey(name)) throw new IllegalStateException("output '" + name + "' recorded twice");
            outs.put(name, Out.of(t));
        }
    }

    /** An input layout: a description for the case name and how to make it (values drawn as asked). */
    record Input(String desc, int[] shape, BiFunction<Ctx, Values, Tensor> make) {
        Tensor make(Ctx c, Values v) { return make.apply(c, v); }

        int rank() { return shape.length; }

        @Override public String toString() { return desc; }
    }

    static Input dense(int... s) { return new Input(Shapes.str(s), s, (c, v) -> c.gen(v, s)); }

    /** [r, k], the transpose of a dense [k, r]. */
    static Input transposed(int r, int k) {
        return new Input("[" + r + ", " + k + "] transposed view", new int[] {r, k}, (c, v) -> c.gen(v, k, r).transpose(0, 1));
    }

    /** [r, k], a window of a dense [r + 2, k + 5]. */
    static Input narrowed(int r, int k) {
        return new Input("[" + r + ", " + k + "] narrowed from [" + (r + 2) + ", " + (k + 5) + "]",
                new int[] {r, k}, (c, v) -> c.gen(v, r + 2, k + 5).narrow(0, 1, r).narrow(1, 2, k));
    }

    /** [r, k], every second column of a dense [r, 2k]. */
    static Input stepped(int r, int k) {
        return new Input("[" + r + ", " + k + "] every 2nd column", new int[] {r, k}, (c, v) -> c.gen(v, r, 2 * k).slice(1, 0, 2 * k, 2));
    }

    /** [r, k] with stride 0 in dim 0, expanded from [1, k]. */
    static Input expanded(int r, int k) {
        return new Input("[" + r + ", " + k + "] expanded from [1, " + k + "]", new int[] {r, k}, (c, v) -> c.gen(v, 1, k).expand(r, k));
    }

    /** [a, b, d], a permutation of a dense [d, a, b]. */
    static Input permuted(int a, int b, int d) {
        return new Input("[" + a + ", " + b + ", " + d + "] permuted from [" + d + ", " + a + ", " + b + "]",
                new int[] {a, b, d}, (c, v) -> c.gen(v, d, a, b).permute(1, 2, 0));
    }

    // ================================================================ the cases

    private static List<Case> cases;

    static synchronized List<Case> cases() {
        if (cases == null) {
            List<Case> cs = new ArrayList<>();
            elementwise(cs);
            reductions(cs);
            indexing(cs);
            matmul(cs);
            conv(cs);
            convBnEval(cs);
            pooling(cs);
            batchNorm(cs);
            softmax(cs);
            relu(cs);
            crossEntropy(cs);
            sgd(cs);
            Set<String> names = new java.util.HashSet<>();
            for (Case k : cs) if (!names.add(k.name())) throw new IllegalStateException("duplicate case " + k.name());
            cases = List.copyOf(cs);
        }
        return cases;
    }

    static void add(List<Case> cs, Family f, String op, String params, Body body) { cs.add(new Case(f, op, params, body)); }

    static float unaryA(UnaryOp op) {
        return switch (op) {
            case ADD -> 0.5f;
            case MUL -> -1.5f;
            case DIV -> 3f;
            case POW -> 2.5f;
            case CLAMP -> -0.5f;
            case GT, GE, LT, LE, EQ -> 0f;
            default -> 0f;
        };
    }

    static void elementwise(List<Case> cs) {
        Family f = Family.ELEMENTWISE;
        List<Input> xs = List.of(dense(1), dense(3), dense(7), dense(17), dense(2, 33), dense(), transposed(3, 17),
                narrowed(4, 7), stepped(3, 9), expanded(5, 7), permuted(2, 3, 5));
        for (UnaryOp op : UnaryOp.values()) {
            float a = unaryA(op), b = op == UnaryOp.CLAMP ? 0.7f : 0f;
            String args = op == UnaryOp.CLAMP ? ", [" + a + ", " + b + "]" : ", a " + a;
            for (Input x : xs)
                add(cs, f, "unary " + op, "x " + x + args, c -> c.out("y", c.be.unary(op, x.make(c, Values.SPECIAL), a, b)));
            Input t = transposed(3, 17);
            add(cs, f, "unaryInto " + op, "in place, out = x " + t + args, c -> {
                Tensor x = t.make(c, Values.SPECIAL);
                c.be.unaryInto(op, x, x, a, b);
                c.out("x", x);
            });
            add(cs, f, "unaryInto " + op, "out [3, 17], x [1, 17] broadcast" + args, c -> {
                Tensor out = c.randn(3, 17);
                c.be.unaryInto(op, out, c.gen(Values.SPECIAL, 1, 17), a, b);
                c.out("out", out);
            });
            add(cs, f, "unaryInto " + op, "out a [2, 5] window of [4, 9], x [2, 5] transposed view" + args, c -> {
                Tensor base = c.randn(4, 9);
                c.be.unaryInto(op, base.narrow(0, 1, 2).narrow(1, 3, 5), c.gen(Values.SPECIAL, 5, 2).transpose(0, 1), a, b);
                c.out("base", base);
            });
        }
        Input[][] pairs = {
                {dense(7), dense(7)}, {dense(3, 17), dense(3, 17)},
                {dense(2, 3, 17), dense(17)}, {dense(17), dense(2, 3, 17)},
                {dense(2, 3, 17), dense(2, 1, 17)}, {dense(2, 3, 17), dense(2, 3, 1)},
                {dense(2, 3, 5), dense(1, 1, 1)}, {dense(1, 1, 1), dense(2, 3, 5)},
                {dense(3, 1, 7), dense(1, 5, 1)}, {dense(), dense(3, 7)}, {dense(33), dense(1)}, {dense(1, 1), dense(2, 33)},
                {transposed(3, 17), narrowed(3, 17)}, {stepped(5, 7), expanded(5, 7)}, {permuted(2, 3, 5), transposed(3, 5)},
        };
        for (BinaryOp op : BinaryOp.values()) {
            for (Input[] p : pairs)
                add(cs, f, "binary " + op, "a " + p[0] + ", b " + p[1],
                        c -> c.out("y", c.be.binary(op, p[0].make(c, Values.SPECIAL), p[1].make(c, Values.TIES))));
            Input t = transposed(3, 17);
            add(cs, f, "binaryInto " + op, "in place, out = a " + t + ", b [17]", c -> {
                Tensor a = t.make(c, Values.SPECIAL);
                c.be.binaryInto(op, a, a, c.gen(Values.TIES, 17));
                c.out("a", a);
            });
            add(cs, f, "binaryInto " + op, "out [2, 3, 17], a [3, 1], b [2, 1, 17]", c -> {
                Tensor out = c.randn(2, 3, 17);
                c.be.binaryInto(op, out, c.gen(Values.SPECIAL, 3, 1), c.gen(Values.TIES, 2, 1, 17));
                c.out("out", out);
            });
            Input s = stepped(2, 5);
            add(cs, f, "binaryInto " + op, "out a [2, 5] window of [4, 9], a " + s + ", b [1, 5]", c -> {
                Tensor base = c.randn(4, 9);
                c.be.binaryInto(op, base.narrow(0, 1, 2).narrow(1, 2, 5), s.make(c, Values.SPECIAL), c.gen(Values.TIES, 1, 5));
                c.out("base", base);
            });
        }
        Input[][] triples = {
                {dense(3, 1), dense(1, 4), dense(3, 4)},
                {dense(7), dense(2, 7), dense()},
                {transposed(3, 17), narrowed(3, 17), expanded(3, 17)},
        };
        for (Input[] t : triples)
            add(cs, f, "where", "mask " + t[0] + " (-1/0/1 and NaN), a " + t[1] + ", b " + t[2], c -> {
                Tensor mask = t[0].make(c, Values.TIES);
                Tensor nan = t[0].make(c, Values.SPECIAL);
                c.out("y", c.be.where(mask, t[1].make(c, Values.SPECIAL), t[2].make(c, Values.NORMAL)));
                c.out("y (mask with NaN and -0)", c.be.where(nan, t[1].make(c, Values.NORMAL), t[2].make(c, Values.NORMAL)));
            });
        add(cs, f, "copy", "out [4, 5], src [1, 5] broadcast", c -> {
            Tensor out = c.randn(4, 5);
            c.be.copy(out, c.gen(Values.SPECIAL, 1, 5));
            c.out("out", out);
        });
        add(cs, f, "copy", "out [4, 5] transposed view of [5, 4], src " + stepped(4, 5), c -> {
            Tensor base = c.randn(5, 4);
            c.be.copy(base.transpose(0, 1), stepped(4, 5).make(c, Values.SPECIAL));
            c.out("base", base);
        });
        add(cs, f, "copy", "out a [2, 5] window of [4, 9], src [1, 1]", c -> {
            Tensor base = c.randn(4, 9);
            c.be.copy(base.narrow(0, 1, 2).narrow(1, 2, 5), c.gen(Values.NORMAL, 1, 1));
            c.out("base", base);
        });
        add(cs, f, "copy", "out [2, 3, 5], src " + permuted(2, 3, 5), c -> {
            Tensor out = c.randn(2, 3, 5);
            c.be.copy(out, permuted(2, 3, 5).make(c, Values.SPECIAL));
            c.out("out", out);
        });
        add(cs, f, "copy", "out [], src []", c -> {
            Tensor out = c.randn();
            c.be.copy(out, c.randn());
            c.out("out", out);
        });
        add(cs, f, "fill", "out [33], 1.5", c -> {
            Tensor out = c.randn(33);
            c.be.fill(out, 1.5f);
            c.out("out", out);
        });
        add(cs, f, "fill", "out a [2, 5] window of [4, 9], -0", c -> {
            Tensor base = c.randn(4, 9);
            c.be.fill(base.narrow(0, 1, 2).narrow(1, 2, 5), -0f);
            c.out("base", base);
        });
        add(cs, f, "fill", "out every 2nd column of [3, 18], NaN", c -> {
            Tensor base = c.randn(3, 18);
            c.be.fill(base.slice(1, 0, 18, 2), Float.NaN);
            c.out("base", base);
        });
        add(cs, f, "fill", "out [], 7", c -> {
            Tensor out = c.randn();
            c.be.fill(out, 7f);
            c.out("out", out);
        });
        add(cs, f, "axpy", "out [3, 17], src [17], alpha 1", c -> {
            Tensor out = c.randn(3, 17);
            c.be.axpy(out, c.gen(Values.SPECIAL, 17), 1f);
            c.out("out", out);
        });
        add(cs, f, "axpy", "out [3, 17] transposed view, src " + narrowed(3, 17) + ", alpha -0.3", c -> {
            Tensor base = c.randn(17, 3);
            c.be.axpy(base.transpose(0, 1), narrowed(3, 17).make(c, Values.SPECIAL), -0.3f);
            c.out("base", base);
        });
        add(cs, f, "axpy", "out a [2, 5] window of [4, 9], src [1, 1], alpha 2.5", c -> {
            Tensor base = c.randn(4, 9);
            c.be.axpy(base.narrow(0, 1, 2).narrow(1, 2, 5), c.randn(1, 1), 2.5f);
            c.out("base", base);
        });
        add(cs, f, "axpy", "out [7], src [7] with NaN/inf, alpha 0", c -> {
            Tensor out = c.randn(7);
            c.be.axpy(out, c.gen(Values.SPECIAL, 7), 0f);
            c.out("out", out);
        });
    }

    static String dimsStr(int[] dims) { return dims == null ? "all" : Arrays.toString(dims); }

    static List<int[]> dimsFor(int rank) {
        List<int[]> d = new ArrayList<>();
        d.add(null);
        if (rank == 0) return d;
        d.add(new int[] {0});
        d.add(new int[] {-1});
        if (rank >= 2) d.add(new int[] {1});
        if (rank >= 3) { d.add(new int[] {0, 2}); d.add(new int[] {2, 0}); d.add(new int[] {0, 1, 2}); d.add(new int[0]); }
        return d;
    }

    static void reductions(List<Case> cs) {
        Family f = Family.REDUCTION;
        List<Input> xs = List.of(dense(3, 7, 5), permuted(3, 7, 5), stepped(4, 9), dense(33), dense(1, 1, 1), dense());
        for (ReduceOp op : ReduceOp.values())
            for (Input x : xs)
                for (int[] dims : dimsFor(x.rank()))
                    for (boolean keep : new boolean[] {false, true})
                        add(cs, f, "reduce " + op, "x " + x + ", dims " + dimsStr(dims) + ", keepdim " + keep,
                                c -> c.out("y", c.be.reduce(op, x.make(c, Values.NORMAL), dims, keep)));
        for (ReduceOp op : ReduceOp.values())
            for (int[] dims : List.of(new int[] {1}, new int[] {0, 2}))
                add(cs, f, "reduce " + op, "x [3, 7, 5] with NaN/inf/-0, dims " + dimsStr(dims),
                        c -> c.out("y", c.be.reduce(op, c.gen(Values.SPECIAL, 3, 7, 5), dims, false)));
        List<Input> ax = List.of(dense(3, 7, 5), permuted(3, 7, 5), stepped(4, 9), dense(33), dense(1, 1, 1));
        for (boolean max : new boolean[] {true, false}) {
            String op = max ? "argExtreme max" : "argExtreme min";
            for (Input x : ax) {
                int rank = x.rank();
                for (int dim = -1; dim < rank; dim++)
                    for (boolean keep : new boolean[] {false, true}) {
                        int d = dim;
                        add(cs, f, op, "x " + x + " (-1/0/1: ties), dim " + d + ", keepdim " + keep,
                                c -> c.out("i", c.be.argExtreme(x.make(c, Values.TIES), d, keep, max)));
                    }
            }
            add(cs, f, op, "x [3, 7, 5] with NaN/inf, dim 1", c -> c.out("i", c.be.argExtreme(c.gen(Values.SPECIAL, 3, 7, 5), 1, false, max)));
            add(cs, f, op, "x [4, 9] all equal, dim 1", c -> c.out("i", c.be.argExtreme(c.gen(Values.CONSTANT, 4, 9), 1, true, max)));
        }
        List<Input> vx = List.of(dense(3, 7, 5), permuted(3, 7, 5), stepped(4, 9), dense(33), dense(1, 5));
        for (Input x : vx) {
            int rank = x.rank();
            List<int[]> dl = new ArrayList<>(List.of(new int[] {0}, new int[] {-1}));
            dl.add(0, null);
            if (rank == 3) dl.add(new int[] {1, 2});
            for (int[] dims : dl)
                for (boolean unbiased : new boolean[] {true, false})
                    for (boolean keep : new boolean[] {false, true})
                        add(cs, f, "var", "x " + x + " (3 normal + 2), dims " + dimsStr(dims) + ", unbiased " + unbiased + ", keepdim " + keep,
                                c -> c.out("v", c.be.var(x.make(c, Values.SHIFTED), dims, unbiased, keep)));
        }
        int[][] targets = {{3, 1}, {1, 3, 4}, {4}, {1, 1, 1}, {}, {2, 3, 4}, {3, 4}, {2, 1, 4}};
        for (int[] t : targets) {
            add(cs, f, "sumTo", "x [2, 3, 4] to " + Shapes.str(t), c -> c.out("y", c.be.sumTo(c.randn(2, 3, 4), t)));
            add(cs, f, "sumTo", "x " + permuted(2, 3, 4) + " to " + Shapes.str(t),
                    c -> c.out("y", c.be.sumTo(permuted(2, 3, 4).make(c, Values.NORMAL), t)));
        }
        for (int[] t : new int[][] {{4}, {3, 1}, {1, 1}})
            add(cs, f, "sumTo", "x " + expanded(3, 4) + " to " + Shapes.str(t), c -> c.out("y", c.be.sumTo(expanded(3, 4).make(c, Values.NORMAL), t)));
    }

    static void indexing(List<Case> cs) {
        Family f = Family.INDEXING;
        add(cs, f, "cat", "dim 0: [1, 5], [3, 5] transposed view, [7, 5]", c ->
                c.out("y", c.be.cat(List.of(c.randn(1, 5), transposed(3, 5).make(c, Values.SPECIAL), c.randn(7, 5)), 0)));
        add(cs, f, "cat", "dim 1: [2, 1, 4], [2, 3, 4] permuted, [2, 7, 4]", c ->
                c.out("y", c.be.cat(List.of(c.randn(2, 1, 4), c.randn(3, 4, 2).permute(2, 0, 1), c.randn(2, 7, 4)), 1)));
        add(cs, f, "cat", "dim -1: [3, 1], " + narrowed(3, 7) + ", [3, 17]", c ->
                c.out("y", c.be.cat(List.of(c.randn(3, 1), narrowed(3, 7).make(c, Values.NORMAL), c.randn(3, 17)), -1)));
        add(cs, f, "cat", "dim 0: [1], [3], [7]", c -> c.out("y", c.be.cat(List.of(c.randn(1), c.randn(3), c.randn(7)), 0)));
        add(cs, f, "cat", "one tensor, " + stepped(2, 3), c -> c.out("y", c.be.cat(List.of(stepped(2, 3).make(c, Values.NORMAL)), 0)));

        add(cs, f, "gather", "x [3, 7, 5], dim 0, index [2, 7, 5]", c -> c.out("y", c.be.gather(c.randn(3, 7, 5), 0, c.index(3, 2, 7, 5))));
        add(cs, f, "gather", "x [3, 7, 5], dim 1, index [3, 4, 5]", c -> c.out("y", c.be.gather(c.randn(3, 7, 5), 1, c.index(7, 3, 4, 5))));
        add(cs, f, "gather", "x [3, 7, 5], dim 2, index [2, 3, 9]", c -> c.out("y", c.be.gather(c.randn(3, 7, 5), 2, c.index(5, 2, 3, 9))));
        add(cs, f, "gather", "x " + permuted(3, 7, 5) + ", dim -1, index [3, 7, 2]",
                c -> c.out("y", c.be.gather(permuted(3, 7, 5).make(c, Values.SPECIAL), -1, c.index(5, 3, 7, 2))));
        add(cs, f, "gather", "x " + transposed(3, 17) + ", dim 1, index [3, 33] transposed view",
                c -> c.out("y", c.be.gather(transposed(3, 17).make(c, Values.NORMAL), 1, c.index(17, 33, 3).transpose(0, 1))));
        add(cs, f, "gather", "x [33], dim 0, index [5]", c -> c.out("y", c.be.gather(c.randn(33), 0, c.index(33, 5))));

        for (boolean addMode : new boolean[] {false, true}) {
            String op = addMode ? "scatter add" : "scatter";
            String idx = addMode ? "repeats" : "distinct along dim";
            add(cs, f, op, "x [3, 7], dim 0, index [2, 7] (" + idx + "), src [2, 7]", c -> c.out("y", c.be.scatter(c.randn(3, 7), 0,
                    addMode ? c.index(3, 2, 7) : c.distinct(3, 0, 2, 7), c.randn(2, 7), addMode)));
            add(cs, f, op, "x [3, 7, 5], dim 1, index [3, 4, 5] (" + idx + "), src [3, 4, 5]", c -> c.out("y", c.be.scatter(c.randn(3, 7, 5), 1,
                    addMode ? c.index(7, 3, 4, 5) : c.distinct(7, 1, 3, 4, 5), c.randn(3, 4, 5), addMode)));
            add(cs, f, op, "x " + permuted(3, 7, 5) + ", dim -1, index [2, 3, 3] (" + idx + "), src [1, 1, 1]", c ->
                    c.out("y", c.be.scatter(permuted(3, 7, 5).make(c, Values.NORMAL), -1,
                            addMode ? c.index(5, 2, 3, 3) : c.distinct(5, 2, 2, 3, 3), c.randn(1, 1, 1), addMode)));
            add(cs, f, op, "x " + transposed(3, 17) + ", dim 1, index [3, 5] (" + idx + "), src " + narrowed(3, 5), c ->
                    c.out("y", c.be.scatter(transposed(3, 17).make(c, Values.NORMAL), 1,
                            addMode ? c.index(17, 3, 5) : c.distinct(17, 1, 3, 5), narrowed(3, 5).make(c, Values.NORMAL), addMode)));
        }
        add(cs, f, "scatter add", "x [2, 3], dim 0, index [5, 3] all 0 (five values into one slot), src [5, 3]", c ->
                c.out("y", c.be.scatter(c.randn(2, 3), 0, c.zeros(5, 3), c.randn(5, 3), true)));

        add(cs, f, "indexSelect", "x [3, 7, 5], dim 0, index [2, 0, 2, 1]", c -> c.out("y", c.be.indexSelect(c.randn(3, 7, 5), 0, c.ints(new int[] {2, 0, 2, 1}, 4))));
        add(cs, f, "indexSelect", "x [3, 7, 5], dim 1, index [6] with repeats", c -> c.out("y", c.be.indexSelect(c.randn(3, 7, 5), 1, c.index(7, 6))));
        add(cs, f, "indexSelect", "x [3, 7, 5], dim -1, index [1]", c -> c.out("y", c.be.indexSelect(c.randn(3, 7, 5), -1, c.index(5, 1))));
        add(cs, f, "indexSelect", "x " + transposed(3, 17) + ", dim 1, index [5]", c ->
                c.out("y", c.be.indexSelect(transposed(3, 17).make(c, Values.SPECIAL), 1, c.index(17, 5))));
        add(cs, f, "indexSelect", "x [3, 7], dim 1, empty index [0]", c -> c.out("y", c.be.indexSelect(c.randn(3, 7), 1, c.ints(new int[0], 0))));

        add(cs, f, "oneHot", "labels [5], 7 classes", c -> c.out("y", c.be.oneHot(c.index(7, 5), 7)));
        add(cs, f, "oneHot", "labels [2, 3], 4 classes", c -> c.out("y", c.be.oneHot(c.index(4, 2, 3), 4)));
        add(cs, f, "oneHot", "labels [1], 1 class", c -> c.out("y", c.be.oneHot(c.index(1, 1), 1)));
        add(cs, f, "oneHot", "labels [3, 4] transposed view, 5 classes", c -> c.out("y", c.be.oneHot(c.index(5, 4, 3).transpose(0, 1), 5)));
    }

    static void matmul(List<Case> cs) {
        Family f = Family.MATMUL;
        int[][][] shapes = {
                {{1, 1}, {1, 1}}, {{3, 7}, {7, 17}}, {{17, 33}, {33, 5}}, {{7, 1}, {1, 3}}, {{1, 33}, {33, 1}}, {{70, 130}, {130, 45}},
                {{7}, {7}}, {{7}, {7, 3}}, {{3, 7}, {7}}, {{7}, {2, 7, 3}}, {{2, 3, 7}, {7}},
                {{2, 3, 5, 7}, {7, 4}}, {{2, 1, 5, 7}, {3, 7, 4}}, {{1, 5, 7}, {4, 7, 3}}, {{4, 5, 7}, {1, 7, 3}}, {{9, 17}, {2, 3, 17, 9}},
        };
        for (int[][] s : shapes)
            add(cs, f, "matmul", "a " + Shapes.str(s[0]) + ", b " + Shapes.str(s[1]), c -> c.out("y", c.be.matmul(c.randn(s[0]), c.randn(s[1]))));
        Input[][] views = {
                {transposed(3, 7), dense(7, 17)}, {dense(3, 7), transposed(7, 17)}, {transposed(17, 33), transposed(33, 5)},
                {narrowed(3, 7), dense(7, 17)}, {dense(5, 7), narrowed(7, 9)}, {stepped(3, 7), stepped(7, 4)}, {expanded(4, 7), dense(7, 3)},
        };
        for (Input[] v : views)
            add(cs, f, "matmul", "a " + v[0] + ", b " + v[1], c -> c.out("y", c.be.matmul(v[0].make(c, Values.NORMAL), v[1].make(c, Values.NORMAL))));
        add(cs, f, "matmul", "a [2, 5, 7] permuted from [5, 2, 7], b [2, 7, 4] expanded from [1, 7, 4]",
                c -> c.out("y", c.be.matmul(c.randn(5, 2, 7).permute(1, 0, 2), c.randn(1, 7, 4).expand(2, 7, 4))));
        add(cs, f, "matmul", "a [2, 5, 7] batch-transposed view of [2, 7, 5], b [7, 3] transposed view", c ->
                c.out("y", c.be.matmul(c.randn(2, 7, 5).transpose(1, 2), c.randn(3, 7).t())));
        add(cs, f, "matmul", "a [9] every 2nd element of [18], b [9, 4]", c -> c.out("y", c.be.matmul(c.randn(18).slice(0, 0, 18, 2), c.randn(9, 4))));
        add(cs, f, "matmul", "a [3, 7] with NaN/inf, b [7, 5]", c -> c.out("y", c.be.matmul(c.gen(Values.SPECIAL, 3, 7), c.randn(7, 5))));
    }

    /** A convolution geometry: input, weight, parameters and what it exercises. */
    record Geo(int n, int c, int h, int w, int k, int r, int s, ConvParams p, String note) {
        int[] x() { return new int[] {n, c, h, w}; }
        int[] wt() { return new int[] {k, c / p.groups(), r, s}; }
        int[] y() { return p.geometry(x(), wt()).outShape(); }

        @Override public String toString() {
            return "x " + Shapes.str(x()) + ", w " + Shapes.str(wt()) + ", stride " + p.strideH() + "x" + p.strideW() + ", pad " + p.padH() + "x" + p.padW()
                    + ", dil " + p.dilH() + "x" + p.dilW() + ", groups " + p.groups() + " (" + note + ")";
        }
    }

    static Geo geo(int n, int c, int h, int w, int k, int r, int s, int stride, int pad, int dil, int groups, String note) {
        return new Geo(n, c, h, w, k, r, s, new ConvParams(stride, stride, pad, pad, dil, dil, groups), note);
    }

    static final List<Geo> GEOS = List.of(
            geo(1, 1, 5, 5, 1, 3, 3, 1, 1, 1, 1, "batch 1, one channel"),
            geo(2, 3, 7, 7, 4, 3, 3, 1, 1, 1, 1, "3x3 im2col"),
            geo(3, 5, 9, 11, 7, 3, 3, 2, 1, 1, 1, "stride 2, odd sizes"),
            geo(2, 8, 6, 6, 16, 1, 1, 1, 0, 1, 1, "1x1 pointwise"),
            geo(2, 8, 7, 7, 4, 1, 1, 2, 0, 1, 1, "1x1 stride 2"),
            geo(1, 3, 5, 5, 2, 1, 1, 1, 1, 1, 1, "1x1 with padding"),
            geo(2, 6, 8, 8, 6, 3, 3, 1, 1, 1, 6, "depthwise"),
            geo(2, 4, 9, 9, 8, 3, 3, 2, 1, 1, 4, "depthwise x2, stride 2"),
            geo(1, 3, 8, 8, 3, 3, 3, 1, 2, 2, 3, "depthwise, dilation 2"),
            geo(2, 6, 5, 5, 4, 3, 3, 1, 2, 1, 2, "groups 2, padding 2"),
            geo(2, 4, 6, 6, 6, 1, 1, 2, 0, 1, 2, "groups 2, 1x1 stride 2"),
            geo(1, 3, 10, 9, 2, 3, 2, 1, 2, 2, 1, "dilation 2, rectangular kernel"),
            new Geo(1, 2, 9, 8, 3, 3, 3, new ConvParams(2, 1, 1, 0, 1, 2, 1), "stride, padding, dilation differ per axis"),
            geo(1, 2, 5, 6, 3, 3, 3, 1, 3, 1, 1, "padding beyond R-1"),
            geo(1, 3, 9, 30, 4, 5, 3, 1, 2, 2, 1, "5x3 dilated, taps wholly in the padding"),
            geo(1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, "one element"),
            geo(1, 4, 3, 3, 2, 3, 3, 1, 0, 1, 1, "1x1 output"),
            geo(5, 3, 4, 4, 5, 3, 3, 1, 1, 1, 1, "more images than threads"),
            geo(1, 2, 33, 17, 3, 3, 3, 1, 1, 1, 1, "rows longer than a vector"),
            geo(2, 16, 7, 9, 17, 3, 3, 1, 1, 1, 1, "Winograd, odd output and filter count"),
            geo(1, 16, 6, 5, 16, 3, 3, 1, 0, 1, 1, "Winograd, no padding"));

    static void conv(List<Case> cs) {
        Family f = Family.CONV;
        for (Geo g : GEOS) {
            add(cs, f, "conv2d", g + ", bias", c -> c.out("y", c.be.conv2d(c.randn(g.x()), c.randn(g.wt()), c.randn(g.k()), g.p())));
            add(cs, f, "conv2d", g + ", no bias", c -> c.out("y", c.be.conv2d(c.randn(g.x()), c.randn(g.wt()), null, g.p())));
            add(cs, f, "conv2dBackwardInput", g.toString(), c -> c.out("dx", c.be.conv2dBackwardInput(c.randn(g.y()), c.randn(g.wt()), g.x(), g.p())));
            add(cs, f, "conv2dBackwardWeight", g.toString(), c -> c.out("dw", c.be.conv2dBackwardWeight(c.randn(g.y()), c.randn(g.x()), g.wt(), g.p())));
            add(cs, f, "conv2dBackwardBias", g.toString(), c -> c.out("db", c.be.conv2dBackwardBias(c.randn(g.y()))));
        }
        for (Geo g : List.of(GEOS.get(1), GEOS.get(6), GEOS.get(19))) {
            String v = g + ", x/w/dy transposed or permuted views";
            add(cs, f, "conv2d", v, c -> c.out("y", c.be.conv2d(xView(c, g), wView(c, g), c.randn(g.k()), g.p())));
            add(cs, f, "conv2dBackwardInput", v, c -> c.out("dx", c.be.conv2dBackwardInput(dyView(c, g), wView(c, g), g.x(), g.p())));
            add(cs, f, "conv2dBackwardWeight", v, c -> c.out("dw", c.be.conv2dBackwardWeight(dyView(c, g), xView(c, g), g.wt(), g.p())));
            add(cs, f, "conv2dBackwardBias", v, c -> c.out("db", c.be.conv2dBackwardBias(dyView(c, g))));
        }
    }

    static Tensor xView(Ctx c, Geo g) { return c.randn(g.n(), g.c(), g.w(), g.h()).transpose(2, 3); }

    static Tensor wView(Ctx c, Geo g) { return c.randn(g.c() / g.p().groups(), g.k(), g.r(), g.s()).permute(1, 0, 2, 3); }

    static Tensor dyView(Ctx c, Geo g) {
        int[] y = g.y();
        return c.randn(y[0], y[1], y[3], y[2]).transpose(2, 3);
    }

    static void convBnEval(List<Case> cs) {
        boolean[][] variants = {{true, true, true, true}, {true, false, false, false}, {false, true, true, false}, {true, true, false, true}};
        for (Geo g : List.of(GEOS.get(1), GEOS.get(2), GEOS.get(3), GEOS.get(6), GEOS.get(19)))
            for (boolean[] v : variants) {
                boolean bias = v[0], affine = v[1], residual = v[2], relu = v[3];
                add(cs, Family.CONV_BN_EVAL, "convBnEval", g + (bias ? ", bias" : ", no bias") + (affine ? ", affine" : ", no affine")
                        + (residual ? ", residual" : "") + (relu ? ", relu" : ""), c -> {
                    Tensor x = c.randn(g.x()), w = c.randn(g.wt()), b = bias ? c.randn(g.k()) : null;
                    Tensor gamma = affine ? c.randn(g.k()) : null, beta = affine ? c.randn(g.k()) : null;
                    Tensor rm = c.randn(g.k()), rv = c.gen(Values.POSITIVE, g.k());
                    Tensor res = residual ? c.randn(g.y()) : null;
                    Tensor y;
                    ConvBnEval fused = c.be.convBnEval();
                    if (c.compose || fused == null) { // without the capability, callers (F.conv2dBatchNormEval) compose the ops
                        y = c.be.conv2d(x, w, b, g.p());
                        y = c.be.batchNorm(y, gamma, beta, rm, rv, false, 0.1f, EPS).output();
                        if (res != null) y = c.be.binary(BinaryOp.ADD, y, res);
                        if (relu) y = c.be.relu(y);
                    } else {
                        y = fused.apply(x, w, b, g.p(), gamma, beta, rm, rv, EPS, res, relu);
                    }
                    c.out("y", y);
                    c.out("running_mean (unchanged)", rm);
                    c.out("running_var (unchanged)", rv);
                });
            }
    }

    static void pooling(List<Case> cs) {
        Family f = Family.POOLING;
        Object[][] windows = {
                {PoolWindow.of(2, 2, 0, false), new int[] {1, 1, 5, 5}},
                {PoolWindow.of(2, 2, 0, true), new int[] {1, 1, 5, 5}},
                {PoolWindow.of(3, 2, 1, false), new int[] {2, 3, 6, 7}},
                {PoolWindow.of(3, 2, 1, true), new int[] {2, 3, 6, 7}},
                {new PoolWindow(3, 2, 2, 1, 1, 0, true), new int[] {1, 2, 7, 5}},
                {PoolWindow.of(1, 1, 0, false), new int[] {2, 1, 3, 4}},
                {PoolWindow.of(3, 3, 1, true), new int[] {1, 1, 4, 4}},
                {PoolWindow.of(2, 1, 1, false), new int[] {1, 2, 3, 3}},
                {PoolWindow.of(3, 2, 1, false), new int[] {3, 5, 17, 9}},
        };
        for (Object[] wx : windows) {
            PoolWindow win = (PoolWindow) wx[0];
            int[] xs = (int[]) wx[1];
            String w = "x " + Shapes.str(xs) + ", kernel " + win.kh() + "x" + win.kw() + ", stride " + win.sh() + "x" + win.sw()
                    + ", pad " + win.ph() + "x" + win.pw() + (win.ceil() ? ", ceil" : ", floor");
            for (Values v : new Values[] {Values.NORMAL, Values.TIES, Values.SPECIAL})
                add(cs, f, "maxPool2d + backward", w + ", " + v.name().toLowerCase() + " values", c -> {
                    Tensor x = c.gen(v, xs);
                    PoolResult r = c.be.maxPool2d(x, win);
                    c.out("y", r.output());
                    c.out("dx", c.be.maxPool2dBackward(c.randn(r.output().shape()), r, xs));
                });
            for (boolean cip : new boolean[] {true, false})
                add(cs, f, "avgPool2d + backward", w + ", count_include_pad " + cip, c -> {
                    Tensor x = c.randn(xs);
                    Tensor y = c.be.avgPool2d(x, win, cip);
                    c.out("y", y);
                    c.out("dx", c.be.avgPool2dBackward(c.randn(y.shape()), xs, win, cip));
                });
        }
        PoolWindow win = PoolWindow.of(3, 2, 1, true);
        add(cs, f, "maxPool2d + backward", "x [2, 3, 6, 7] with H and W transposed, kernel 3x3, stride 2x2, pad 1x1, ceil", c -> {
            Tensor x = c.gen(Values.TIES, 2, 3, 7, 6).transpose(2, 3);
            PoolResult r = c.be.maxPool2d(x, win);
            c.out("y", r.output());
            c.out("dx", c.be.maxPool2dBackward(c.randn(r.output().shape()).transpose(2, 3).contiguous().transpose(2, 3), r, x.shape()));
        });
        add(cs, f, "avgPool2d + backward", "x [2, 3, 6, 7] with H and W transposed, kernel 3x3, stride 2x2, pad 1x1, ceil, count_include_pad false", c -> {
            Tensor x = c.randn(2, 3, 7, 6).transpose(2, 3);
            Tensor y = c.be.avgPool2d(x, win, false);
            c.out("y", y);
            c.out("dx", c.be.avgPool2dBackward(c.randn(y.size(0), y.size(1), y.size(3), y.size(2)).transpose(2, 3), x.shape(), win, false));
        });
        int[][][] adaptive = {{{2, 3, 7, 5}, {3, 2}}, {{1, 1, 5, 5}, {1, 1}}, {{1, 2, 6, 6}, {4, 4}}, {{2, 1, 3, 3}, {5, 4}},
                {{1, 3, 9, 7}, {9, 7}}, {{1, 1, 10, 1}, {3, 1}}, {{2, 2, 17, 33}, {5, 7}}};
        for (int[][] a : adaptive) {
            int[] xs = a[0];
            int oh = a[1][0], ow = a[1][1];
            add(cs, f, "adaptiveAvgPool2d + backward", "x " + Shapes.str(xs) + " to " + oh + "x" + ow, c -> {
                Tensor x = c.randn(xs);
                Tensor y = c.be.adaptiveAvgPool2d(x, oh, ow);
                c.out("y", y);
                c.out("dx", c.be.adaptiveAvgPool2dBackward(c.randn(y.shape()), xs));
            });
        }
        add(cs, f, "adaptiveAvgPool2d + backward", "x [2, 3, 7, 5] with H and W transposed, to 3x2", c -> {
            Tensor x = c.randn(2, 3, 5, 7).transpose(2, 3);
            Tensor y = c.be.adaptiveAvgPool2d(x, 3, 2);
            c.out("y", y);
            c.out("dx", c.be.adaptiveAvgPool2dBackward(c.randn(2, 3, 2, 3).transpose(2, 3), x.shape()));
        });
    }

    static void batchNorm(List<Case> cs) {
        Family f = Family.BATCH_NORM;
        int[][] shapes = {{4, 3, 5, 5}, {1, 3, 4, 4}, {5, 1, 3, 3}, {6, 17}, {2, 3, 7}, {3, 2, 33}, {2, 4, 1, 1}};
        for (int[] s : shapes)
            for (boolean affine : new boolean[] {true, false})
                for (boolean running : new boolean[] {true, false})
                    add(cs, f, "batchNorm train + backward", "x " + Shapes.str(s) + " (3 normal + 2)" + (affine ? ", affine" : ", no affine")
                            + (running ? ", running stats" : ", no running stats") + ", momentum 0.1, eps 1e-5",
                            c -> batchNormCase(c, c.gen(Values.SHIFTED, s), true, affine, running, 0.1f, EPS, false));
        for (int[] s : shapes)
            for (boolean affine : new boolean[] {true, false})
                add(cs, f, "batchNorm eval + backward", "x " + Shapes.str(s) + (affine ? ", affine" : ", no affine") + ", eps 1e-5",
                        c -> batchNormCase(c, c.gen(Values.SHIFTED, s), false, affine, true, 0.1f, EPS, false));
        add(cs, f, "batchNorm train + backward", "x [4, 3, 5, 5] permuted from [3, 5, 4, 5], affine, running stats, momentum 0.5, eps 1e-3",
                c -> batchNormCase(c, c.gen(Values.SHIFTED, 3, 5, 4, 5).permute(2, 0, 1, 3), true, true, true, 0.5f, 1e-3f, false));
        add(cs, f, "batchNorm eval + backward", "x [2, 3, 7] transposed from [2, 7, 3], affine, eps 1e-3",
                c -> batchNormCase(c, c.gen(Values.SHIFTED, 2, 7, 3).transpose(1, 2), false, true, true, 0.1f, 1e-3f, false));
        add(cs, f, "batchNorm train + backward", "x [4, 3, 5, 5], affine, running stats and gamma/beta every 2nd element of [6]",
                c -> batchNormCase(c, c.gen(Values.SHIFTED, 4, 3, 5, 5), true, true, true, 0.1f, EPS, true));
        add(cs, f, "batchNorm eval + backward", "x [4, 3, 5, 5], affine, running stats and gamma/beta every 2nd element of [6]",
                c -> batchNormCase(c, c.gen(Values.SHIFTED, 4, 3, 5, 5), false, true, true, 0.1f, EPS, true));
        for (int[] s : new int[][] {{4, 3, 5, 5}, {2, 4, 8, 8}, {3, 2, 33}})
            for (boolean training : new boolean[] {true, false})
                for (boolean[] rr : new boolean[][] {{false, true}, {true, true}, {true, false}})
                    add(cs, f, "batchNormAct " + (training ? "train" : "eval") + " + backward", "x " + Shapes.str(s) + (rr[0] ? " + residual" : "")
                            + (rr[1] ? ", relu" : "") + ", affine, running stats", c -> batchNormActCase(c, s, training, rr[0], rr[1]));
    }

    /** relu?(batch_norm(x) + residual?) and the backward through it, as F.batchNormAct runs them: ReLU's backward, then batch norm's. */
    static void batchNormActCase(Ctx c, int[] s, boolean training, boolean residual, boolean relu) {
        Tensor x = c.gen(Values.SHIFTED, s);
        int ch = x.size(1);
        Tensor gamma = param(c, Values.NORMAL, ch, false), beta = param(c, Values.NORMAL, ch, false);
        Tensor rm = param(c, Values.NORMAL, ch, false), rv = param(c, Values.POSITIVE, ch, false);
        BatchNormResult r = c.be.batchNormAct(x, gamma, beta, rm, rv, training, 0.1f, EPS, residual ? c.randn(s) : null, relu);
        c.out("y", r.output());
        c.out("running_mean", rm);
        c.out("running_var", rv);
        Tensor dy = c.randn(s);
        BatchNormGrads g = c.be.batchNormBackward(relu ? c.be.reluBackward(dy, r.output()) : dy, x, gamma, r, training);
        c.out("dx", g.dx());
        c.out("dgamma", g.dgamma());
        c.out("dbeta", g.dbeta());
    }

    static void batchNormCase(Ctx c, Tensor x, boolean training, boolean affine, boolean running, float momentum, float eps, boolean strided) {
        int ch = x.size(1);
        Tensor gamma = affine ? param(c, Values.NORMAL, ch, strided) : null, beta = affine ? param(c, Values.NORMAL, ch, strided) : null;
        Tensor rm = running ? param(c, Values.NORMAL, ch, strided) : null, rv = running ? param(c, Values.POSITIVE, ch, strided) : null;
        BatchNormResult r = c.be.batchNorm(x, gamma, beta, rm, rv, training, momentum, eps);
        c.out("y", r.output());
        c.out("running_mean", rm);
        c.out("running_var", rv);
        BatchNormGrads g = c.be.batchNormBackward(c.randn(x.shape()), x, gamma, r, training);
        c.out("dx", g.dx());
        c.out("dgamma", g.dgamma());
        c.out("dbeta", g.dbeta());
    }

    static Tensor param(Ctx c, Values v, int n, boolean strided) { return strided ? c.gen(v, 2 * n).slice(0, 0, 2 * n, 2) : c.gen(v, n); }

    static void softmax(List<Case> cs) {
        Family f = Family.SOFTMAX;
        List<Input> xs = List.of(dense(1), dense(7), dense(3, 7), dense(2, 3, 17), dense(5, 33), dense(1, 1), transposed(3, 7));
        for (boolean log : new boolean[] {false, true}) {
            String op = (log ? "log-softmax" : "softmax") + " + backward";
            for (Input x : xs)
                for (Values v : new Values[] {Values.NORMAL, Values.LARGE})
                    add(cs, f, op, "x " + x + ", " + v.name().toLowerCase() + " values", c -> {
                        Tensor y = c.be.softmax(x.make(c, v), log);
                        c.out("y", y);
                        c.out("dx", c.be.softmaxBackward(c.randn(y.shape()), y, log));
                    });
            add(cs, f, op, "x [3, 5] with -inf entries", c -> {
                Tensor x = c.randn(3, 5);
                c.be.fill(x.narrow(1, 1, 2), Float.NEGATIVE_INFINITY);
                Tensor y = c.be.softmax(x, log);
                c.out("y", y);
                c.out("dx", c.be.softmaxBackward(c.randn(3, 5), y, log));
            });
            add(cs, f, op, "x [4, 9], dy transposed view", c -> {
                Tensor y = c.be.softmax(c.randn(4, 9), log);
                c.out("y", y);
                c.out("dx", c.be.softmaxBackward(c.randn(9, 4).t(), y, log));
            });
        }
    }

    static void relu(List<Case> cs) {
        Family f = Family.RELU;
        List<Input> xs = List.of(dense(1), dense(3), dense(7), dense(9), dense(17), dense(33), dense(65), dense(2, 3, 17),
                transposed(3, 33), stepped(4, 9), dense((1 << 16) + 5));
        for (Input x : xs)
            for (Values v : new Values[] {Values.SPECIAL, Values.TIES})
                add(cs, f, "relu + backward", "x " + x + ", " + (v == Values.TIES ? "-1/0/1 (exact zeros)" : "NaN, +-0, +-inf"), c -> {
                    Tensor y = c.be.relu(x.make(c, v));
                    c.out("y", y);
                    c.out("dx", c.be.reluBackward(c.gen(Values.SPECIAL, y.shape()), y));
                });
        add(cs, f, "relu + backward", "dy and y transposed views [3, 33]", c -> {
            Tensor y = c.be.relu(c.gen(Values.SPECIAL, 33, 3)).t();
            c.out("dx", c.be.reluBackward(c.randn(33, 3).t(), y));
        });
    }

    static void crossEntropy(List<Case> cs) {
        Family f = Family.LOSS;
        List<Input> xs = List.of(dense(1, 1), dense(1, 7), dense(5, 3), dense(4, 33), dense(17, 9), transposed(5, 7));
        for (Input x : xs)
            for (Values v : new Values[] {Values.NORMAL, Values.LARGE})
                for (float gl : new float[] {1f, 0.5f})
                    add(cs, f, "crossEntropy + backward", "logits " + x + ", " + v.name().toLowerCase() + " values, grad " + gl, c -> {
                        Tensor logits = x.make(c, v);
                        CrossEntropyResult r = c.be.crossEntropy(logits, c.index(logits.size(1), logits.size(0)));
                        c.out("loss", r.loss());
                        c.out("dlogits", c.be.crossEntropyBackward(c.scalar(gl), r));
                    });
    }

    static void sgd(List<Case> cs) {
        SgdParams[] ps = {
                new SgdParams(0.1f, 0f, 0f, 0f, false),
                new SgdParams(0.1f, 0f, 0f, 1e-3f, false),
                new SgdParams(0.1f, 0.9f, 0f, 0f, false),
                new SgdParams(0.05f, 0.9f, 0.1f, 1e-2f, false),
                new SgdParams(0.05f, 0.9f, 0f, 5e-4f, true),
                new SgdParams(0.05f, 0.9f, 0.5f, 5e-4f, true),
        };
        List<Input> params = List.of(dense(7), dense(3, 17), transposed(3, 5));
        for (SgdParams p : ps)
            for (Input in : params)
                add(cs, Family.SGD, "sgdStep x4", "param " + in + ", lr " + p.lr() + ", momentum " + p.momentum() + ", dampening " + p.dampening()
                        + ", weight decay " + p.weightDecay() + (p.nesterov() ? ", nesterov" : ""), c -> {
                    Tensor param = in.make(c, Values.NORMAL), buf = null;
                    for (int step = 1; step <= 4; step++) {
                        buf = c.be.sgdStep(param, c.randn(param.shape()), buf, p);
                        c.out("param after step " + step, param);
                        c.out("buffer after step " + step, buf);
                    }
                });
    }

    // ================================================================ devices

    /**
     * A device that is not the host: its storage wraps a float[] that only its backend reads, and
     * refuses {@code array()} as every device storage must. Its backend is the reference loops run
     * on host copies ({@link #fakeBackend}).
     */
    static final Device FAKE = new Device() {
        private Backend backend;

        @Override public String name() { return "fake:0"; }

        @Override public synchronized Backend backend() {
            if (backend == null) backend = fakeBackend();
            return backend;
        }

        @Override public boolean isHost() { return false; }

        @Override public float[] download(Storage s) { return ((FakeStorage) s).data().clone(); }

        @Override public Storage upload(float[] data) { return new FakeStorage(data.clone()); }

        @Override public String toString() { return name(); }
    };

    record FakeStorage(float[] data) implements Storage {
        @Override public int length() { return data.length; }

        @Override public Device device() { return FAKE; }

        @Override public float[] array() {
            throw new UnsupportedOperationException("storage on " + FAKE.name() + " is not host memory; read it with toArray() or cpu()");
        }
    }

    /** The fake device's backend proper: the reference loops, allocating on the fake device. */
    static final class FakeBackend extends ReferenceBackend {
        @Override public String name() { return "fake"; }

        @Override public String describe() { return "fake (the reference loops on host copies of " + FAKE.name() + " storage)"; }

        @Override public Storage allocate(int n) { return new FakeStorage(new float[n]); }
    }

    /**
     * {@link FakeBackend} behind an adapter that does what a device backend's kernels would: reads
     * its tensor arguments out of the fake storage (through their offsets and strides), runs the
     * reference loop on host copies, writes back the arguments the method updates in place, and
     * puts results on the fake device. (The inherited loops read {@code array()}, which fake
     * storage refuses, so the subclass alone could compute nothing on its own device.)
     */
    static Backend fakeBackend() {
        FakeBackend inner = new FakeBackend();
        Set<String> direct = Set.of("name", "priority", "describe", "threads", "setThreads", "allocate", "convBnEval");
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (p, m, args) -> {
            if (m.getDeclaringClass() == Object.class) return objectMethod(p, m, args, "fake backend");
            if (direct.contains(m.getName())) return invoke(inner, m, args);
            Object[] host = args.clone();
            IdentityHashMap<Tensor, Tensor> copies = new IdentityHashMap<>();
            for (int i = 0; i < host.length; i++) host[i] = toHostArg(host[i], copies);
            Object r = invoke(inner, m, host);
            for (int i : updatedInPlace(m.getName()))
                if (args[i] instanceof Tensor t && t.device() == FAKE) writeRaw(t, ((Tensor) host[i]).toArray());
            return toFakeResult(r);
        });
    }

    static int[] updatedInPlace(String method) {
        return switch (method) {
            case "unaryInto", "binaryInto" -> new int[] {1};
            case "copy", "fill", "axpy" -> new int[] {0};
            case "batchNorm", "batchNormAct" -> new int[] {3, 4};
            case "sgdStep" -> new int[] {0, 2};
            default -> new int[0];
        };
    }

    static Object toHostArg(Object o, IdentityHashMap<Tensor, Tensor> copies) {
        if (o instanceof Tensor t && t.device() == FAKE) return copies.computeIfAbsent(t, x -> Tensor.wrap(readRaw(x), x.shape()));
        if (o instanceof List<?> l) return l.stream().map(e -> toHostArg(e, copies)).toList();
        return o;
    }

    static Object toFakeResult(Object r) {
        if (r instanceof Tensor t) return t.to(FAKE);
        if (r instanceof PoolResult p) return new PoolResult(p.output().to(FAKE), p.argmax());
        if (r instanceof BatchNormResult b) return new BatchNormResult(b.output().to(FAKE), b.saved());
        if (r instanceof CrossEntropyResult e) return new CrossEntropyResult(e.loss().to(FAKE), e.saved());
        if (r instanceof BatchNormGrads g)
            return new BatchNormGrads(g.dx().to(FAKE), g.dgamma() == null ? null : g.dgamma().to(FAKE), g.dbeta() == null ? null : g.dbeta().to(FAKE));
        return r;
    }

    /** Positions in storage of a tensor's elements, in row-major order. */
    static int[] positions(Tensor t) {
        int[] shape = t.shape(), st = t.strides(), idx = new int[shape.length], pos = new int[t.numel()];
        for (int e = 0; e < pos.length; e++) {
            int p = t.offset();
            for (int k = 0; k < shape.length; k++) p += idx[k] * st[k];
            pos[e] = p;
            for (int k = shape.length - 1; k >= 0 && ++idx[k] == shape[k]; k--) idx[k] = 0;
        }
        return pos;
    }

    static float[] readRaw(Tensor t) {
        float[] raw = ((FakeStorage) t.storage()).data(), v = new float[t.numel()];
        int[] pos = positions(t);
        for (int e = 0; e < v.length; e++) v[e] = raw[pos[e]];
        return v;
    }

    static void writeRaw(Tensor t, float[] v) {
        float[] raw = ((FakeStorage) t.storage()).data();
        int[] pos = positions(t);
        for (int e = 0; e < v.length; e++) raw[pos[e]] = v[e];
    }

    @Test
    void opsOnTwoDevicesFailNamingBoth() {
        Rng rng = new Rng(11);
        Tensor a = Tensor.randn(rng, 3, 4), b = Tensor.randn(rng, 3, 4).to(FAKE);
        Tensor idxFake = Tensor.ofInts(new int[] {0, 2, 1}, 3, 1).to(FAKE);
        float[] before = a.toArray();
        Map<String, Executable> ops = new LinkedHashMap<>();
        ops.put("a.add(b)", () -> a.add(b));
        ops.put("b.add(a)", () -> b.add(a));
        ops.put("a.mul(b)", () -> a.mul(b));
        ops.put("b.maximum(a)", () -> b.maximum(a));
        ops.put("a.eq(b)", () -> a.eq(b));
        ops.put("a.matmul(b.t())", () -> a.matmul(b.t()));
        ops.put("cat(a, b)", () -> Tensor.cat(List.of(a, b), 0));
        ops.put("where(a > 0, a, b)", () -> Tensor.where(a.gt(0f), a, b));
        ops.put("a.addInPlace(b, 2)", () -> a.addInPlace(b, 2f));
        ops.put("a.mulInPlace(b)", () -> a.mulInPlace(b));
        ops.put("a.gather(0, fake index)", () -> a.gather(0, idxFake));
        ops.put("a.scatterAdd(0, fake index, a)", () -> a.scatterAdd(0, idxFake, a.narrow(1, 0, 1)));
        ops.put("a.indexSelect(0, fake index)", () -> a.indexSelect(0, idxFake.reshape(3)));
        for (var e : ops.entrySet()) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e.getValue(), e.getKey() + " across cpu and fake:0");
            assertTrue(x.getMessage().contains("cpu") && x.getMessage().contains("fake:0"), e.getKey() + ": " + x.getMessage());
        }
        assertArrayEquals(before, a.toArray(), "a failed in-place op must leave its target as it was");
        a.copyFrom(b); // copy_ is the one op that moves across devices, as PyTorch's does
        assertArrayEquals(b.toArray(), a.toArray(), "copyFrom across cpu and fake:0");
    }

    @Test
    void toAFakeDeviceAndBackRoundTrips() {
        Rng rng = new Rng(12);
        Tensor x = Tensor.randn(rng, 3, 5);
        Tensor f = x.to(FAKE);
        assertSame(FAKE, f.device());
        assertSame(f, f.to(FAKE), "to(its own device) is the tensor itself");
        assertSame(x, x.cpu(), "cpu() of a host tensor is the tensor itself");
        assertThrows(UnsupportedOperationException.class, f::array);
        assertArrayEquals(x.toArray(), f.toArray());
        Tensor back = f.cpu();
        assertSame(Device.CPU, back.device());
        assertArrayEquals(x.toArray(), back.array());
        // host views go out dense; device views come back through the device's own copy
        assertArrayEquals(x.t().toArray(), x.t().to(FAKE).cpu().toArray(), "a transposed host view");
        assertArrayEquals(x.t().toArray(), f.t().cpu().toArray(), "a transposed device view");
        assertArrayEquals(x.narrow(1, 1, 3).toArray(), f.narrow(1, 1, 3).toArray(), "a narrowed device view");
        assertArrayEquals(x.slice(1, 0, 5, 2).toArray(), f.slice(1, 0, 5, 2).cpu().toArray(), "a strided device view");
        assertArrayEquals(x.expand(2, 3, 5).toArray(), f.expand(2, 3, 5).toArray(), "an expanded device view");
        assertEquals(x.get(2, 1), f.select(0, 2).select(0, 1).item(), "item() of a one-element device view");
        assertEquals(x.get(1, 4), f.get(1, 4));
        assertEquals(x.get(0, 0), f.narrow(1, 0, 1).narrow(0, 0, 1).item());
        float original = x.get(0, 3);
        f.set(7f, 0, 3);
        assertEquals(7f, f.get(0, 3));
        assertEquals(7f, f.cpu().get(0, 3));
        assertEquals(original, x.get(0, 3), "the host original is untouched");
        Tensor s = Tensor.wrap(new float[] {2.5f}).to(FAKE);
        assertEquals(2.5f, s.item(), "item() of a rank-0 device tensor");
        assertTrue(f.toString().startsWith("Tensor[3, 5]"), f.toString());
        Tensor z = Tensor.zeros(FAKE, 2, 3);
        assertSame(FAKE, z.device());
        assertArrayEquals(new float[6], z.toArray());
        Tensor g = x.to(FAKE);
        assertArrayEquals(x.add(x).toArray(), g.add(g).toArray(), "an op on the fake device computes there");
        assertSame(FAKE, g.add(g).device());
    }
}
