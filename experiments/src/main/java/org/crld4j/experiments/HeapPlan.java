package org.crld4j.experiments;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.models.Classifier;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.List;

/**
 * The JVM heap a command's work needs, measured before the work runs: {@code bin/crld} runs this
 * in a small JVM of its own with the command's arguments and starts the real run with the
 * {@code -Xmx} it prints. G1 otherwise grows the heap towards its default maximum (a quarter of
 * RAM) while a training step allocates activations this fast (BENCHMARKS.md, "Bounding the heap").
 *
 * <p>The plan is what stays resident (models, loaded data sets, teacher weights: the heap in use
 * after a collection once the command has built them), plus, for the largest trained model, the
 * tensors one training step keeps for its backward (measured: the heap a forward on {@value #PROBE}
 * images keeps alive, scaled to the batch and the number of views), its gradients and momentum
 * buffers and the loader's batches in flight; that sum times {@value #HEADROOM_PERCENT}% plus
 * {@value #YOUNG_MB} MB, for the transients of the backward pass and G1's young generation.
 * Commands that do not declare their work (inspection, export, evaluation) get no plan, and
 * neither do a run whose {@code CRLD4J_JAVA_OPTS} sets the heap, a device run, and a model whose
 * first probe takes over {@value #MAX_FIRST_FORWARD_SECONDS} s (or does not fit the planning JVM's 2 GB).
 */
public final class HeapPlan {
    private HeapPlan() {}

    static final int PROBE = 2, HEADROOM_PERCENT = 125, YOUNG_MB = 256;
    /** A model whose first forward on 1 + PROBE images takes longer (a ViT at 384 pixels) is not planned: the run keeps the default heap. */
    static final int MAX_FIRST_FORWARD_SECONDS = 15;

    /** A command whose work can be set up (models built, data loaded) without running it. */
    interface Planned {
        /** Builds what the command would hold and names what it trains, or null where it plans nothing (a device run). */
        Work work() throws Exception;
    }

    /**
     * What a command holds while it runs ({@code resident}: anything, kept reachable while the heap
     * is measured) and the models it trains.
     */
    record Work(List<Object> resident, List<Trained> trained) {}

    /** A model trained with {@code batch} images of shape {@code sample} ([C, H, W]) per view, {@code views} views a step. */
    record Trained(Classifier model, int batch, int views, int[] sample) {}

    /** Bytes measured for a work: resident, and for the step of its largest trained model (which keeps perImageBytes an image). */
    record Plan(long residentBytes, long stepBytes, long perImageBytes) {
        long heapBytes() { return (residentBytes + stepBytes) * HEADROOM_PERCENT / 100 + ((long) YOUNG_MB << 20); }

        /** The heap in MB, rounded up to 64 MB. */
        long heapMb() { return ((heapBytes() >> 20) + 63) / 64 * 64; }

        String describe() {
            return String.format("resident %d MB + training step %d MB (%,d KB an image), x%.2f + %d MB", residentBytes >> 20, stepBytes >> 20,
                    perImageBytes >> 10, HEADROOM_PERCENT / 100.0, YOUNG_MB);
        }
    }

    /** Measures a work in this JVM (collections included: meant for the planning JVM, or a test); null where a probe is too slow. */
    static Plan measure(Work work) {
        long resident = usedAfterGc();
        long step = 0, stepPerImage = 0;
        Rng rng = new Rng(0);
        for (Trained t : work.trained()) {
            t.model().train();
            // the first forwards set up what stays (the kernels' per-thread workspaces, each pool thread's on its first task:
            // one forward was not always enough); pairs of forwards on 1 and 1 + PROBE images give the bytes per image
            long t0 = System.nanoTime();
            long workspaces = savedByForward(t, 1 + PROBE, rng, false);
            if (System.nanoTime() - t0 > MAX_FIRST_FORWARD_SECONDS * 1_000_000_000L) return null; // the probes would take minutes
            workspaces += savedByForward(t, 1 + PROBE, rng, false);
            long perImage = Long.MAX_VALUE;
            for (int pair = 0; pair < 2; pair++) { // the smaller of two: a buffer grown during a probe only ever adds to one
                long small = savedByForward(t, 1, rng, true), large = savedByForward(t, 1 + PROBE, rng, true);
                perImage = Math.min(perImage, Math.max(0, (large - small) / PROBE));
            }
            long images = (long) t.batch() * t.views();
            long activations = perImage * images + Math.max(0, workspaces);
            long gradientsAndMomentum = 2L * 4 * t.model().numParameters();
            long sampleFloats = 1;
            for (int d : t.sample()) sampleFloats *= d;
            long loaderBatches = 4L * images * sampleFloats * 4; // the loader's prefetch queue and the batch on the device
            long bytes = activations + gradientsAndMomentum + loaderBatches;
            if (bytes > step) {
                step = bytes;
                stepPerImage = perImage;
            }
        }
        Reference.reachabilityFence(work);
        return new Plan(resident, step, stepPerImage);
    }

    /** The heap a recorded forward on {@code n} images leaves in use, with its graph ({@code keep}: what its backward would read) or without. */
    private static long savedByForward(Trained t, int n, Rng rng, boolean keep) {
        long before = usedAfterGc();
        int[] shape = new int[t.sample().length + 1];
        shape[0] = n;
        System.arraycopy(t.sample(), 0, shape, 1, t.sample().length);
        Variable out = t.model().forward(Variable.constant(Tensor.randn(rng, shape)));
        if (!keep) out = null;
        long saved = usedAfterGc() - before;
        Reference.reachabilityFence(out); // the graph alive until measured
        return saved;
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 2; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The plan for a command line, or null where the command declares no work or the plan fails. */
    static Plan plan(String... args) {
        try {
            CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args);
            while (parsed.hasSubcommand()) parsed = parsed.subcommand();
            if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()) return null;
            if (!(parsed.commandSpec().userObject() instanceof Planned p)) return null;
            Work w = p.work();
            return w == null ? null : measure(w);
        } catch (Exception | OutOfMemoryError e) { // the real run reports bad input; it just runs without a plan
            return null;
        }
    }

    /**
     * Prints the JVM options for the command line in {@code args}, one a line: {@code -Xmx<MB>m} and
     * {@code -Dcrld4j.heapPlan=<how it was sized>}; or nothing (no plan, or one at least the
     * default maximum heap of a JVM on this machine).
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream())); // what the command prints while it sets up
        Plan p = plan(args);
        long defaultMaxMb = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() / 4 >> 20 : Long.MAX_VALUE;
        if (p != null && p.heapMb() < defaultMaxMb)
            out.println("-Xmx" + p.heapMb() + "m\n-Dcrld4j.heapPlan=" + p.describe());
        out.flush();
        System.exit(0);
    }
}
