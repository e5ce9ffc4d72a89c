package org.crld4j.crld.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two progress displays: a redrawn terminal line on its own stream, plain lines on the run's output. */
class ProgressTest {
    private final ByteArrayOutputStream plainBytes = new ByteArrayOutputStream(), liveBytes = new ByteArrayOutputStream();
    private final PrintStream plain = new PrintStream(plainBytes, true, StandardCharsets.UTF_8);
    private final PrintStream live = new PrintStream(liveBytes, true, StandardCharsets.UTF_8);

    private String plain() { return plainBytes.toString(StandardCharsets.UTF_8); }
    private String live() { return liveBytes.toString(StandardCharsets.UTF_8); }

    @Test void onATerminalOneLinePerPhaseIsRedrawnAndEnded() {
        Progress p = new Progress(plain, live, true, 2, 3, 40, 5.0);
        for (int s = 1; s <= 40; s++) p.update(s, 1.25f, 16L * s);
        p.finish();
        Progress eval = new Progress(plain, live, false, 2, 3, 10, 30.0);
        for (int s = 1; s <= 10; s++) eval.update(s, Float.NaN, 100L * s);
        eval.finish();
        assertEquals("", plain(), "nothing on the run's output, where the epoch lines and tables go");
        String[] lines = live().split("\n", -1);
        assertEquals(3, lines.length, "one ended line per phase: " + live());
        assertEquals("", lines[2]);
        String train = lines[0].substring(lines[0].lastIndexOf('\r') + 1), evalLine = lines[1].substring(lines[1].lastIndexOf('\r') + 1);
        assertTrue(train.startsWith("epoch 2/3 train [" + "=".repeat(24) + "] 40/40  loss 1.2500  ") && train.contains(" img/s  ETA 0:00, run "),
                train);
        assertTrue(evalLine.startsWith("epoch 2/3 eval  [" + "=".repeat(24) + "] 10/10  ") && !evalLine.contains("loss"), evalLine);
        assertTrue(lines[0].startsWith("\r") && train.endsWith("\u001b[K"), "redrawn in place, the rest of the line cleared");
    }

    @Test void inAPipeTrainingPrintsATenthAtATimeAndEvaluationNothing() {
        Progress p = new Progress(plain, null, true, 1, 2, 20, 0);
        for (int s = 1; s <= 20; s++) p.update(s, 0.5f, 8L * s);
        p.finish();
        Progress eval = new Progress(plain, null, false, 1, 2, 5, 0);
        for (int s = 1; s <= 5; s++) eval.update(s, Float.NaN, 10L * s);
        eval.finish();
        String[] lines = plain().split("\n");
        assertEquals(9, lines.length, plain()); // steps 2, 4, ..., 18: the last step is the epoch line's
        assertTrue(lines[0].startsWith("  epoch 1 step 2/20 loss 0.5000 ") && lines[0].contains(" img/s eta "), lines[0]);
        assertEquals("", live());
    }

    @Test void theRunsEtaCountsTheRestOfThisEpochAndTheEpochsAfter() {
        Progress p = new Progress(plain, live, true, 1, 3, 100, 10.0);
        // 100 steps projected at 60 s, 30 s left: the rest of this epoch (30 + 10 s evaluation), then two epochs of 60 + 10 s
        assertEquals(30 + 10 + 2 * (60 + 10), p.runEta(60, 30), 1e-9);
        Progress eval = new Progress(plain, live, false, 1, 3, 10, 60.0); // evaluation projected at 10 s, 5 s left, training 60 s
        assertEquals(5 + 2 * (10 + 60), eval.runEta(10, 5), 1e-9);
        assertEquals("0:05", Progress.clock(4.6));
        assertEquals("2:05", Progress.clock(125));
        assertEquals("1:02:03", Progress.clock(3723));
    }
}
