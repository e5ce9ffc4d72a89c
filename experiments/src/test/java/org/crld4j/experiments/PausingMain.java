package org.crld4j.experiments;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The real {@code crld} main with one change to its surroundings: the first stdout line holding
 * {@code -Dcrld4j.test.pauseAt} is written out, then the writing thread waits for a line on stdin.
 * The training loop prints its progress lines from the training thread right before it checks for
 * a stop request, so {@link InterruptTest} can deliver SIGINT while training is parked mid-epoch
 * at a known step, and release it once the signal has been seen: no sleeps, no races.
 */
public final class PausingMain {
    private PausingMain() {}

    public static void main(String[] args) {
        String marker = System.getProperty("crld4j.test.pauseAt");
        if (marker == null) throw new IllegalStateException("set -Dcrld4j.test.pauseAt");
        System.setOut(new PrintStream(new PauseAtLine(new FileOutputStream(FileDescriptor.out), marker), true, StandardCharsets.UTF_8));
        Main.main(args);
    }

    /** Passes lines through; after the first line containing the marker, blocks until stdin yields a line (or ends). */
    static final class PauseAtLine extends OutputStream {
        private final OutputStream out;
        private final String marker;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        private boolean paused;

        PauseAtLine(OutputStream out, String marker) {
            this.out = out;
            this.marker = marker;
        }

        @Override public void write(int b) throws IOException {
            line.write(b);
            if (b == '\n') endOfLine();
        }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) write(b[i]);
        }

        /** Whole lines only: an autoflushing PrintStream flushes after every piece of a printf. */
        @Override public void flush() throws IOException { out.flush(); }

        @Override public void close() throws IOException {
            out.write(line.toByteArray());
            out.close();
        }

        private void endOfLine() throws IOException {
            boolean hit = !paused && line.toString(StandardCharsets.UTF_8).contains(marker);
            out.write(line.toByteArray());
            out.flush();
            line.reset();
            if (hit) {
                paused = true;
                int c;
                do c = System.in.read(); while (c != -1 && c != '\n');
            }
        }
    }
}
