package org.crld4j.experiments.report;

import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The run report: one self-contained HTML page over one or more run directories, regenerated
 * from their logs. Per epoch, every run on the same axes in its own colour: test top-1/top-5 and
 * train accuracy, the learning rate, each loss term the distiller logged, CRLD's mask rates,
 * throughput and time; the teacher-confidence histograms per run; a table of best and final
 * accuracy. A key the page does not know still gets a chart, under "other logged values".
 */
public final class RunReport {
    private RunReport() {}

    static final int WIDTH = 576, HEIGHT = 330; // two charts side by side fill the page's 1180 px

    /** What was written: the file (null when no run could be read), how many runs it draws, what could not be read. */
    public record Written(Path file, int runs, List<String> problems) {}

    /** A chart of one or more log keys over epochs; with several keys, a line per run and key (solid, dashed, ...). */
    private record Spec(String section, String title, String subtitle, String yLabel, List<String> keys, List<String> keyLabels) {
        Spec(String section, String title, String subtitle, String yLabel, String key) {
            this(section, title, subtitle, yLabel, List.of(key), List.of(""));
        }
    }

    private static final String ACCURACY = "Accuracy", LOSSES = "Loss terms", MASKS = "CRLD's confidence masks", SPEED = "Schedule, throughput and time",
            OTHER = "Other logged values";

    private static final List<Spec> SPECS = List.of(
            new Spec(ACCURACY, "Test top-1 accuracy", "after each epoch, student in eval mode", "%", "test_acc"),
            new Spec(ACCURACY, "Test top-5 accuracy", "after each epoch", "%", "test_acc_top5"),
            new Spec(ACCURACY, "Train accuracy", "during the epoch, weak view, train mode", "%", "train_acc"),
            new Spec(LOSSES, "Training loss (total)", "sum of the weighted terms, epoch mean", "loss", "train_loss"),
            new Spec(LOSSES, "Test loss", "cross-entropy on the test set", "loss", "test_loss"),
            new Spec(LOSSES, "Cross-entropy term", "weighted; CRLD: CE on the weak plus the strong view", "loss", "loss_ce"),
            new Spec(LOSSES, "KD term", "weighted; DKD: alpha TCKD + beta NCKD after warm-up", "loss", "loss_kd"),
            new Spec(LOSSES, "DKD: TCKD and NCKD", "weighted parts of DKD's term (they add up to it)", "loss",
                    List.of("dkd_tckd", "dkd_nckd"), List.of("TCKD", "NCKD")),
            new Spec(LOSSES, "CRLD within-view term", "weighted; weak<-weak and strong<-strong, gated by the weak-view mask", "loss", "loss_kd_wv"),
            new Spec(LOSSES, "CRLD cross-view term", "weighted; strong<-weak and weak<-strong, gated by the strong-view mask", "loss", "loss_kd_cv"),
            new Spec(MASKS, "Mask rates", "share of training samples whose teacher confidence passes tau", "rate",
                    List.of("mask_w_rate", "mask_s_rate"), List.of("weak (tau_w)", "strong (tau_s)")),
            new Spec(SPEED, "Learning rate", "set at the start of each epoch", "lr", "lr"),
            new Spec(SPEED, "Throughput", "training images per second", "images/s", "images_per_s"),
            new Spec(SPEED, "Time per epoch", "training and evaluation seconds", "s", List.of("seconds", "eval_seconds"), List.of("train", "eval")));

    /** Keys that are no chart of their own: the x axis. */
    private static final Set<String> NOT_CHARTED = Set.of("epoch");

    /** Reads the runs, writes the page, tells {@code warn} each problem; nothing is written when no run can be read. */
    public static Written write(List<Path> dirs, Path out, boolean inProgress, Consumer<String> warn) throws IOException {
        List<RunLog> runs = read(dirs);
        List<String> problems = runs.stream().flatMap(r -> r.problems().stream()).toList();
        problems.forEach(warn);
        List<RunLog> drawn = runs.stream().filter(r -> !r.rows().isEmpty()).toList();
        if (drawn.isEmpty()) return new Written(null, 0, problems);
        Html.write(out, html(drawn, problems, inProgress));
        return new Written(out, drawn.size(), problems);
    }

    /**
     * {@link #write}, as an epoch ends: a failure (no fonts for the charts, a full disk) is a warning
     * on {@code err}, since a training run never stops for its report. Returns whether the page was written.
     */
    public static boolean refresh(List<Path> dirs, Path out, boolean inProgress, PrintStream err) {
        try {
            return write(dirs, out, inProgress, err::println).file() != null;
        } catch (IOException | RuntimeException | LinkageError e) { // LinkageError: AWT without its native libraries
            err.println("warning: " + out + " not updated: " + e);
            return false;
        }
    }

