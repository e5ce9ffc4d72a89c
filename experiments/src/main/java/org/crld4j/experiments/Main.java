package org.crld4j.experiments;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code crld} command line. */
@Command(name = "crld", mixinStandardHelpOptions = true, version = "crld4j 0.1.0",
        description = "Knowledge distillation with CRLD on the JVM.",
        subcommands = {SmokeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
