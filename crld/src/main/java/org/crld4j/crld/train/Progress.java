package org.crld4j.crld.train;

import java.io.PrintStream;

/**
 * The progress of one phase of a run: an epoch's training steps or its evaluation. On a terminal,
 * one line on stderr redrawn in place (bar, images/s, loss, ETA of the phase and of the whole
 * run) and ended when the phase ends, so stdout, where the epoch lines and tables go, never holds
 * a partial line. In a pipe or a CI log, a plain line on the run's output every tenth of a
 * training epoch, as before, and nothing for evaluation.
 */
final class Progress {
    private static final int BAR_WIDTH = 24;
    private static final long REDRAW_NS = 100_000_000; // a terminal needs no more than ten frames a second

    private final PrintStream plain, live; // live: the terminal's stderr; null in a pipe
    private final boolean training;
    private final int epoch, epochs, steps;
    private final double otherPhaseSeconds; // the other phase's last duration (0 before it first ran)
    private final long start = System.nanoTime();
    private long lastDraw = Long.MIN_VALUE;
    private String lastLine;
    private int lastDecile = 0;

    /** {@code live} is the terminal stream, or null when nobody watches. */
    Progress(PrintStream plain, PrintStream live, boolean training, int epoch, int epochs, int steps, double otherPhaseSeconds) {
        this.plain = plain;
        this.live = live;
        this.training = training;
        this.epoch = epoch;
        this.epochs = epochs;
        this.steps = steps;
        this.otherPhaseSeconds = otherPhaseSeconds;
    }

    /** An epoch's training steps; {@code lastEvalSeconds} feeds the run's ETA. */
    static Progress training(PrintStream out, int epoch, int epochs, int steps, double lastEvalSeconds) {
        return new Progress(out, onTerminal() ? System.err : null, true, epoch, epochs, steps, lastEvalSeconds);
    }

    /** An epoch's evaluation, shown on a terminal only; {@code lastTrainSeconds} feeds the run's ETA. */
    static Progress evaluation(PrintStream out, int epoch, int epochs, int batches, double lastTrainSeconds) {
        return new Progress(out, onTerminal() ? System.err : null, false, epoch, epochs, batches, lastTrainSeconds);
    }

    /** After {@code step} of the phase's steps, {@code images} images in; {@code loss} NaN when there is none. */
    void update(int step, float loss, long images) {
        double sec = (System.nanoTime() - start) / 1e9, rate = images / Math.max(sec, 1e-9);
        double eta = sec / step * (steps - step);
        if (live != null) {
            long now = System.nanoTime();
            if (step < steps && now - lastDraw < REDRAW_NS) return;
            lastDraw = now;
            lastLine = line(step, loss, rate, eta, runEta(sec / step * steps, eta));
            live.print("\r" + lastLine + "\u001b[K"); // ESC[K clears what a longer earlier frame left
            live.flush();
        } else if (training) {
            int decile = (int) (10L * step / steps);
            if (decile > lastDecile && step < steps) {
                lastDecile = decile;
                plain.printf("  epoch %d step %d/%d loss %.4f %.0f img/s eta %.0fs%n", epoch, step, steps, loss, rate, eta);
            }
        }
    }

    /** Ends the terminal line (with the phase's last frame), so that what follows starts on a line of its own. */
    void finish() {
        if (live == null || lastLine == null) return;
        live.print("\r" + lastLine + "\u001b[K\n");
        live.flush();
    }

    /** Seconds left in the run: this phase's rest, then the other phase of this epoch, then whole epochs. */
    double runEta(double projectedPhase, double phaseEta) {
        double rest = phaseEta + (training ? otherPhaseSeconds : 0);
        return rest + (epochs - epoch) * (projectedPhase + otherPhaseSeconds);
    }

    private String line(int step, float loss, double rate, double eta, double runEta) {
        int filled = (int) ((long) BAR_WIDTH * step / steps);
        String bar = "=".repeat(filled) + (filled < BAR_WIDTH ? ">" + " ".repeat(BAR_WIDTH - filled - 1) : "");
        String lossPart = Float.isNaN(loss) ? "" : String.format("  loss %.4f", loss);
        return String.format("epoch %d/%d %-5s [%s] %d/%d%s  %.0f img/s  ETA %s, run %s", epoch, epochs, training ? "train" : "eval", bar,
                step, steps, lossPart, rate, clock(eta), clock(runEta));
    }

    /** m:ss, or h:mm:ss from an hour. */
    static String clock(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    /**
     * Whether a person watches: from JDK 22 System.console() is non-null also when the output goes
     * to a pipe or a file, and only Console.isTerminal() (JDK 22+) tells; on JDK 21 a console is a terminal.
     */
    static boolean onTerminal() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException jdk21) {
            return true;
        }
    }
}