    /** Each directory named by its last element, or by the path as given where two would share a name. */
    static List<RunLog> read(List<Path> dirs) {
        List<String> names = dirs.stream().map(d -> d.toAbsolutePath().normalize().getFileName()).map(String::valueOf).toList();
        List<RunLog> runs = new ArrayList<>();
        for (int i = 0; i < dirs.size(); i++) {
            String name = names.get(i);
            runs.add(RunLog.read(dirs.get(i), names.indexOf(name) != names.lastIndexOf(name) ? dirs.get(i).toString() : name));
        }
        return runs;
    }

    static String html(List<RunLog> runs, List<String> problems, boolean inProgress) {
        StringBuilder b = new StringBuilder();
        String names = String.join(", ", runs.stream().map(RunLog::name).toList());
        b.append("<h1>crld4j run report: ").append(Html.esc(names)).append("</h1>\n");
        b.append("<p class=\"note\">").append(runs.size()).append(runs.size() == 1 ? " run" : " runs")
                .append(", drawn from each run directory's log.jsonl").append(inProgress ? "; training is still running: this page reloads every 30 s" : "")
                .append(".</p>\n");
        if (!problems.isEmpty()) {
            b.append("<div class=\"problems\"><b>Not shown</b> (what could not be read):<ul>\n");
            for (String p : problems) b.append("<li>").append(Html.esc(p)).append("</li>\n");
            b.append("</ul></div>\n");
        }
        b.append(summary(runs));
        String section = null;
        Set<String> charted = new LinkedHashSet<>(NOT_CHARTED);
        for (Spec s : SPECS) {
            charted.addAll(s.keys());
            if (runs.stream().noneMatch(r -> s.keys().stream().anyMatch(r::has))) continue;
            if (!s.section().equals(section)) b.append(section == null ? "" : "</div>\n").append("<h2>").append(s.section()).append("</h2>\n<div class=\"charts\">\n");
            section = s.section();
            b.append(lineChart(s, runs));
            if (s.section().equals(MASKS)) b.append(histograms(runs));
        }
        if (section != null) b.append("</div>\n");
        Set<String> others = new LinkedHashSet<>();
        for (RunLog r : runs) for (Map<String, Object> row : r.rows()) row.forEach((k, v) -> { if (v instanceof Number && !charted.contains(k)) others.add(k); });
        if (!others.isEmpty()) {
            b.append("<h2>").append(OTHER).append("</h2>\n<div class=\"charts\">\n");
            for (String k : others) b.append(lineChart(new Spec(OTHER, k, "as logged", k, k), runs));
            b.append("</div>\n");
        }
        return Html.page("crld4j report: " + names, "", inProgress ? 30 : 0, b.toString());
    }

