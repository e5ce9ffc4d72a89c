package org.crld4j.experiments;

import org.crld4j.crld.train.Trainer;
import org.crld4j.nn.io.Checkpoint;
import org.crld4j.nn.models.Classifier;
import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Weights from a file the user named (a crld4j checkpoint or a PyTorch .pth) going into a zoo
 * model, with errors a user can act on: the role and path of a missing file, and for weights of
 * another architecture one line naming the file, the model, the first key at fault and, where the
 * checkpoint records it, the model it was trained as. (PyTorch's strict load lists every key; for
 * resnet20 weights in a resnet8 that is dozens, and the useful one is the first.)
 */
final class Weights {
    private Weights() {}

    /** What a weights file holds; {@code model} and {@code numClasses} are null where it does not say (a .pth). */
    record Source(Path file, Map<String, Tensor> tensors, String model, Integer numClasses) {}

    /** Fails with "ROLE not found: PATH" (exit code 2) unless the file exists. */
    static void requireFile(Path file, String role) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(role + " not found: " + file);
    }

    /** Reads a weights file; a crld4j checkpoint also tells the model name and class count it was trained with. */
    static Source read(Path file, String role) throws IOException {
        requireFile(file, role);
        if (isPyTorch(file)) return new Source(file, Trainer.readWeights(file), null, null);
        Checkpoint c = Checkpoint.load(file);
        Map<String, Tensor> model = c.section("model.");
        Object name = c.meta().get("student"), classes = c.meta().get("num_classes");
        return new Source(file, model.isEmpty() ? c.tensors() : model, name instanceof String s ? s : null,
                classes instanceof Number n ? n.intValue() : null);
    }

    private static boolean isPyTorch(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".pth") || n.endsWith(".pt") || n.endsWith(".tar");
    }

    /** Reads {@code file} and loads it into {@code model} (strictly), or fails naming what does not fit. */
    static Source load(Classifier model, String modelName, Path file, String role, int classes) throws IOException {
        Source s = read(file, role);
        loadInto(model, modelName, s, role, classes);
        return s;
    }

    /** Strict load of {@code s} into {@code model}; nothing is copied when it fails. */
    static void loadInto(Classifier model, String modelName, Source s, String role, int classes) {
        Map<String, Tensor> own = model.stateDict(), source = s.tensors();
        String mismatch = firstMismatch(own, source);
        if (mismatch == null) {
            model.loadStateDict(source, true);
            return;
        }
        long missing = own.keySet().stream().filter(k -> !source.containsKey(k)).count();
        long unexpected = source.keySet().stream().filter(k -> !own.containsKey(k)).count();
        List<String> reshaped = own.keySet().stream()
                .filter(k -> source.containsKey(k) && !Arrays.equals(source.get(k).shape(), own.get(k).shape())).toList();
        StringBuilder m = new StringBuilder(role + " " + s.file() + " does not fit model " + modelName + " (" + classes + " classes): " + mismatch);
        if (missing + unexpected + reshaped.size() > 1)
            m.append(" (first of ").append(missing + unexpected + reshaped.size()).append(": ").append(missing).append(" missing, ")
                    .append(unexpected).append(" unexpected, ").append(reshaped.size()).append(" of another shape)");
        if (s.model() != null && !s.model().equals(modelName)) m.append("; the checkpoint was trained as ").append(s.model());
        else if (missing == 0 && unexpected == 0 && reshaped.stream().allMatch(Weights::isClassifier))
            m.append("; the checkpoint's classifier is not for ").append(classes).append(" classes")
                    .append(s.numClasses() != null ? " (it has " + s.numClasses() + ")" : "");
        throw new IllegalArgumentException(m.toString());
    }

    /** The first key at fault: missing or of another shape in the model's order, else the checkpoint's first extra key; null if it fits. */
    static String firstMismatch(Map<String, Tensor> own, Map<String, Tensor> source) {
        for (var e : own.entrySet()) {
            Tensor t = source.get(e.getKey());
            if (t == null) return "missing key " + e.getKey() + " " + Shapes.str(e.getValue().shape());
            if (!Arrays.equals(t.shape(), e.getValue().shape()))
                return e.getKey() + " is " + Shapes.str(t.shape()) + " in the checkpoint, " + Shapes.str(e.getValue().shape()) + " in the model";
        }
        for (var e : source.entrySet())
            if (!own.containsKey(e.getKey())) return "unexpected key " + e.getKey() + " " + Shapes.str(e.getValue().shape());
        return null;
    }

    private static boolean isClassifier(String key) {
        return key.startsWith("fc.") || key.startsWith("linear.") || key.startsWith("classifier.");
    }
}
