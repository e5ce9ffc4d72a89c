package org.crld4j.experiments;

import org.crld4j.tensor.Backends;
import org.crld4j.nn.io.Checkpoint;
import org.crld4j.nn.io.Pth;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.crld4j.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Ctrl-C end to end: a child JVM runs the real {@code crld distill} on the embedded data, gets a
 * real SIGINT mid-epoch, exits with 130 leaving a whole {@code latest.ckpt}; a second child
 * resumes it to the end, and weights, optimiser state and per-epoch logs equal an uninterrupted
 * run's bit for bit. The child is held at its first progress line (see {@link PausingMain}) until
 * the parent has seen the signal arrive, so the stop lands on a known step, never by timing.
 */
class InterruptTest {
    @TempDir Path dir;

    /** Seconds a wait may take: a guard against a hung child, not a synchronisation. */
    private static final long WAIT_S = 180;

    private String[] args(Path teacher, Path out) {
        return new String[] {"distill", "--method", "crld", "--model", "resnet8", "--teacher-model", "resnet8", "--teacher", teacher.toString(),
                "--data", "embedded", "--out", out.toString(), "--set", "SOLVER.EPOCHS=2", "--set", "SOLVER.BATCH_SIZE=16",
                "--set", "DATASET.LABEL_FRACTION=0.02", "--set", "DATASET.NUM_WORKERS=1", "--set", "SOLVER.LR_DECAY_STAGES=[1]",
                "--set", "DATASET.TEST.BATCH_SIZE=200"};
    }

