package org.crld4j.experiments;

import org.crld4j.nn.io.Pth;
import org.crld4j.nn.models.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * `crld export`: a run's weights as a plain PyTorch state_dict, so that a student trained here is
 * used where mdistiller's are: {@code model.load_state_dict(torch.load("student.pth"))}. The
 * weights are first loaded strictly into the zoo model, so that a file of another architecture
 * fails here rather than in PyTorch, and the output takes the model's names, order and dtypes
 * (num_batches_tracked as int64). The file appears whole or not at all (temporary sibling, rename).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a checkpoint's model weights as a PyTorch state_dict (.pth) that mdistiller's models load with strict=True.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = {"-c", "--checkpoint"}, required = true, description = "crld4j checkpoint, e.g. RUN/best.ckpt (or a .pth).")
    Path checkpoint;

    @Option(names = {"-m", "--model"}, description = "Zoo model; default: the one the checkpoint was trained as.")
    String model;

    @Option(names = "--num-classes", description = "Class count; default: the checkpoint's.")
    Integer numClasses;

    @Option(names = {"-o", "--out"}, required = true, description = "The .pth to write.")
    Path out;

    @Override public Integer call() throws IOException {
        Weights.Source s = Weights.read(checkpoint, "checkpoint");
        String name = model != null ? model : s.model();
        if (name == null) throw new IllegalArgumentException("--model is required: " + checkpoint + " does not record the model it holds");
        Integer classes = numClasses != null ? numClasses : s.numClasses();
        if (classes == null) throw new IllegalArgumentException("--num-classes is required: " + checkpoint + " does not record its class count");
        if (out.toAbsolutePath().normalize().equals(checkpoint.toAbsolutePath().normalize()))
            throw new IllegalArgumentException("--out " + out + " is the checkpoint itself");
        Classifier m = Setup.model(name, classes, 0);
        Weights.loadInto(m, name, s, "checkpoint", classes);
        Pth.writeStateDict(m.stateDict(), m.integerStateNames(), out);
        System.out.printf("%s (%d classes, %d tensors, %,d parameters) from %s -> %s%n", name, classes, m.stateDict().size(),
                m.numParameters(), checkpoint, out);
        return 0;
    }
}
