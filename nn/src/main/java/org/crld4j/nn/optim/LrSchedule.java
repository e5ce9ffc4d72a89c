package org.crld4j.nn.optim;

/** Learning rate per epoch (1-based), set at the start of each epoch as mdistiller does. */
@FunctionalInterface
public interface LrSchedule {
    double lr(int epoch);

    /** mdistiller: lr = base * rate^(number of stages s with epoch > s). */
    static LrSchedule multiStep(double base, int[] stages, double rate) {
        if (base < 0) throw new IllegalArgumentException("multistep: base learning rate must be >= 0, got " + base);
        return epoch -> {
            int passed = 0;
            for (int s : stages) if (epoch > s) passed++;
            return base * Math.pow(rate, passed);
        };
    }

    /** Cosine annealing from base at epoch 1 to min at epoch {@code epochs}. */
    static LrSchedule cosine(double base, double min, int epochs) {
        return epoch -> min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * (epoch - 1) / Math.max(1, epochs - 1)));
    }

    /** Linear warm-up over the first {@code warmup} epochs (from base/warmup up to base), then {@code after}. */
    static LrSchedule linearWarmup(int warmup, LrSchedule after) {
        return epoch -> epoch <= warmup ? after.lr(epoch) * epoch / warmup : after.lr(epoch);
    }
}