    @Test void ctrlCCheckpointsAndResumeEqualsAnUninterruptedRun() throws Exception {
        Classifier t = ModelZoo.create("resnet8", 10, new Rng(5));
        Path teacher = dir.resolve("teacher.pth"), interrupted = dir.resolve("interrupted"), straight = dir.resolve("straight");
        Pth.writeStateDict(t.stateDict(), t.integerStateNames(), teacher);

        int step;
        Child child = Child.start(dir, PausingMain.class, List.of("-Dcrld4j.test.pauseAt=epoch 1 step"), args(teacher, interrupted));
        try {
            String paused = child.stdout.awaitLine(l -> l.contains("epoch 1 step"), child); // the training thread waits inside this println
            Matcher m = Pattern.compile("epoch 1 step (\\d+)/(\\d+)").matcher(paused);
            assertTrue(m.find(), paused);
            step = Integer.parseInt(m.group(1));
            assertTrue(step < Integer.parseInt(m.group(2)), "paused mid-epoch: " + paused);
            child.signal("INT");
            child.stderr.awaitLine(l -> l.startsWith("interrupt received"), child); // the hook has requested the stop
            child.release();
            assertEquals(TrainCommand.INTERRUPTED, child.exitCode(), child.transcript());
            int at = step;
            assertTrue(child.stdout.lines().stream().anyMatch(l -> l.equals("interrupted at epoch 1 step " + at + "; checkpoint "
                    + interrupted.resolve("latest.ckpt") + " (continue with --resume)")), child.transcript());

            Checkpoint c = Checkpoint.load(interrupted.resolve("latest.ckpt")); // whole: the checksum verifies
            assertEquals(0, ((Number) c.meta().get("epoch")).intValue());
            assertEquals(step, ((Number) c.meta().get("step")).intValue(), "checkpointed at the step the signal found");
            try (Stream<Path> files = Files.list(interrupted)) {
                assertEquals(List.of("config.yaml", "latest.ckpt", "steps.csv"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                        "no temporary file, no log line or best.ckpt for the unfinished epoch");
            }
            assertEquals(1 + step, Files.readAllLines(interrupted.resolve("steps.csv")).size(), "the step log ends at the checkpoint's step");
        } finally {
            child.destroy();
        }

        Child resumed = Child.start(dir, Main.class, List.of(), concat(args(teacher, interrupted), "--resume"));
        try {
            assertEquals(0, resumed.exitCode(), resumed.transcript());
            String from = "resumed from " + interrupted.resolve("latest.ckpt") + ": 0 epochs done and " + step + " steps of epoch 1";
            assertTrue(resumed.stdout.lines().stream().anyMatch(l -> l.startsWith(from)), resumed.transcript());
        } finally {
            resumed.destroy();
        }

        CliTest.Run reference = CliTest.crld(args(teacher, straight)); // in this JVM: same flags and thread count as the children
        assertEquals(0, reference.code(), reference.out() + reference.err());

        for (String ckpt : new String[] {"latest.ckpt", "best.ckpt"}) {
            Map<String, Tensor> a = Checkpoint.load(straight.resolve(ckpt)).tensors(), b = Checkpoint.load(interrupted.resolve(ckpt)).tensors();
            assertEquals(a.keySet(), b.keySet(), ckpt);
            for (var e : a.entrySet()) assertArrayEquals(e.getValue().toArray(), b.get(e.getKey()).toArray(), ckpt + " " + e.getKey());
        }
        assertEquals(withoutTiming(straight.resolve("log.jsonl")), withoutTiming(interrupted.resolve("log.jsonl")));
        assertEquals(2, Files.readAllLines(straight.resolve("log.jsonl")).size());
    }

    private static List<String> withoutTiming(Path jsonl) throws IOException {
        return Files.readAllLines(jsonl).stream().map(l -> l.replaceAll("\"(images_per_s|seconds|eval_seconds)\":[0-9.eE+-]+,?", "")).toList();
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** The lines of a child's stream, read by a thread of their own so that the child never blocks on a full pipe. */
    static final class Lines {
        private final BlockingQueue<String> fresh = new LinkedBlockingQueue<>();
        private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
        private static final String EOF = new String("<eof>"); // compared by identity
        private final Thread reader;

        Lines(InputStream in, String name) {
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        all.add(l);
                        fresh.add(l);
                    }
                } catch (IOException ignored) {
                    // the child went away
                } finally {
                    fresh.add(EOF);
                }
            }, name);
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits until the stream has ended (the child exited) and every line is in {@link #lines}. */
        void awaitEnd() throws InterruptedException { reader.join(TimeUnit.SECONDS.toMillis(WAIT_S)); }

        List<String> lines() { synchronized (all) { return List.copyOf(all); } }

        /** The next line matching, waiting as long as the child lives (WAIT at most). */
        String awaitLine(java.util.function.Predicate<String> p, Child c) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
            while (System.nanoTime() < deadline) {
                String l = fresh.poll(1, TimeUnit.SECONDS);
                if (l == EOF) fail("the child ended before the expected line\n" + c.transcript());
                if (l != null && p.test(l)) return l;
            }
            return fail("no expected line within " + WAIT_S + " s\n" + c.transcript());
        }
    }

    /** A JVM running one main class of this module with the test JVM's class path and flags. */
    static final class Child {
        final Process process;
        final Lines stdout, stderr;

        private Child(Process p) {
            process = p;
            stdout = new Lines(p.getInputStream(), "child-stdout");
            stderr = new Lines(p.getErrorStream(), "child-stderr");
        }

        static Child start(Path workDir, Class<?> main, List<String> props, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(launcher());
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmFlags());
            cmd.add("-Dcrld4j.threads=" + Backends.host().threads()); // bit-identical to this JVM's reference run
            cmd.addAll(props);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(main.getName());
            cmd.addAll(List.of(args));
            return new Child(new ProcessBuilder(cmd).directory(workDir.toFile()).start());
        }

        /** The flags the results depend on, as this JVM has them (Surefire's argLine): the vector module, object alignment, crld4j's properties. */
        private static List<String> jvmFlags() {
            List<String> flags = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("--add-modules") || a.startsWith("-XX:ObjectAlignmentInBytes")
                            || a.startsWith("-Dcrld4j.") && !a.startsWith("-Dcrld4j.threads")).toList());
            if (flags.stream().noneMatch(a -> a.startsWith("--add-modules"))) flags.add("--add-modules=jdk.incubator.vector");
            flags.add("-Xmx1g");
            return flags;
        }

        /**
         * A JVM started with SIGINT ignored keeps ignoring it (it honours nohup and a shell's
         * background jobs), and a child inherits that from us: then reset it on the way in.
         */
        private static List<String> launcher() throws IOException {
            if (!sigintIgnored()) return List.of();
            boolean envResets;
            try {
                Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                envResets = p.waitFor() == 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                envResets = false;
            }
            Requirements.require(envResets, "a way to un-ignore SIGINT for the child (this JVM ignores it)", "GNU coreutils >= 8.31: env --default-signal");
            return List.of("env", "--default-signal=INT");
        }

        /** Whether this process ignores SIGINT (Linux's /proc/self/status, bit 1 of SigIgn). */
        private static boolean sigintIgnored() throws IOException {
            Path status = Path.of("/proc/self/status");
            if (!Files.isReadable(status)) return false;
            for (String l : Files.readAllLines(status))
                if (l.startsWith("SigIgn:")) return (Long.parseUnsignedLong(l.substring(7).trim(), 16) & (1L << 1)) != 0;
            return false;
        }

        void signal(String name) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, kill.waitFor(), "kill -" + name + ": " + out);
        }

        /** Lets the paused child go on (one line on its stdin). */
        void release() throws IOException {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
        }

        int exitCode() throws InterruptedException {
            if (!process.waitFor(WAIT_S, TimeUnit.SECONDS)) fail("the child did not exit within " + WAIT_S + " s\n" + transcript());
            stdout.awaitEnd();
            stderr.awaitEnd();
            return process.exitValue();
        }

        String transcript() {
            return "--- child stdout\n" + String.join("\n", stdout.lines()) + "\n--- child stderr\n" + String.join("\n", stderr.lines());
        }

        void destroy() { process.destroyForcibly(); }
    }
}
