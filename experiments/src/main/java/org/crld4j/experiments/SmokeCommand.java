package org.crld4j.experiments;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.layers.Activations;
import org.crld4j.nn.layers.BatchNorm2d;
import org.crld4j.nn.layers.Conv2d;
import org.crld4j.nn.layers.Linear;
import org.crld4j.nn.layers.Pooling;
import org.crld4j.nn.layers.Sequential;
import org.crld4j.nn.optim.Sgd;
import org.crld4j.tensor.Backends;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * End-to-end check of the foundation: a small CNN (conv-BN-ReLU-pool x2, linear) built from the
 * layers and trained with {@link Sgd} (momentum 0.9, weight decay 5e-4) on procedurally drawn
 * 3x16x16 images of four stripe orientations. The loss must fall and the held-out accuracy rise
 * well above chance (25%).
 */
@Command(name = "smoke", mixinStandardHelpOptions = true,
        description = "Train a small CNN on generated stripe images and report loss and accuracy (foundation check).")
final class SmokeCommand implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "150", description = "SGD steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--lr", defaultValue = "0.05", description = "Learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    static final int CLASSES = 4, SIZE = 16;

    /** Images of stripes at 0, 45, 90 or 135 degrees with random phase, period and noise. */
    static Tensor[] stripes(Rng rng, int n) {
        Tensor x = Tensor.zeros(n, 3, SIZE, SIZE), y = Tensor.zeros(n);
        float[] xs = x.array(), ys = y.array();
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(CLASSES);
            ys[i] = label;
            double angle = label * Math.PI / 4, period = 3 + 3 * rng.nextDouble(), phase = rng.nextDouble() * 2 * Math.PI;
            double cx = Math.cos(angle), cy = Math.sin(angle);
            for (int c = 0; c < 3; c++) {
                double gain = 0.5 + rng.nextDouble();
                for (int r = 0; r < SIZE; r++)
                    for (int q = 0; q < SIZE; q++) {
                        double v = Math.sin(2 * Math.PI * (q * cx + r * cy) / period + phase) * gain + 0.5 * rng.nextGaussian();
                        xs[((i * 3 + c) * SIZE + r) * SIZE + q] = (float) v;
                    }
            }
        }
        return new Tensor[] {x, y};
    }

    /** Kaiming-normal conv weight (fan_out), as mdistiller initialises its CIFAR ResNets. */
    static Tensor convWeight(Rng rng, int k, int c) {
        return Tensor.normal(rng, 0f, (float) Math.sqrt(2.0 / (k * 9)), k, c, 3, 3);
    }

    /** conv-BN-ReLU-pool x2, global average pool, linear; batch norm with PyTorch's defaults (eps 1e-5, momentum 0.1). */
    static Sequential network(Rng rng) {
        Conv2d conv1 = new Conv2d(3, 16, 3, 1, 1), conv2 = new Conv2d(16, 32, 3, 1, 1);
        Linear fc = new Linear(32, CLASSES);
        conv1.weight().data().copyFrom(convWeight(rng, 16, 3));
        conv2.weight().data().copyFrom(convWeight(rng, 32, 16));
        fc.weight().data().copyFrom(Tensor.uniform(rng, -0.17f, 0.17f, CLASSES, 32)); // bias stays zero
        return new Sequential(conv1, new BatchNorm2d(16), new Activations.ReLU(), new Pooling.MaxPool2d(2, 2),
                conv2, new BatchNorm2d(32), new Activations.ReLU(), new Pooling.MaxPool2d(2, 2),
                new Pooling.AdaptiveAvgPool2d(1, 1), new Activations.Flatten(), fc);
    }

    @Override
    public Integer call() {
        Backends.host();
        Rng rng = new Rng(seed);
        Sequential net = network(rng);
        Sgd sgd = new Sgd(net.namedParameters(), lr, 0.9f, 5e-4f, false);
        Tensor[] test = stripes(new Rng(seed + 1000), 256);
        long t0 = System.nanoTime();
        double firstLoss = 0, lastLoss = 0;
        net.train();
        for (int step = 1; step <= steps; step++) {
            Tensor[] b = stripes(rng, batch);
            Variable loss = F.crossEntropy(net.forward(Variable.constant(b[0])), b[1]);
            sgd.zeroGrad();
            loss.backward();
            sgd.step();
            if (step == 1) firstLoss = loss.item();
            lastLoss = loss.item();
            if (step % 25 == 0 || step == 1) System.out.printf("step %4d  loss %.4f%n", step, loss.item());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        net.eval();
        float acc;
        try (var s = Autograd.noGrad()) {
            Tensor pred = net.forward(Variable.constant(test[0])).data().argmax(1, false);
            acc = pred.eq(test[1]).mean().item();
        }
        System.out.printf("trained %d steps of batch %d in %.1f s (%.0f images/s, %d threads)%n",
                steps, batch, seconds, steps * batch / seconds, Backends.host().threads());
        System.out.printf("loss %.4f -> %.4f, held-out accuracy %.1f%% (chance 25%%)%n", firstLoss, lastLoss, 100 * acc);
        return lastLoss < firstLoss && acc > 0.5 ? 0 : 1;
    }
}
