package org.crld4j.crld.train;

import java.io.PrintStream;

/** A progress bar with images/s and ETA on a terminal; on a pipe, a plain line every tenth of the epoch. */
final class Progress {
    private final PrintStream out;
    private final int epoch, epochs, steps;
    private final boolean terminal = onTerminal();
    private final long start = System.nanoTime();
    private int lastDecile = 0;

    Progress(PrintStream out, int epoch, int epochs, int steps) {
        this.out = out;
        this.epoch = epoch;
        this.epochs = epochs;
        this.steps = steps;
    }

    void update(int step, float loss, long images) {
        double sec = (System.nanoTime() - start) / 1e9, rate = images / Math.max(sec, 1e-9);
        double eta = sec / step * (steps - step);
        if (terminal) {
            int width = 30, filled = (int) ((long) width * step / steps);
            out.printf("\repoch %d/%d [%s%s] %d/%d loss %.4f %.0f img/s ETA %02d:%02d   ", epoch, epochs, "=".repeat(filled),
                    " ".repeat(width - filled), step, steps, loss, rate, (int) eta / 60, (int) eta % 60);
            out.flush();
        } else {
            int decile = (int) (10L * step / steps);
            if (decile > lastDecile && step < steps) {
                lastDecile = decile;
                out.printf("  epoch %d step %d/%d loss %.4f %.0f img/s eta %.0fs%n", epoch, step, steps, loss, rate, eta);
            }
        }
    }

    void finish() { if (terminal) out.println(); }

    /**
     * Whether a person watches: from JDK 22 System.console() is non-null also when the output goes
     * to a pipe or a file, and only Console.isTerminal() (JDK 22+) tells; on JDK 21 a console is a terminal.
     */
    private static boolean onTerminal() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException jdk21) {
            return true;
        }
    }
}
