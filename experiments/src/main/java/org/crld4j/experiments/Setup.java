package org.crld4j.experiments;

import org.crld4j.crld.config.Config;
import org.crld4j.crld.config.Presets;
import org.crld4j.crld.train.DataSpec;
import org.crld4j.crld.train.TrainerChecks;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Options shared by the training commands: configuration sources, data, output, threads, device. */
final class Setup {
    @Mixin DeviceOption device;

    @Option(names = "--preset", description = "A released configuration, e.g. cifar100/res32x4_res8x4 (see `crld presets`).")
    String preset;

    @Option(names = "--config", description = "A YAML file with mdistiller's keys (SOLVER.LR, CRLD.TAU_W, ...).")
    Path config;

    @Option(names = "--set", description = "Override a key: --set SOLVER.EPOCHS=10 (repeatable; applied last).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--data", defaultValue = "embedded",
            description = "embedded (default: the shipped Fashion-MNIST subset), cifar100:<dir>, cifar10:<dir>, tiny-imagenet:<dir>, imagenet:<dir>, idx:<dir>.")
    String data;

    @Option(names = "--out", description = "Run directory (default: LOG.PREFIX/EXPERIMENT.NAME or the tag).")
    Path out;

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    Integer threads;

    /** Preset, then YAML, then --set overrides; everything validated before any data is read. */
    Config config() throws IOException {
        Config c = preset != null ? Presets.config(preset) : new Config();
        if (config != null) c.load(config);
        for (String o : overrides) c.set(o);
        if (c.ignoredSummary() != null) System.out.println(c.ignoredSummary());
        if (threads != null) org.crld4j.tensor.Backends.host().setThreads(threads);
        device.select();
        return c;
    }

    DataSpec dataSpec() throws IOException { return data(data); }

    /**
     * Before any data is read: mdistiller's ImageNet model names become crld4j's, SOLVER.TRAINER
     * follows the method the command runs (both logged when they change something), then TrainerChecks refuses an optimiser, trainer or data set crld4j lacks, and a
     * configuration for one data set used with --data of another.
     */
    void check(Config c, DataSpec spec) {
        TrainerChecks.useImagenetModelNames(c).forEach(System.out::println);
        String was = TrainerChecks.useTrainerOf(c);
        if (was != null)
            System.out.println("SOLVER.TRAINER " + was + " -> " + c.str("SOLVER.TRAINER") + " (the trainer DISTILLER.TYPE " + c.str("DISTILLER.TYPE") + " needs)");
        TrainerChecks.check(c, spec, preset != null ? "preset " + preset : config != null ? "configuration " + config : "the configuration");
    }

    Path runDir(Config c) {
        if (out != null) return out;
        String name = c.str("EXPERIMENT.NAME").isBlank() ? c.str("EXPERIMENT.TAG").replace(',', '_') : c.str("EXPERIMENT.NAME");
        return Path.of(c.str("LOG.PREFIX")).resolve(name);
    }

    /** A zoo model with the data's class count, seeded from EXPERIMENT.SEED. */
    static Classifier model(String name, int classes, long seed) {
        return ModelZoo.create(name, classes, new Rng(seed));
    }

    /**
     * The --data option parsed, its directory checked: a typo fails here, naming the option, before
     * any model is built or file written.
     */
    static DataSpec data(String spec) throws IOException {
        DataSpec d;
        try {
            d = DataSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--data: " + e.getMessage());
        }
        if (d.dir() != null && !Files.isDirectory(d.dir()))
            throw new IOException("--data " + spec + ": directory " + d.dir() + " not found");
        return d;
    }
}
