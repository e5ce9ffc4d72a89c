package org.crld4j.experiments;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.ops.PoolWindow;
import org.crld4j.tensor.Backends;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * End-to-end check of the foundation: a small CNN (conv-BN-ReLU-pool x2, linear) trained with
 * plain SGD and momentum on procedurally drawn 3x16x16 images of four stripe orientations. The
 * loss must fall and the held-out accuracy rise well above chance (25%).
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
    static Variable convWeight(Rng rng, int k, int c) {
        return Variable.leaf(Tensor.normal(rng, 0f, (float) Math.sqrt(2.0 / (k * 9)), k, c, 3, 3));
    }

    @Override
    public Integer call() {
        Backends.host();
        Rng rng = new Rng(seed);
        Variable w1 = convWeight(rng, 16, 3), g1 = Variable.leaf(Tensor.ones(16)), b1 = Variable.leaf(Tensor.zeros(16));
        Variable w2 = convWeight(rng, 32, 16), g2 = Variable.leaf(Tensor.ones(32)), b2 = Variable.leaf(Tensor.zeros(32));
        Variable fc = Variable.leaf(Tensor.uniform(rng, -0.17f, 0.17f, CLASSES, 32)), fcb = Variable.leaf(Tensor.zeros(CLASSES));
        Tensor rm1 = Tensor.zeros(16), rv1 = Tensor.ones(16), rm2 = Tensor.zeros(32), rv2 = Tensor.ones(32);
        List<Variable> params = List.of(w1, g1, b1, w2, g2, b2, fc, fcb);
        Tensor[] momentum = params.stream().map(p -> Tensor.zerosLike(p.data())).toArray(Tensor[]::new);
        PoolWindow pool = PoolWindow.of(2, 2, 0, false);
        Tensor[] test = stripes(new Rng(seed + 1000), 256);
        long t0 = System.nanoTime();
        double firstLoss = 0, lastLoss = 0;
        for (int step = 1; step <= steps; step++) {
            Tensor[] b = stripes(rng, batch);
            Variable h = F.batchNorm(F.conv2d(Variable.constant(b[0]), w1, null, ConvParams.of(1, 1)), g1, b1, rm1, rv1, true, 0.1f, 1e-5f).relu();
            h = F.maxPool2d(h, pool);
            h = F.batchNorm(F.conv2d(h, w2, null, ConvParams.of(1, 1)), g2, b2, rm2, rv2, true, 0.1f, 1e-5f).relu();
            h = F.adaptiveAvgPool2d(F.maxPool2d(h, pool), 1, 1).flatten(1, 3);
            Variable loss = F.crossEntropy(F.linear(h, fc, fcb), b[1]);
            for (Variable p : params) p.zeroGrad();
            loss.backward();
            for (int i = 0; i < params.size(); i++) { // SGD, momentum 0.9, weight decay 5e-4
                Variable p = params.get(i);
                Tensor g = p.grad().add(p.data().mul(5e-4f));
                momentum[i].mulInPlace(0.9f).addInPlace(g);
                p.data().addInPlace(momentum[i], -lr);
            }
            if (step == 1) firstLoss = loss.item();
            lastLoss = loss.item();
            if (step % 25 == 0 || step == 1) System.out.printf("step %4d  loss %.4f%n", step, loss.item());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Variable h = F.batchNorm(F.conv2d(Variable.constant(test[0]), w1, null, ConvParams.of(1, 1)), g1, b1, rm1, rv1, false, 0.1f, 1e-5f).relu();
        h = F.maxPool2d(h, pool);
        h = F.batchNorm(F.conv2d(h, w2, null, ConvParams.of(1, 1)), g2, b2, rm2, rv2, false, 0.1f, 1e-5f).relu();
        h = F.adaptiveAvgPool2d(F.maxPool2d(h, pool), 1, 1).flatten(1, 3);
        Tensor pred = F.linear(h, fc, fcb).data().argmax(1, false);
        float acc = pred.eq(test[1]).mean().item();
        System.out.printf("trained %d steps of batch %d in %.1f s (%.0f images/s, %d threads)%n",
                steps, batch, seconds, steps * batch / seconds, Backends.host().threads());
        System.out.printf("loss %.4f -> %.4f, held-out accuracy %.1f%% (chance 25%%)%n", firstLoss, lastLoss, 100 * acc);
        return lastLoss < firstLoss && acc > 0.5 ? 0 : 1;
    }
}
