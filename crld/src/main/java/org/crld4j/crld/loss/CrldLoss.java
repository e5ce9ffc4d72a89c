package org.crld4j.crld.loss;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CRLD loss exactly as the released {@code CRLD.py} computes it. With the teacher's
 * confidence conf = max softmax at T = 1 on each view, m_w = conf_w >= tau_w, m_s = conf_s >= tau_s:
 * <pre>
 *   L_ce = CE(s_w, y) + CE(s_s, y)
 *   L_wv = mean_i m_w(i) * [KD(s_w, t_w) + KD(s_s, t_s)](i)     (weak mask gates both within-view pairs)
 *   L_cv = mean_i m_s(i) * [KD(s_s, t_w) + KD(s_w, t_s)](i)     (strong mask gates both cross-view pairs)
 *   total = w_ce L_ce + w_wv L_wv + w_cv L_cv
 * </pre>
 * Means run over the whole batch: masked samples add 0 but still count in the denominator. The
 * weights are applied here only: {@link Terms#weighted} holds the three weighted terms under the
 * names the trainer logs, and {@code total} is their {@link LossTerms#sum}.
 */
public final class CrldLoss {
    private CrldLoss() {}

    /**
     * Every intermediate, for logging and teaching. {@code ce}, {@code kdWithinView} and
     * {@code kdCrossView} are unweighted; {@code weighted} holds them times their weights as
     * loss_ce, loss_kd_wv, loss_kd_cv (in that order), and {@code total} is their sum.
     */
    public record Terms(Variable ce, Variable kdWithinView, Variable kdCrossView, Map<String, Variable> weighted, Variable total,
                        Tensor confWeak, Tensor confStrong, Tensor maskWeak, Tensor maskStrong,
                        Variable kdSwTw, Variable kdSsTs, Variable kdSsTw, Variable kdSwTs,
                        Variable weakLogits, Variable strongLogits) {}

    /** Teacher confidence: max softmax probability at temperature 1, per sample. */
    public static Tensor confidence(Tensor teacherLogits) {
        return teacherLogits.backend().softmax(teacherLogits, false).amax(new int[] {1}, false);
    }

    /** A per-sample distillation loss between student logits and (constant) teacher logits, [N]. */
    @FunctionalInterface
    public interface PairLoss { Variable perSample(Variable student, Tensor teacher); }

    /** KD_T, optionally on standardised logits (the official CRLD uses plain KD). */
    public static PairLoss kd(float temperature, boolean logitStandardization) {
        if (!logitStandardization) return (s, t) -> KdLoss.perSample(s, t, temperature);
        return (s, t) -> KdLoss.perSample(LogitStandardization.apply(s), LogitStandardization.apply(t), temperature);
    }

    /** DKD's alpha TCKD + beta NCKD in place of KD (CRLD wrapped around another logit loss), scaled by a warm-up factor. */
    public static PairLoss dkd(Tensor labels, float alpha, float beta, float temperature, float warmupFactor, boolean logitStandardization) {
        return (s, t) -> {
            Variable ss = logitStandardization ? LogitStandardization.apply(s) : s;
            Tensor tt = logitStandardization ? LogitStandardization.apply(t) : t;
            return DkdLoss.perSample(ss, tt, labels, temperature).combined(alpha, beta).mul(warmupFactor);
        };
    }

    public static Terms compute(Variable studentWeak, Variable studentStrong, Tensor teacherWeak, Tensor teacherStrong,
                                Tensor labels, CrldConfig cfg) {
        return compute(studentWeak, studentStrong, teacherWeak, teacherStrong, labels, cfg, kd(cfg.temperature(), false));
    }

    public static Terms compute(Variable studentWeak, Variable studentStrong, Tensor teacherWeak, Tensor teacherStrong,
                                Tensor labels, CrldConfig cfg, PairLoss pair) {
        if (!java.util.Arrays.equals(studentWeak.shape(), studentStrong.shape()))
            throw new IllegalArgumentException("crld: weak-view logits " + Shapes.str(studentWeak.shape())
                    + " and strong-view logits " + Shapes.str(studentStrong.shape()) + " differ");
        Tensor confW = confidence(teacherWeak), confS = confidence(teacherStrong);
        Tensor maskW = confW.ge(cfg.tauW()), maskS = confS.ge(cfg.tauS());
        Variable ce = F.crossEntropy(studentWeak, labels).add(F.crossEntropy(studentStrong, labels));
        Variable kdSwTw = pair.perSample(studentWeak, teacherWeak);
        Variable kdSsTs = pair.perSample(studentStrong, teacherStrong);
        Variable kdSsTw = pair.perSample(studentStrong, teacherWeak);
        Variable kdSwTs = pair.perSample(studentWeak, teacherStrong);
        Variable wv = kdSwTw.add(kdSsTs).mul(Variable.constant(maskW)).mean();
        Variable cv = kdSsTw.add(kdSwTs).mul(Variable.constant(maskS)).mean();
        Map<String, Variable> weighted = new LinkedHashMap<>();
        weighted.put("loss_ce", ce.mul(cfg.ceWeight()));
        weighted.put("loss_kd_wv", wv.mul(cfg.wvWeight()));
        weighted.put("loss_kd_cv", cv.mul(cfg.cvWeight()));
        Map<String, Variable> terms = Collections.unmodifiableMap(weighted);
        return new Terms(ce, wv, cv, terms, LossTerms.sum(terms), confW, confS, maskW, maskS, kdSwTw, kdSsTs, kdSsTw, kdSwTs, studentWeak, studentStrong);
    }
}
