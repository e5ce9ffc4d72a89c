package org.crld4j.experiments;

import org.crld4j.nn.models.ModelZoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** `crld models`: the zoo with parameter counts. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the model zoo with parameter counts.")
final class ModelsCommand implements Callable<Integer> {
    @Option(names = "--classes", defaultValue = "100", description = "Class count for the counts (default ${DEFAULT-VALUE}; ImageNet models and ViTs use 1000).")
    int classes;

    @Override public Integer call() {
        System.out.printf("%-22s %14s  %s%n", "model", "parameters", "input");
        for (String name : ModelZoo.names()) {
            int c = name.startsWith("imagenet_") || name.startsWith("vit_") ? 1000 : classes;
            System.out.printf("%-22s %,14d  %dx%d, %d classes%n", name, ModelZoo.numParameters(name, c),
                    ModelZoo.defaultInputSize(name), ModelZoo.defaultInputSize(name), c);
        }
        return 0;
    }
}
