package org.crld4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Python ({@code /usr/bin/python3}, where python3-torch and python3-pil install) run
 * as a child process: the oracle of the interop and golden tests.
 */
public final class Python {
    private Python() {}

    public static final Path EXECUTABLE = Path.of("/usr/bin/python3");
    private static final ConcurrentHashMap<String, Boolean> MODULES = new ConcurrentHashMap<>();

    /** Whether {@code import module} succeeds (answered once per JVM). */
    public static boolean hasModule(String module) {
        return MODULES.computeIfAbsent(module, m -> {
            if (!Files.isExecutable(EXECUTABLE)) return false;
            try {
                Process p = new ProcessBuilder(EXECUTABLE.toString(), "-c", "import " + m).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** Requires PyTorch (Debian's python3-torch): skipped locally, a failure in CI. */
    public static void requireTorch() {
        Requirements.require(hasModule("torch"), "PyTorch for " + EXECUTABLE, "apt-get install python3-torch");
    }

    /** Requires PIL (Debian's python3-pil): skipped locally, a failure in CI. */
    public static void requirePil() {
        Requirements.require(hasModule("PIL"), "PIL for " + EXECUTABLE, "apt-get install python3-pil");
    }

    /** Runs {@code python3 -c script args...}; returns stdout+stderr, or throws with it on failure. */
    public static String run(String script, Object... args) throws IOException, InterruptedException {
        return exec(List.of("-c", script), args);
    }

    /** Runs {@code python3 file args...} (a script kept in the repository). */
    public static String runFile(Path file, Object... args) throws IOException, InterruptedException {
        if (!Files.isRegularFile(file)) throw new IOException("missing script " + file);
        return exec(List.of(file.toString()), args);
    }

    private static String exec(List<String> head, Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(EXECUTABLE.toString());
        cmd.addAll(head);
        for (Object a : args) cmd.add(a.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1"); // deterministic and polite beside the JVM's threads
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("python timed out: " + cmd);
        }
        if (p.exitValue() != 0) throw new IOException("python exited " + p.exitValue() + ": " + cmd + "\n" + out);
        return out;
    }

    /** The repository's root: the first folder holding {@code .ci} at or above -Dcrld4j.root (the build sets it), else the working directory. */
    public static Path repositoryRoot() {
        String root = System.getProperty("crld4j.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve(".ci"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the repository root from " + root);
        return p;
    }
}
