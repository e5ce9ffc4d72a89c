package org.crld4j.experiments;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HeapPlan as bin/crld runs it: in a JVM of its own with the launcher's collector (G1), then the run in the heap it planned. */
class HeapPlanTest {
    /** resnet8's activations per image that a training step keeps for its backward, counted by hand (floats). */
    private static final long RESNET8_SAVED_FLOATS = 2 * 16 * 1024 // stem: conv output (batch norm's input), ReLU output
            + 4 * 16 * 1024 // layer1: conv1, ReLU, conv2, ReLU outputs at 16 channels, 32x32
            + 5 * 32 * 256 // layer2: the same at 32 channels, 16x16, and the projection shortcut's convolution
            + 5 * 64 * 64; // layer3: 64 channels, 8x8

    /** What the planning JVM printed: the heap, and the figures it was sized from. */
    record Printed(long heapMb, long residentMb, long stepMb, long perImageKb, String heapPlan) {}

    private static final Pattern PLAN = Pattern.compile("-Xmx(\\d+)m\\n-Dcrld4j\\.heapPlan=(resident (\\d+) MB \\+ training step (\\d+) MB "
            + "\\(([\\d,]+) KB an image\\), x1\\.25 \\+ 256 MB)\\n");

    private static List<String> java() {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-modules") || a.startsWith("-XX:ObjectAlignmentInBytes")).toList());
        cmd.addAll(List.of("-XX:+UseG1GC", "-Dcrld4j.threads=2"));
        return cmd;
    }

    private static String run(List<String> cmd) throws Exception {
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
        assertEquals(0, child.exitValue(), out);
        return out;
    }

    static Printed planned(String... args) throws Exception {
        List<String> cmd = java();
        cmd.addAll(List.of("-Xmx2g", "-cp", System.getProperty("java.class.path"), HeapPlan.class.getName())); // as bin/crld runs it
        cmd.addAll(List.of(args));
        String out = run(cmd);
        Matcher m = PLAN.matcher(out);
        assertTrue(m.find(), "no plan printed for " + String.join(" ", args) + ":\n" + out);
        return new Printed(Long.parseLong(m.group(1)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
                Long.parseLong(m.group(5).replace(",", "")), m.group(2));
    }

    @Test void commandsWithoutDeclaredWorkGetNoPlan() {
        assertNull(HeapPlan.plan("models"));
        assertNull(HeapPlan.plan("bench-step", "--help"));
        assertNull(HeapPlan.plan("train", "--model", "no_such_model")); // the real run reports it
        assertNull(HeapPlan.plan("bench-step", "--device", "opencl", "--models", "resnet8")); // activations on the device, not the heap
    }

    @Test void theStepGrowsWithTheBatchByTheMeasuredBytesPerImage() throws Exception {
        Printed small = planned("train", "--model", "resnet8", "--set", "SOLVER.BATCH_SIZE=32");
        Printed large = planned("train", "--model", "resnet8", "--set", "SOLVER.BATCH_SIZE=160");
        double counted = 4.0 * RESNET8_SAVED_FLOATS / 1024;
        // measured 628 KB (the hand count: 624): the graph's small objects and the input image add a little
        assertTrue(large.perImageKb() > 0.95 * counted && large.perImageKb() < 1.3 * counted,
                "resnet8 keeps " + large.perImageKb() + " KB an image; counted " + counted);
        double loaderMb = 4.0 * 128 * 3 * 32 * 32 * 4 / (1 << 20); // the loader's batches in flight grow with the batch too
        assertEquals(128 * large.perImageKb() / 1024.0 + loaderMb, large.stepMb() - small.stepMb(), 3, small + " -> " + large);
        assertEquals(small.residentMb(), large.residentMb(), 8); // the same model and data
    }

    @Test void crldTrainsTheStudentOnTwoViews() throws Exception {
        Printed vanilla = planned("bench-step", "--models", "resnet8x4", "--no-crld");
        Printed crld = planned("bench-step", "--models", "resnet8x4"); // + the CRLD step: the same student on twice the images
        double loaderMb = 4.0 * 64 * 3 * 32 * 32 * 4 / (1 << 20);
        assertEquals(64 * vanilla.perImageKb() / 1024.0 + loaderMb, crld.stepMb() - vanilla.stepMb(), 0.05 * vanilla.stepMb(), vanilla + " -> " + crld);
        assertTrue(crld.residentMb() > vanilla.residentMb() + 20, "the teacher resnet32x4 (7.4 M parameters) is resident: " + crld);
    }

    /** The plan's heap is enough: the planned work runs in a JVM bounded to it, and says so. */
    @Test void thePlannedWorkRunsInThePlannedHeap() throws Exception {
        String[] args = {"bench-step", "--models", "resnet8x4", "--no-crld", "--warmup", "1", "--iters", "2"};
        Printed p = planned(args);
        List<String> cmd = java();
        cmd.addAll(List.of("-Xmx" + p.heapMb() + "m", "-Dcrld4j.heapPlan=" + p.heapPlan(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        String out = run(cmd);
        assertTrue(out.contains(String.format("crld4j heap: at most %,d MB, planned from the work (resident", p.heapMb())), out);
        assertTrue(out.contains("train img/s"), out);
    }
}
