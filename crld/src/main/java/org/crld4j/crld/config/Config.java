package org.crld4j.crld.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training configuration with mdistiller's keys ({@code SOLVER.LR}, {@code CRLD.TAU_W}, ...),
 * flattened to dotted names. Every key has a default (mdistiller's cfg.py and CRLD's, plus a few
 * of ours marked below); YAML files and {@code KEY=VALUE} overrides may only set known keys, and
 * values are converted to the default's type, so a typo or a bad value fails before training.
 * mdistiller's keys that have no effect here ({@link #NO_EFFECT}) are accepted and recorded in
 * {@link #ignored()}, so that its own YAML files load and the log can say what was dropped.
 */
public final class Config {
    /** mdistiller's keys crld4j accepts and ignores, with the reason (for the log line). */
    public static final Map<String, String> NO_EFFECT = Map.of(
            "LOG.TENSORBOARD_FREQ", "crld4j writes no TensorBoard events; it logs every epoch to log.jsonl and log.csv",
            "LOG.WANDB", "crld4j has no Weights & Biases logging");

    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> ignored = new LinkedHashMap<>();

    public Config() {
        put("EXPERIMENT.PROJECT", "crld4j");
        put("EXPERIMENT.NAME", "");
        put("EXPERIMENT.TAG", "default");
        put("EXPERIMENT.SEED", 0L);              // ours: runs are deterministic for a seed and thread count
        put("EXPERIMENT.LOGIT_STAND", false);
        put("DISTILLER.TYPE", "NONE");           // NONE (vanilla), KD, DKD, CRLD, CRLD_DKD
        put("DISTILLER.TEACHER", "ResNet50");
        put("DISTILLER.STUDENT", "resnet32");
        put("DATASET.TYPE", "");                 // ours: "" = the data set --data names (mdistiller's default is cifar100)
        put("DATASET.NUM_WORKERS", 2L);
        put("DATASET.TEST.BATCH_SIZE", 64L);
        put("DATASET.LABEL_FRACTION", 1.0);      // ours: label-scarcity study
        put("SOLVER.TRAINER", "base");
        put("SOLVER.BATCH_SIZE", 64L);
        put("SOLVER.EPOCHS", 240L);
        put("SOLVER.LR", 0.05);
        put("SOLVER.LR_DECAY_STAGES", List.of(150L, 180L, 210L));
        put("SOLVER.LR_DECAY_RATE", 0.1);
        put("SOLVER.WEIGHT_DECAY", 0.0001);
        put("SOLVER.MOMENTUM", 0.9);
        put("SOLVER.TYPE", "SGD");
        put("SOLVER.MAX_STEPS_PER_EPOCH", 0L);   // ours: 0 = whole epochs; >0 truncates (smoke runs, tests)
        put("LOG.SAVE_CHECKPOINT_FREQ", 40L);
        put("LOG.PREFIX", "./output");
        put("KD.TEMPERATURE", 4.0);
        put("KD.LOSS.CE_WEIGHT", 0.1);
        put("KD.LOSS.KD_WEIGHT", 0.9);
        put("DKD.CE_WEIGHT", 1.0);
        put("DKD.ALPHA", 1.0);
        put("DKD.BETA", 8.0);
        put("DKD.T", 4.0);
        put("DKD.WARMUP", 20L);
        put("CRLD.CE_WEIGHT", 1.0);
        put("CRLD.WV_WEIGHT", 2.0);
        put("CRLD.CV_WEIGHT", 0.5);
        put("CRLD.TEMPERATURE", 4.0);
        put("CRLD.TAU_W", 0.9);
        put("CRLD.TAU_S", 0.2);
    }

    private void put(String k, Object v) { values.put(k, v); }

    public Map<String, Object> asMap() { return new LinkedHashMap<>(values); }

    public boolean has(String key) { return values.containsKey(key); }

    /** The no-effect keys that were set, each with where it came from ("--set" or the file). */
    public Map<String, String> ignored() { return new LinkedHashMap<>(ignored); }

    /** One log line naming the ignored keys and why, or null when none was set. */
    public String ignoredSummary() {
        if (ignored.isEmpty()) return null;
        List<String> parts = new ArrayList<>();
        ignored.forEach((k, from) -> parts.add(k + " (" + from + ": " + NO_EFFECT.get(k) + ")"));
        return "configuration: ignored mdistiller keys with no effect here: " + String.join("; ", parts);
    }

    /** Sets a known key from a value of any compatible type (YAML scalars, lists or strings). */
    public Config set(String key, Object value) { return set(key, value, "--set"); }

    private Config set(String key, Object value, String source) {
        if (NO_EFFECT.containsKey(key)) {
            ignored.put(key, source);
            return this;
        }
        Object current = values.get(key);
        if (current == null) throw new IllegalArgumentException("unknown configuration key '" + key + "'" + suggestion(key));
        values.put(key, convert(key, value, current));
        return this;
    }

    /** Applies "KEY=VALUE" (the CLI's --set). */
    public Config set(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("override '" + assignment + "' is not KEY=VALUE");
        return set(assignment.substring(0, eq).trim(), assignment.substring(eq + 1).trim());
    }

    private String suggestion(String key) {
        String tail = key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key;
        List<String> close = values.keySet().stream().filter(k -> k.endsWith("." + tail) || k.equalsIgnoreCase(key)).toList();
        return close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?";
    }

    private static Object convert(String key, Object v, Object like) {
        try {
            if (like instanceof List<?>) {
                List<Long> out = new ArrayList<>();
                if (v instanceof List<?> l) for (Object o : l) out.add(((Number) (o instanceof String s ? Long.parseLong(s.trim()) : o)).longValue());
                else for (String s : String.valueOf(v).replaceAll("[\\[\\]() ]", "").split(",")) if (!s.isEmpty()) out.add(Long.parseLong(s));
                return out;
            }
            String s = String.valueOf(v).trim();
            if (like instanceof Boolean) {
                if (v instanceof Boolean b) return b;
                if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) return Boolean.parseBoolean(s);
                throw new IllegalArgumentException("not a boolean");
            }
            if (like instanceof Long) return v instanceof Number n && n.doubleValue() == n.longValue() ? n.longValue() : Long.parseLong(s);
            if (like instanceof Double) return v instanceof Number n ? n.doubleValue() : Double.parseDouble(s);
            return s;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("configuration key " + key + ": value '" + v + "' is not a valid "
                    + (like instanceof List ? "list of integers" : like.getClass().getSimpleName().toLowerCase()));
        }
    }

    public String str(String key) { return (String) get(key); }
    public double num(String key) { return (Double) get(key); }
    public int integer(String key) { return Math.toIntExact((Long) get(key)); }
    public long longValue(String key) { return (Long) get(key); }
    public boolean bool(String key) { return (Boolean) get(key); }

    public int[] ints(String key) {
        @SuppressWarnings("unchecked") List<Long> l = (List<Long>) get(key);
        return l.stream().mapToInt(Long::intValue).toArray();
    }

    private Object get(String key) {
        Object v = values.get(key);
        if (v == null) throw new IllegalArgumentException("unknown configuration key '" + key + "'");
        return v;
    }

    /** Applies a YAML file of nested keys (mdistiller's format); unknown keys fail naming the file. */
    public Config load(Path yaml) throws IOException {
        if (!Files.isRegularFile(yaml)) throw new IOException("config file not found: " + yaml);
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(yaml));
        if (root == null) return this;
        if (!(root instanceof Map<?, ?> m)) throw new IOException(yaml + ": expected a mapping at the top level");
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", m, flat);
        for (var e : flat.entrySet()) {
            try {
                set(e.getKey(), e.getValue(), yaml.toString());
            } catch (IllegalArgumentException ex) {
                throw new IOException(yaml + ": " + ex.getMessage(), ex);
            }
        }
        return this;
    }

    private void flatten(String prefix, Map<?, ?> m, Map<String, Object> out) {
        for (var e : m.entrySet()) {
            String k = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
            if (e.getValue() instanceof Map<?, ?> sub && !values.containsKey(k)) flatten(k, sub, out);
            else out.put(k, e.getValue());
        }
    }

    /** The configuration as nested YAML-like text, for logs. */
    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }
}
