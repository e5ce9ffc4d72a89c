package org.crld4j.experiments;

import org.crld4j.autograd.Profiler;
import org.crld4j.experiments.bench.Workloads;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.nn.optim.Sgd;
import org.crld4j.tensor.Device;
import org.crld4j.tensor.DeviceStats;
import org.crld4j.tensor.Devices;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.io.JsonWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The same work as ../shared/bench/torch_bench.py, batch 64 at 3x32x32 with 100 classes:
 * inference (eval, no graph) and one training step (zero grad, forward, cross-entropy, backward,
 * SGD lr 0.05 momentum 0.9 Nesterov wd 5e-4) per model, and the CRLD step (student resnet8x4
 * and teacher resnet32x4 on two views, T 4, taus 0.9/0.2, weights 1/1/1). W warm-up then K timed
 * iterations; median (min/max) images/s. Optionally a per-op profile, peak heap and RSS.
 */
@Command(name = "bench-step", mixinStandardHelpOptions = true,
        description = "Training-step and inference throughput at batch 64 (as ../shared/bench/torch_bench.py), with an optional per-op profile.")
final class BenchStepCommand implements Callable<Integer>, HeapPlan.Planned {
    @Option(names = "--models", split = ",", defaultValue = "resnet8x4,resnet32x4,wrn_40_2,MobileNetV2,ShuffleV2",
            description = "Models (default ${DEFAULT-VALUE}).") List<String> models;
    @Option(names = "--warmup", defaultValue = "2") int warmup;
    @Option(names = "--iters", defaultValue = "7") int iters;
    @Option(names = "--no-crld", description = "Skip the CRLD step.") boolean noCrld;
    @Option(names = "--profile", description = "Print time per op type (forward and backward) of one training step per model.") boolean profile;
    @Option(names = "--json", description = "Write the results as JSON here.") Path json;
    @Mixin DeviceOption deviceOption;

    static final int BATCH = 64, CLASSES = 100;

    interface Work { void run(); }

    static Map<String, Object> time(Work w, int warmup, int iters, double images) {
        Device device = Devices.defaultDevice(); // a device queues work: a step ends when its queue is drained
        for (int i = 0; i < warmup; i++) { w.run(); device.synchronize(); }
        double[] s = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            w.run();
            device.synchronize();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        double[] rates = Arrays.stream(s).map(x -> images / x).sorted().toArray();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sec_per_iter", Arrays.stream(s).boxed().toList());
        r.put("images_per_s", Map.of("min", rates[0], "median", rates[rates.length / 2], "max", rates[rates.length - 1]));
        return r;
    }

    static String fmt(Map<String, Object> r) {
        @SuppressWarnings("unchecked") Map<String, Double> m = (Map<String, Double>) r.get("images_per_s");
        return String.format("%.1f (%.1f / %.1f)", m.get("median"), m.get("min"), m.get("max"));
    }

    /** Each model trained at batch 64; CRLD's student on two views beside its teacher. Built one by one here, all held. */
    @Override public HeapPlan.Work work() {
        if (!deviceOption.isHost()) return null;
        List<Object> resident = new ArrayList<>();
        List<HeapPlan.Trained> trained = new ArrayList<>();
        int[] sample = {3, 32, 32};
        for (String name : models) {
            Classifier m = ModelZoo.create(name, CLASSES, new Rng(0));
            trained.add(new HeapPlan.Trained(m, BATCH, 1, sample));
        }
        if (!noCrld) {
            Classifier student = ModelZoo.create("resnet8x4", CLASSES, new Rng(0));
            resident.add(ModelZoo.create("resnet32x4", CLASSES, new Rng(1)));
            trained.add(new HeapPlan.Trained(student, BATCH, 2, sample));
        }
        return new HeapPlan.Work(resident, trained);
    }

