package org.crld4j.experiments;

import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** `crld models`: the zoo with parameter counts. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the model zoo with parameter counts.")
final class ModelsCommand implements Callable<Integer> {
    @Option(names = "--classes", defaultValue = "100", description = "Class count for the counts (default ${DEFAULT-VALUE}; ImageNet models use 1000).")
    int classes;

    @Override public Integer call() {
        System.out.printf("%-22s %14s  %s%n", "model", "parameters", "input");
        for (String name : ModelZoo.names()) {
            int c = name.startsWith("imagenet_") ? 1000 : classes;
            System.out.printf("%-22s %,14d  %dx%d, %d classes%n", name, ModelZoo.create(name, c, new Rng(0)).numParameters(),
                    ModelZoo.defaultInputSize(name), ModelZoo.defaultInputSize(name), c);
        }
        return 0;
    }
}
