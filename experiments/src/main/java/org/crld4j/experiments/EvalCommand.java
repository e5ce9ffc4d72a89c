package org.crld4j.experiments;

import org.crld4j.crld.train.DataSpec;
import org.crld4j.crld.train.Evaluator;
import org.crld4j.nn.data.Dataset;
import org.crld4j.nn.models.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `crld eval`: accuracy of a checkpoint or .pth on a data set, like mdistiller's tools/eval.py. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Top-1/top-5 accuracy and loss of weights on a test set.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, description = "Zoo model name.") String model;
    @Option(names = {"-c", "--checkpoint"}, required = true, description = "crld4j checkpoint or PyTorch .pth.") Path checkpoint;
    @Option(names = {"-d", "--data"}, defaultValue = "embedded", description = "Data spec (see `crld train --help`).") String data;
    @Option(names = {"-bs", "--batch-size"}, defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--train-split", description = "Evaluate on the training split instead of the test split.") boolean trainSplit;

    @Mixin DeviceOption device;

    @Override public Integer call() throws Exception {
        device.select();
        DataSpec spec = Setup.data(data);
        org.crld4j.nn.models.ModelZoo.require(model);
        Weights.requireFile(checkpoint, "checkpoint");
        Dataset d = trainSplit ? spec.train() : spec.test();
        Classifier m = Setup.model(model, d.numClasses(), 0);
        Weights.load(m, model, checkpoint, "checkpoint", d.numClasses());
        long t0 = System.nanoTime();
        Evaluator.Result r = Evaluator.evaluate(m, d, spec.testPipeline(), batch, 2);
        System.out.printf("%s on %s (%d images): top-1 %.2f%%  top-5 %.2f%%  loss %.4f  (%.1f s)%n", model, spec, r.samples(), r.top1(), r.top5(),
                r.loss(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
