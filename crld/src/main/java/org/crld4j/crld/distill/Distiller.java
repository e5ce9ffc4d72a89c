package org.crld4j.crld.distill;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.crld.config.Config;
import org.crld4j.crld.loss.CrldConfig;
import org.crld4j.crld.loss.CrldLoss;
import org.crld4j.crld.loss.DkdLoss;
import org.crld4j.crld.loss.KdLoss;
import org.crld4j.crld.loss.LogitStandardization;
import org.crld4j.crld.loss.LossTerms;
import org.crld4j.nn.models.Classifier;
import org.crld4j.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training objective around a student (and, except for vanilla training, a frozen teacher run
 * in eval mode without a graph), as mdistiller's distillers: each step returns its named loss
 * terms, already weighted (each weight applied once, where the term is made: CRLD's in
 * {@link CrldLoss}, KD's and DKD's in their {@link SingleView#distillation}), the total as their
 * {@link LossTerms#sum}, the logits used for train accuracy, and metrics such as CRLD's mask rates.
 */
public abstract class Distiller {
    /** One step's losses: total = sum of terms; logits of the weak view; metrics (numbers or histograms). */
    public record Step(Variable total, Map<String, Variable> terms, Variable logits, Map<String, Object> metrics) {
        /** The step of these weighted terms: its total is their {@link LossTerms#sum}, in the map's order. */
        public static Step of(Map<String, Variable> terms, Variable logits, Map<String, Object> metrics) {
            return new Step(LossTerms.sum(terms), terms, logits, metrics);
        }
    }

    protected final Classifier student;
    protected final Classifier teacher;

    protected Distiller(Classifier student, Classifier teacher) {
        this.student = student;
        this.teacher = teacher;
    }

    public Classifier student() { return student; }
    public Classifier teacher() { return teacher; }

    /** Whether batches must carry the strong view. */
    public boolean twoViews() { return false; }

    public abstract String name();

    /** Forward of one batch in training mode (student.train(), teacher.eval()). */
    public abstract Step step(Tensor weak, Tensor strong, Tensor labels, int epoch);

    protected Tensor teacherLogits(Tensor x) {
        teacher.eval();
        try (var s = Autograd.noGrad()) {
            return teacher.forward(Variable.constant(x)).data();
        }
    }

    /** Builds the distiller named by DISTILLER.TYPE: NONE, KD, DKD, CRLD or CRLD_DKD. */
    public static Distiller create(Config cfg, Classifier student, Classifier teacher) {
        String type = cfg.str("DISTILLER.TYPE").toUpperCase(java.util.Locale.ROOT);
        boolean ls = cfg.bool("EXPERIMENT.LOGIT_STAND");
        if (!type.equals("NONE") && teacher == null) throw new IllegalArgumentException("distiller " + type + " needs a teacher");
        return switch (type) {
            case "NONE", "VANILLA" -> new Vanilla(student);
            case "KD" -> new Kd(student, teacher, (float) cfg.num("KD.LOSS.CE_WEIGHT"), (float) cfg.num("KD.LOSS.KD_WEIGHT"),
                    (float) cfg.num("KD.TEMPERATURE"), ls);
            case "DKD" -> new Dkd(student, teacher, (float) cfg.num("DKD.CE_WEIGHT"), (float) cfg.num("DKD.ALPHA"), (float) cfg.num("DKD.BETA"),
                    (float) cfg.num("DKD.T"), cfg.integer("DKD.WARMUP"), ls);
            case "CRLD", "CRLD_DKD" -> new Crld(student, teacher, crldConfig(cfg), ls, type.equals("CRLD_DKD"),
                    (float) cfg.num("DKD.ALPHA"), (float) cfg.num("DKD.BETA"), cfg.integer("DKD.WARMUP"));
            default -> throw new IllegalArgumentException("unknown DISTILLER.TYPE '" + type + "' (NONE, KD, DKD, CRLD, CRLD_DKD)");
        };
    }

    public static CrldConfig crldConfig(Config cfg) {
        return new CrldConfig((float) cfg.num("CRLD.CE_WEIGHT"), (float) cfg.num("CRLD.WV_WEIGHT"), (float) cfg.num("CRLD.CV_WEIGHT"),
                (float) cfg.num("CRLD.TEMPERATURE"), (float) cfg.num("CRLD.TAU_W"), (float) cfg.num("CRLD.TAU_S"));
    }

    /** Cross-entropy only (also trains teachers). */
    public static final class Vanilla extends Distiller {
        public Vanilla(Classifier student) { super(student, null); }
        @Override public String name() { return "vanilla"; }

        @Override public Step step(Tensor weak, Tensor strong, Tensor labels, int epoch) {
            student.train();
            Variable logits = student.forward(Variable.constant(weak));
            Map<String, Variable> t = new LinkedHashMap<>();
            t.put("loss_ce", F.crossEntropy(logits, labels));
            return Step.of(t, logits, new LinkedHashMap<>());
        }
    }

    /**
     * The single-view distillers, KD and DKD: the teacher and the student on the weak view,
     * loss_ce = ce_weight * CE on the raw logits, loss_kd the subclass's weighted term on the
     * logits, both standardised first when EXPERIMENT.LOGIT_STAND is set.
     */
    public abstract static class SingleView extends Distiller {
        private final float ceWeight;
        private final boolean ls;

        SingleView(Classifier student, Classifier teacher, float ceWeight, boolean ls) {
            super(student, teacher);
            this.ceWeight = ceWeight; this.ls = ls;
        }

        @Override public final Step step(Tensor weak, Tensor strong, Tensor labels, int epoch) {
            Tensor t = teacherLogits(weak);
            student.train();
            Variable logits = student.forward(Variable.constant(weak));
            Variable s = ls ? LogitStandardization.apply(logits) : logits;
            Variable ce = F.crossEntropy(logits, labels).mul(ceWeight);
            Map<String, Object> metrics = new LinkedHashMap<>();
            Variable kd = distillation(s, ls ? LogitStandardization.apply(t) : t, labels, epoch, metrics);
            Map<String, Variable> terms = new LinkedHashMap<>();
            terms.put("loss_ce", ce);
            terms.put("loss_kd", kd);
            return Step.of(terms, logits, metrics);
        }

        /** The weighted distillation term (loss_kd) of one batch; {@code metrics} may take its parts. */
        protected abstract Variable distillation(Variable student, Tensor teacher, Tensor labels, int epoch, Map<String, Object> metrics);
    }

    /** Hinton's KD: ce_weight * CE + kd_weight * KD_T (batch mean), optionally on standardised logits. */
    public static final class Kd extends SingleView {
        private final float kdWeight, temperature;

        public Kd(Classifier student, Classifier teacher, float ceWeight, float kdWeight, float temperature, boolean ls) {
            super(student, teacher, ceWeight, ls);
            this.kdWeight = kdWeight; this.temperature = temperature;
        }

        @Override public String name() { return "kd"; }

        @Override protected Variable distillation(Variable student, Tensor teacher, Tensor labels, int epoch, Map<String, Object> metrics) {
            return KdLoss.mean(student, teacher, temperature).mul(kdWeight);
        }
    }

    /** DKD: ce_weight * CE + min(epoch / warmup, 1) * mean(alpha TCKD + beta NCKD); the two parts are logged as metrics. */
    public static final class Dkd extends SingleView {
        private final float alpha, beta, temperature;
        private final int warmup;

        public Dkd(Classifier student, Classifier teacher, float ceWeight, float alpha, float beta, float temperature, int warmup, boolean ls) {
            super(student, teacher, ceWeight, ls);
            this.alpha = alpha; this.beta = beta; this.temperature = temperature; this.warmup = warmup;
        }

        @Override public String name() { return "dkd"; }

        @Override protected Variable distillation(Variable student, Tensor teacher, Tensor labels, int epoch, Map<String, Object> metrics) {
            DkdLoss.Parts p = DkdLoss.perSample(student, teacher, labels, temperature);
            float w = DkdLoss.warmup(epoch, warmup);
            // loss_kd's two parts, weighted as in it: they add up to loss_kd
            metrics.put("dkd_tckd", (double) p.tckd().data().mean().item() * alpha * w);
            metrics.put("dkd_nckd", (double) p.nckd().data().mean().item() * beta * w);
            return p.combined(alpha, beta).mean().mul(w);
        }
    }

    /**
     * CRLD (official code): two student forwards in train mode (weak, then strong), the teacher on
     * both views in eval mode; the weak-view mask gates both within-view pairs, the strong-view mask
     * both cross-view pairs; masked means over the whole batch. With {@code dkdPairs}, DKD's loss
     * replaces KD inside the same within/cross-view structure.
     */
    public static final class Crld extends Distiller {
        private final CrldConfig cfg;
        private final boolean ls, dkdPairs;
        private final float alpha, beta;
        private final int warmup;

        public Crld(Classifier student, Classifier teacher, CrldConfig cfg, boolean ls, boolean dkdPairs, float alpha, float beta, int warmup) {
            super(student, teacher);
            this.cfg = cfg; this.ls = ls; this.dkdPairs = dkdPairs; this.alpha = alpha; this.beta = beta; this.warmup = warmup;
        }

        @Override public String name() { return dkdPairs ? "crld_dkd" : "crld"; }
        @Override public boolean twoViews() { return true; }

        /** All intermediate values of one batch (for {@code crld inspect}). */
        public CrldLoss.Terms terms(Tensor weak, Tensor strong, Tensor labels, int epoch) {
            Tensor tw = teacherLogits(weak), ts = teacherLogits(strong);
            student.train();
            Variable sw = student.forward(Variable.constant(weak));
            Variable ss = student.forward(Variable.constant(strong));
            CrldLoss.PairLoss pair = dkdPairs
                    ? CrldLoss.dkd(labels, alpha, beta, cfg.temperature(), DkdLoss.warmup(epoch, warmup), ls)
                    : CrldLoss.kd(cfg.temperature(), ls);
            return CrldLoss.compute(sw, ss, tw, ts, labels, cfg, pair);
        }

        @Override public Step step(Tensor weak, Tensor strong, Tensor labels, int epoch) {
            if (strong == null) throw new IllegalArgumentException("CRLD needs the strong view in every batch");
            CrldLoss.Terms t = terms(weak, strong, labels, epoch);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mask_w_rate", (double) t.maskWeak().mean().item());
            m.put("mask_s_rate", (double) t.maskStrong().mean().item());
            m.put("conf_w_hist", histogram(t.confWeak()));
            m.put("conf_s_hist", histogram(t.confStrong()));
            return new Step(t.total(), t.weighted(), t.weakLogits(), m); // CrldLoss: total = LossTerms.sum(weighted)
        }

    }

    /** Counts of confidences in ten bins [0, 0.1), ..., [0.9, 1]. */
    public static long[] histogram(Tensor conf) {
        long[] h = new long[10];
        for (float c : conf.toArray()) h[Math.min(9, Math.max(0, (int) (c * 10)))]++;
        return h;
    }
}