    private static String lineChart(Spec s, List<RunLog> runs) {
        List<Charts.Line> lines = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunLog r = runs.get(i);
            for (int k = 0; k < s.keys().size(); k++) {
                if (!r.has(s.keys().get(k))) continue;
                String label = s.keyLabels().get(k).isEmpty() ? r.name() : r.name() + " " + s.keyLabels().get(k);
                lines.add(new Charts.Line(label, Charts.runColor(i), k, r.epochs(), r.values(s.keys().get(k))));
            }
        }
        return Html.chart(s.title(), Charts.png(Charts.lines(s.title(), s.subtitle(), s.yLabel(), lines), WIDTH, HEIGHT), WIDTH, HEIGHT);
    }

    /** Per run and list-valued key (CRLD's conf_w_hist, conf_s_hist): the share of samples per bin, a few epochs side by side. */
    private static String histograms(List<RunLog> runs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < runs.size(); i++) {
            RunLog r = runs.get(i);
            Set<String> keys = new LinkedHashSet<>();
            for (Map<String, Object> row : r.rows()) row.forEach((k, v) -> { if (v instanceof List<?>) keys.add(k); });
            for (String key : keys) b.append(histogram(r, Charts.runColor(i), key));
        }
        return b.toString();
    }

    private static String histogram(RunLog r, Color color, String key) {
        List<Integer> shown = epochsToShow(r.rows().size(), 5);
        List<String> series = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        List<Color> colors = new ArrayList<>();
        int bins = 0;
        for (int j = 0; j < shown.size(); j++) {
            double[] h = r.histogram(key, shown.get(j));
            if (h == null) continue;
            double total = java.util.Arrays.stream(h).sum();
            double[] share = java.util.Arrays.stream(h).map(c -> 100 * c / Math.max(1, total)).toArray();
            bins = Math.max(bins, share.length);
            series.add("epoch " + ((Number) r.rows().get(shown.get(j)).get("epoch")).intValue());
            values.add(share);
            colors.add(shade(color, shown.size() == 1 ? 1 : (double) j / (shown.size() - 1))); // later epochs darker
        }
        List<String> categories = new ArrayList<>();
        for (int c = 0; c < bins; c++) categories.add(String.format(Locale.ROOT, "%.1f", (double) c / bins));
        double[][] v = values.stream().map(a -> java.util.Arrays.copyOf(a, categories.size())).toArray(double[][]::new);
        String view = key.equals("conf_w_hist") ? "weak" : key.equals("conf_s_hist") ? "strong" : null;
        double tau = "weak".equals(view) ? r.tauW() : "strong".equals(view) ? r.tauS() : Double.NaN;
        String title = view == null ? key + ": " + r.name() : "Teacher confidence, " + view + " view: " + r.name();
        String subtitle = "share of training samples per bin (bin start shown)"
                + (Double.isNaN(tau) ? "" : String.format(Locale.ROOT, "; the mask passes at >= %.2f", tau));
        return Html.chart(title, Charts.png(Charts.bars(title, subtitle, "teacher's max softmax probability", "% of samples", categories, series, v, colors,
                false), WIDTH, HEIGHT), WIDTH, HEIGHT);
    }

    /** At most {@code most} row indices spread over {@code n}, always the first and the last. */
    static List<Integer> epochsToShow(int n, int most) {
        if (n <= most) return java.util.stream.IntStream.range(0, n).boxed().toList();
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < most; j++) out.add((int) Math.round((double) j * (n - 1) / (most - 1)));
        return out;
    }

    /** {@code color} mixed with white: t = 0 light, t = 1 the colour itself. */
    private static Color shade(Color c, double t) {
        double w = 0.65 * (1 - t);
        return new Color((int) Math.round(c.getRed() + (255 - c.getRed()) * w), (int) Math.round(c.getGreen() + (255 - c.getGreen()) * w),
                (int) Math.round(c.getBlue() + (255 - c.getBlue()) * w));
    }

    /** Best (the epoch best.ckpt holds: the last to reach the best) and final accuracy per run, with its time and throughput. */
    private static String summary(List<RunLog> runs) {
        StringBuilder b = new StringBuilder("<h2>Summary</h2>\n<table>\n<tr><th class=\"l\">run</th><th class=\"l\">method</th><th class=\"l\">model</th>"
                + "<th>epochs</th><th>best top-1 %</th><th>best at epoch</th><th>final top-1 %</th><th>final top-5 %</th><th>final train %</th>"
                + "<th>time s</th><th>mean img/s</th></tr>\n");
        for (int i = 0; i < runs.size(); i++) {
            RunLog r = runs.get(i);
            double[] top1 = r.values("test_acc"), epochs = r.epochs();
            int best = -1;
            for (int e = 0; e < top1.length; e++) if (!Double.isNaN(top1[e]) && (best < 0 || top1[e] >= top1[best])) best = e;
            int last = top1.length - 1;
            double time = sum(r.values("seconds")) + sum(r.values("eval_seconds"));
            b.append("<tr><td class=\"l\"><span class=\"swatch\" style=\"background:").append(Html.hex(Charts.runColor(i))).append("\"></span>")
                    .append(Html.esc(r.name())).append("</td><td class=\"l\">").append(Html.esc(r.method())).append("</td><td class=\"l\">")
                    .append(Html.esc(r.model())).append("</td><td>").append(epochs.length).append("</td><td>").append(best < 0 ? "-" : fmt(top1[best]))
                    .append("</td><td>").append(best < 0 ? "-" : String.valueOf((int) epochs[best])).append("</td><td>").append(fmt(top1[last]))
                    .append("</td><td>").append(fmt(r.values("test_acc_top5")[last])).append("</td><td>").append(fmt(r.values("train_acc")[last]))
                    .append("</td><td>").append(fmt0(time)).append("</td><td>").append(fmt0(mean(r.values("images_per_s"))))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n<p class=\"note\">Directories: ")
                .append(String.join("; ", runs.stream().map(r -> Html.esc(r.name()) + " <code>" + Html.esc(r.dir().toString()) + "</code>").toList()));
        return b.append(". Time: training and evaluation seconds, summed over the epochs.</p>\n").toString();
    }

    private static double sum(double[] v) { return java.util.Arrays.stream(v).filter(x -> !Double.isNaN(x)).sum(); }

    private static double mean(double[] v) { return java.util.Arrays.stream(v).filter(x -> !Double.isNaN(x)).average().orElse(Double.NaN); }

    private static String fmt(double v) { return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v); }

    private static String fmt0(double v) { return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v); }
}
