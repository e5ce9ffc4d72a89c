package org.crld4j.experiments;

import org.crld4j.testing.Requirements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The teacher the demo ships ({@value DemoCommand#SHIPPED_TEACHER}) is what the files beside it
 * say: `crld eval` through the ordinary checkpoint reader scores the test accuracy of its log's
 * last epoch, and its training command, run again, trains the first steps bit for bit as its
 * step log recorded them.
 */
class ShippedTeacherTest {
    static final Path FULL_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** Steps retrained: a run of the whole command takes over an hour on 2 cores. */
    static final int STEPS = 12;

    @TempDir Path dir;
    static Path teacherDir;

    @BeforeAll static void files() {
        teacherDir = DemoCommand.home().resolve(DemoCommand.SHIPPED_TEACHER).getParent();
        for (String f : List.of("teacher.ckpt", "command.txt", "log.csv", "steps.csv", "README.md"))
            assertTrue(Files.isRegularFile(teacherDir.resolve(f)), "shipped with the teacher: " + teacherDir.resolve(f));
        Requirements.require(Files.isDirectory(FULL_FASHION_MNIST), "the full Fashion-MNIST at " + FULL_FASHION_MNIST,
                "apt-get install dataset-fashion-mnist");
    }

    /** The training command as its file gives it, without the launcher. */
    static List<String> command() throws Exception {
        String line = Files.readString(teacherDir.resolve("command.txt")).strip();
        List<String> args = new ArrayList<>(Arrays.asList(line.replace("'", "").split(" +")));
        assertEquals(List.of("bin/crld", "train"), args.subList(0, 2), "command.txt: " + line);
        return args.subList(1, args.size());
    }

    @Test void evalThroughTheCheckpointReaderGivesTheLoggedAccuracy() throws Exception {
        List<String> log = Files.readAllLines(teacherDir.resolve("log.csv"));
        List<String> header = Arrays.asList(log.get(0).split(","));
        String[] last = log.get(log.size() - 1).split(",");
        double logged = Double.parseDouble(last[header.indexOf("test_acc")]);
        List<String> command = command();
        String model = command.get(command.indexOf("--model") + 1);
        CliTest.Run r = CliTest.crld("eval", "--model", model, "--checkpoint", teacherDir.resolve("teacher.ckpt").toString(),
                "--data", "idx:" + FULL_FASHION_MNIST);
        assertEquals(0, r.code(), r.out() + r.err());
        Matcher m = Pattern.compile("\\(10000 images\\): top-1 (\\d+\\.\\d\\d)%").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(String.format("%.2f", logged), m.group(1), "crld eval against log.csv's last test_acc");
        assertTrue(logged > 90, "a teacher clearly above the students: " + logged);
    }

    /**
     * A new JVM (at 256-bit vectors and 2 threads, as the shipped run: results depend on both)
     * runs the command for its first steps; each step's loss must equal the shipped steps.csv's.
     */
    @Test void theTrainingCommandReproducesTheFirstStepsBitForBit() throws Exception {
        List<String> args = new ArrayList<>(command());
        int out = args.indexOf("--out");
        args.set(out + 1, dir.resolve("run").toString());
        args.addAll(List.of("--set", "SOLVER.MAX_STEPS_PER_EPOCH=" + STEPS, "--set", "SOLVER.EPOCHS=1"));
        InterruptTest.Child c = InterruptTest.Child.start(dir, Main.class, List.of("-Dcrld4j.threads=2", "-Dcrld4j.vectorBits=256", "-Xmx2g"),
                args.toArray(String[]::new));
        int code = c.process.waitFor();
        c.stdout.awaitEnd();
        c.stderr.awaitEnd();
        assertEquals(0, code, String.join("\n", c.stdout.lines()) + String.join("\n", c.stderr.lines()));
        List<String> shipped = Files.readAllLines(teacherDir.resolve("steps.csv")).subList(0, STEPS + 1);
        List<String> rerun = Files.readAllLines(dir.resolve("run").resolve("steps.csv"));
        assertEquals(shipped, rerun, "epoch,step,loss of the first " + STEPS + " steps");
    }
}