    @Override public Integer call() throws Exception {
        Device device = deviceOption.select();
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("device", device.name() + " (" + device.backend().describe() + ")");
        res.put("threads", org.crld4j.tensor.Backends.host().threads());
        res.put("warmup", warmup);
        res.put("iters", iters);
        Map<String, Object> modelResults = new LinkedHashMap<>();
        // The batch is made on the host, as the data loader makes it; the CRLD step uploads it every step, as training does.
        Rng rng = new Rng(0);
        Tensor hostX = Tensor.randn(rng, BATCH, 3, 32, 32).cpu(), hostXs = Tensor.randn(rng, BATCH, 3, 32, 32).cpu();
        float[] yv = new float[BATCH];
        for (int i = 0; i < BATCH; i++) yv[i] = rng.nextInt(CLASSES);
        Tensor hostY = Tensor.wrap(yv, BATCH);
        Tensor x = hostX.to(device), y = hostY.to(device);
        for (String name : models) {
            Classifier m = ModelZoo.create(name, CLASSES, new Rng(0));
            Map<String, Object> inf = time(() -> Workloads.inference(m, x), warmup, iters, BATCH);
            Sgd sgd = Workloads.sgd(m);
            Work step = () -> Workloads.trainStep(m, sgd, x, y);
            Map<String, Object> tr = time(step, warmup, iters, BATCH);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("params", m.numParameters());
            r.put("inference_eval_no_grad", inf);
            r.put("train_step_sgd", tr);
            modelResults.put(name, r);
            System.out.printf("%-12s inference img/s %s   train img/s %s%n", name, fmt(inf), fmt(tr));
            if (profile) printProfile(name, step);
        }
        res.put("models", modelResults);
        if (!noCrld) {
            Classifier student = ModelZoo.create("resnet8x4", CLASSES, new Rng(0)), teacher = ModelZoo.create("resnet32x4", CLASSES, new Rng(1));
            Sgd sgd = Workloads.sgd(student);
            Work step = () -> Workloads.crldStep(student, teacher, sgd, hostX.to(device), hostXs.to(device), hostY.to(device));
            Map<String, Object> r = time(step, warmup, iters, BATCH);
            DeviceStats before = device.stats();
            step.run();
            device.synchronize();
            DeviceStats one = device.stats().minus(before);
            r.put("transfers_per_step", Map.of("uploads", one.uploads(), "upload_bytes", one.uploadBytes(),
                    "downloads", one.downloads(), "download_bytes", one.downloadBytes()));
            res.put("crld", r);
            System.out.printf("crld step    img/s %s  (student resnet8x4, teacher resnet32x4, two views)%n", fmt(r));
            if (!device.isHost())
                System.out.printf("  host<->device transfers in one CRLD step: %d uploads (%s), %d downloads (%s)%n", one.uploads(),
                        DeviceStats.bytes(one.uploadBytes()), one.downloads(), DeviceStats.bytes(one.downloadBytes()));
            if (profile) printProfile("crld step", step);
        }
        if (!device.isHost()) {
            res.put("device_memory", device.stats().toString());
            System.out.println(device.name() + ": " + device.stats());
        }
        long heapPeak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == java.lang.management.MemoryType.HEAP && p.getPeakUsage() != null) heapPeak += p.getPeakUsage().getUsed();
        long rss = peakRssKb();
        res.put("peak_heap_mb", heapPeak / 1048576.0);
        res.put("peak_rss_mb", rss / 1024.0);
        System.out.printf("peak heap %.0f MB (sum of pool peaks), peak RSS %.0f MB (VmHWM)%n", heapPeak / 1048576.0, rss / 1024.0);
        if (json != null) Files.writeString(json, JsonWriter.write(res));
        return 0;
    }

    private static void printProfile(String what, Work step) {
        Profiler.start();
        long t0 = System.nanoTime();
        step.run();
        double total = (System.nanoTime() - t0) / 1e6;
        Map<String, Profiler.Stat> p = Profiler.stop();
        System.out.printf("  profile of one %s step (%.0f ms):%n  %-22s %10s %10s %7s%n", what, total, "op", "fwd ms", "bwd ms", "calls");
        List<String> lines = new ArrayList<>();
        p.forEach((op, s) -> lines.add(String.format("  %-22s %10.1f %10.1f %7d", op, s.forwardNanos() / 1e6, s.backwardNanos() / 1e6, s.calls())));
        lines.stream().limit(12).forEach(System.out::println);
    }

    private static long peakRssKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        } catch (Exception ignored) {
            // not Linux
        }
        return 0;
    }
}
