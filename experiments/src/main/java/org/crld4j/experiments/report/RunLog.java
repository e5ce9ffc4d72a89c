package org.crld4j.experiments.report;

import org.crld4j.crld.config.Config;
import org.crld4j.tensor.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run directory as the report reads it: the rows of its {@code log.jsonl} (one per epoch, as
 * the Trainer writes them) and what its {@code config.yaml} says (method, model, CRLD's
 * thresholds). What cannot be read becomes a problem naming the file and line; the rows that can
 * be read are kept, so a damaged log still shows what it holds.
 */
public record RunLog(String name, Path dir, List<Map<String, Object>> rows, String method, String model, double tauW, double tauS,
                     List<String> problems) {

    public static RunLog read(Path dir, String name) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        Path log = dir.resolve("log.jsonl");
        if (!Files.isRegularFile(log)) {
            problems.add(log + ": not found (" + (Files.isDirectory(dir) ? dir + " is not a run directory: train, distill and demo write one per run"
                    : "no directory " + dir) + ")");
        } else {
            try {
                List<String> lines = Files.readAllLines(log);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.isBlank()) continue;
                    String where = log + " line " + (i + 1) + ": ";
                    try {
                        if (!(Json.parse(line) instanceof Map<?, ?> m)) problems.add(where + "not a JSON object; line skipped");
                        else if (!(m.get("epoch") instanceof Number)) problems.add(where + "no \"epoch\" number; line skipped");
                        else {
                            @SuppressWarnings("unchecked") Map<String, Object> row = (Map<String, Object>) m;
                            rows.add(row);
                        }
                    } catch (IllegalArgumentException e) {
                        problems.add(where + e.getMessage() + "; line skipped");
                    }
                }
            } catch (IOException e) {
                problems.add(log + ": " + e.getMessage());
            }
        }
        String method = "", model = "";
        double tauW = Double.NaN, tauS = Double.NaN;
        Path yaml = dir.resolve("config.yaml");
        if (Files.isRegularFile(yaml)) {
            try {
                Config c = new Config().load(yaml);
                String type = c.str("DISTILLER.TYPE").toLowerCase(Locale.ROOT);
                method = type.equals("none") ? "vanilla" : type;
                model = c.str("DISTILLER.STUDENT");
                if (type.startsWith("crld")) {
                    tauW = c.num("CRLD.TAU_W");
                    tauS = c.num("CRLD.TAU_S");
                }
            } catch (IOException | RuntimeException e) {
                problems.add(yaml + ": " + e.getMessage() + " (method and model not shown)");
            }
        }
        return new RunLog(name, dir, List.copyOf(rows), method, model, tauW, tauS, List.copyOf(problems));
    }

    public double[] epochs() { return rows.stream().mapToDouble(r -> ((Number) r.get("epoch")).doubleValue()).toArray(); }

    /** The key's value per row; NaN where a row lacks it or holds no number (JsonWriter writes NaN as null). */
    public double[] values(String key) {
        return rows.stream().mapToDouble(r -> r.get(key) instanceof Number n ? n.doubleValue() : Double.NaN).toArray();
    }

    public boolean has(String key) { return rows.stream().anyMatch(r -> r.get(key) instanceof Number); }

    /** A histogram the log holds for {@code epochIndex} (counts), or null. */
    public double[] histogram(String key, int epochIndex) {
        if (!(rows.get(epochIndex).get(key) instanceof List<?> l)) return null;
        double[] h = new double[l.size()];
        for (int i = 0; i < h.length; i++) h[i] = l.get(i) instanceof Number n ? n.doubleValue() : 0;
        return h;
    }
}
