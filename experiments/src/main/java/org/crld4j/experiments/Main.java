package org.crld4j.experiments;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code crld} command line. */
@Command(name = "crld", mixinStandardHelpOptions = true, version = "crld4j 0.1.0",
        description = "Knowledge distillation with CRLD on the JVM.",
        subcommands = {TrainCommand.class, DistillCommand.class, EvalCommand.class, InspectCommand.class, ReportCommand.class, ExportCommand.class,
                ModelsCommand.class, PresetsCommand.class, DevicesCommand.class, DemoCommand.class, BenchStepCommand.class, SmokeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) {
        String plan = System.getProperty("crld4j.heapPlan"); // bin/crld sized the heap from the work (HeapPlan)
        if (plan != null)
            System.getLogger("org.crld4j").log(System.Logger.Level.INFO, String.format("crld4j heap: at most %,d MB, planned from the work (%s)",
                    Runtime.getRuntime().maxMemory() >> 20, plan));
        try {
            System.exit(commandLine().execute(args));
        } catch (OutOfMemoryError e) { // the heap, not a device: say which bound was hit and how to raise it
            System.err.printf("error: the JVM heap is full (at most %,d MB here%s: %s); raise it with CRLD4J_JAVA_OPTS=-Xmx<size>, or use a smaller batch or model%n",
                    Runtime.getRuntime().maxMemory() >> 20, plan == null ? "" : ", as bin/crld planned it: " + plan, e.getMessage());
            System.exit(2);
        }
    }

    /** The configured command line (also used by the tests). */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // bad input, and a device that cannot hold what was asked: a message, exit 2, no stack trace
            if (e instanceof IllegalArgumentException || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                    || e instanceof org.crld4j.tensor.DeviceOutOfMemoryException) {
                cmd.getErr().println("error: " + message(e));
                return 2;
            }
            throw e;
        });
        return cli;
    }

    /** The exception's message; the JDK's file exceptions carry only the path, so say what happened to it. */
    static String message(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException f && f.getReason() == null) return "file not found: " + f.getFile();
        if (e instanceof java.nio.file.AccessDeniedException f && f.getReason() == null) return "permission denied: " + f.getFile();
        return e.getMessage();
    }
}
