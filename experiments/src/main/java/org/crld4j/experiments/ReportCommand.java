package org.crld4j.experiments;

import org.crld4j.experiments.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `crld report`: one HTML page with the curves of one or more runs on the same axes, read from
 * their logs. A run that cannot be read, or a log line that cannot, is named (file and line) on
 * stderr and in the page, and the exit code is 2; the other runs are still drawn.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write one self-contained HTML page with the accuracy, loss, mask-rate and speed curves of the given run directories.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Run directories (each with the log.jsonl that train, distill and demo write).")
    List<Path> runs;

    @Option(names = "--out", defaultValue = "report.html", description = "The page to write (default ${DEFAULT-VALUE}).")
    Path out;

    @Spec CommandSpec spec;

    @Override public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        RunReport.Written w = RunReport.write(runs, out, false, err::println);
        err.flush();
        if (w.file() == null) throw new IOException("no run to report: none of the " + runs.size() + " directories has a readable log line");
        System.out.printf("report: %s (%d of %d runs)%n", w.file(), w.runs(), runs.size());
        return w.problems().isEmpty() ? 0 : 2;
    }
}
