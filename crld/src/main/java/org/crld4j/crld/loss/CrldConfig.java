package org.crld4j.crld.loss;

/**
 * CRLD's hyperparameters (mdistiller keys CRLD.CE_WEIGHT, WV_WEIGHT, CV_WEIGHT, TEMPERATURE,
 * TAU_W, TAU_S). Defaults are the released code's CIFAR-100 values.
 */
public record CrldConfig(float ceWeight, float wvWeight, float cvWeight, float temperature, float tauW, float tauS) {
    public CrldConfig {
        if (!(tauW >= 0 && tauW <= 1)) throw new IllegalArgumentException("CRLD.TAU_W must be in [0, 1], got " + tauW);
        if (!(tauS >= 0 && tauS <= 1)) throw new IllegalArgumentException("CRLD.TAU_S must be in [0, 1], got " + tauS);
        if (!(temperature > 0)) throw new IllegalArgumentException("CRLD.TEMPERATURE must be positive, got " + temperature);
    }

    public static CrldConfig defaults() { return new CrldConfig(1f, 2f, 0.5f, 4f, 0.9f, 0.2f); }
}
