package org.crld4j.experiments.report;

import org.crld4j.crld.loss.CrldConfig;
import org.crld4j.crld.loss.CrldLoss;
import org.crld4j.nn.data.Image;
import org.crld4j.tensor.Tensor;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The teaching view of {@code crld inspect}: one batch as a grid. Per sample the original image
 * and its two views, what teacher and student make of each view, whether each mask passed, and
 * the four KD pairs with their weights and what each adds to the loss; a legend explains the
 * pairs, and a chart shows which samples carry the distillation loss.
 */
public final class InspectPage {
    private InspectPage() {}

    /**
     * One batch: the originals, the two normalised views [N, C, H, W] with the pipeline's mean and
     * std, the teacher's logits on each view, CRLD's terms (student logits, confidences, masks, pairs).
     */
    public record Batch(String data, List<Image> originals, int[] labels, Tensor weak, Tensor strong, float[] mean, float[] std,
                        Tensor teacherWeak, Tensor teacherStrong, CrldLoss.Terms terms, CrldConfig cfg, String[] classNames) {}

    /** The four pairs in the order of {@link CrldLoss.Terms}: what the student sees &lt;- what the teacher sees. */
    private static final String[] PAIRS = {"weak &lt;- weak", "strong &lt;- strong", "strong &lt;- weak", "weak &lt;- strong"};
    private static final String[] PAIR_PLAIN = {"weak <- weak", "strong <- strong", "strong <- weak", "weak <- strong"};
    private static final String[] PAIR_KD = {"KD(s_w, t_w)", "KD(s_s, t_s)", "KD(s_s, t_w)", "KD(s_w, t_s)"};
    private static final List<Color> PAIR_COLORS = List.of(new Color(0x1f77b4), new Color(0xaec7e8), new Color(0xff7f0e), new Color(0xffbb78));

    private static final String LEGEND = """
            <h2>The four pairs</h2>
            <p><b>weak &lt;- weak</b> (within-view, KD(s_w, t_w)). The student looks at the lightly augmented image (a random crop and
            flip) and is pulled toward the teacher's softened prediction (temperature T) on that same image: ordinary knowledge
            distillation. It counts only where the teacher is confident on the weak view (conf_w &gt;= tau_w); elsewhere the sample adds 0.</p>
            <p><b>strong &lt;- strong</b> (within-view, KD(s_s, t_s)). The same on the heavily augmented image (RandAugment and Cutout):
            the student matches what the teacher makes of the distorted picture. In the official code this pair is gated by the
            <i>weak</i> view's mask m_w too, not by the teacher's confidence on the strong view.</p>
            <p><b>strong &lt;- weak</b> (cross-view, KD(s_s, t_w)). The student sees the distorted image but must predict what the teacher
            says about the clean one, so it learns to see through the augmentation. Gated by m_s: the teacher's confidence on the strong
            view must reach tau_s, a low bar (0.2 by default) because strong views confuse the teacher as well.</p>
            <p><b>weak &lt;- strong</b> (cross-view, KD(s_w, t_s)). The reverse: on the clean image the student matches the teacher's
            prediction on the distorted view, so each of the student's views agrees with both of the teacher's. Also gated by m_s.</p>
            <p class="note">A masked pair adds 0, but the sample still counts in the batch mean (the sums divide by the whole batch B).
            Cross-entropy on both views is added with weight w_ce. What a pair adds to the loss is its weight (w_wv or w_cv, times the
            mask) times KD / B.</p>
            """;

    private static final String STYLE = """
            .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(370px, 1fr)); gap: 12px; }
            .card { border: 1px solid #ccc; border-radius: 4px; padding: 8px; break-inside: avoid; page-break-inside: avoid; }
            .card h3 { font-size: 15px; margin: 0 0 6px; } .views { display: flex; gap: 8px; }
            .views figure { text-align: center; font-size: 12px; color: #555; }
            img.sample { image-rendering: pixelated; border: 1px solid #999; display: block; }
            .card table { font-size: 12px; width: 100%; } .card td, .card th { padding: 1px 4px; white-space: normal; }
            .hit { font-weight: bold; }
            """;

    /** Writes the page of {@code b} to {@code file}. */
    public static void write(java.nio.file.Path file, Batch b) throws IOException { Html.write(file, html(b)); }

    static String html(Batch b) {
        int n = b.labels().length;
        CrldLoss.Terms t = b.terms();
        CrldConfig c = b.cfg();
        float[] cw = t.confWeak().toArray(), cs = t.confStrong().toArray(), mw = t.maskWeak().toArray(), ms = t.maskStrong().toArray();
        float[][] kd = {t.kdSwTw().data().toArray(), t.kdSsTs().data().toArray(), t.kdSsTw().data().toArray(), t.kdSwTs().data().toArray()};
        float[][] probs = {softmax(b.teacherWeak()), softmax(b.teacherStrong()), softmax(t.weakLogits().data()), softmax(t.strongLogits().data())};
        int classes = b.teacherWeak().size(1);
        float[] weakPixels = b.weak().toArray(), strongPixels = b.strong().toArray();
        double[][] adds = new double[4][n];
        StringBuilder cards = new StringBuilder("<div class=\"grid\">\n");
        for (int i = 0; i < n; i++) {
            float[] weights = {c.wvWeight() * mw[i], c.wvWeight() * mw[i], c.cvWeight() * ms[i], c.cvWeight() * ms[i]};
            for (int p = 0; p < 4; p++) adds[p][i] = weights[p] * kd[p][i] / n;
            cards.append("<div class=\"card\"><h3>#").append(i).append("  ").append(Html.esc(name(b, b.labels()[i]))).append("</h3>\n<div class=\"views\">")
                    .append(figure("original", png(b.originals().get(i)), i)).append(figure("weak view", png(weakPixels, b.weak().shape(), i, b.mean(), b.std()), i))
                    .append(figure("strong view", png(strongPixels, b.strong().shape(), i, b.mean(), b.std()), i)).append("</div>\n<table>\n")
                    .append("<tr><th class=\"l\"></th><th class=\"l\">teacher</th><th class=\"l\">student</th></tr>\n");
            for (int v = 0; v < 2; v++)
                cards.append("<tr><td class=\"l\">").append(v == 0 ? "weak" : "strong").append("</td><td class=\"l\">")
                        .append(top(b, probs[v], i, classes)).append("</td><td class=\"l\">").append(top(b, probs[2 + v], i, classes)).append("</td></tr>\n");
            cards.append("</table>\n<table>\n").append(mask("m_w", cw[i], c.tauW(), mw[i] > 0)).append(mask("m_s", cs[i], c.tauS(), ms[i] > 0))
                    .append("</table>\n<table>\n<tr><th class=\"l\">pair</th><th>KD</th><th>weight</th><th>adds to loss</th></tr>\n");
            for (int p = 0; p < 4; p++)
                cards.append("<tr><td class=\"l\">").append(PAIRS[p]).append("</td><td>").append(f4(kd[p][i])).append("</td><td>").append(f2(weights[p]))
                        .append("</td><td>").append(f4(adds[p][i])).append("</td></tr>\n");
            cards.append("</table></div>\n");
        }
        cards.append("</div>\n");

        StringBuilder page = new StringBuilder();
        page.append("<h1>CRLD on one batch: what the teacher's confidence lets through</h1>\n<p class=\"note\">")
                .append(n).append(" training samples from ").append(Html.esc(b.data())).append(String.format(Locale.ROOT,
                        "; T = %.1f, tau_w = %.2f, tau_s = %.2f; weights w_ce %.2f, w_wv %.2f, w_cv %.2f.", c.temperature(), c.tauW(), c.tauS(),
                        c.ceWeight(), c.wvWeight(), c.cvWeight())).append("</p>\n");
        page.append("<table>\n<tr><th class=\"l\">term</th><th>value</th><th>weight</th><th>weighted</th></tr>\n")
                .append(term("L_ce = CE(s_w) + CE(s_s)", t.ce().item(), c.ceWeight()))
                .append(term("L_wv = mean(m_w (weak &lt;- weak + strong &lt;- strong))", t.kdWithinView().item(), c.wvWeight()))
                .append(term("L_cv = mean(m_s (strong &lt;- weak + weak &lt;- strong))", t.kdCrossView().item(), c.cvWeight()))
                .append(String.format(Locale.ROOT, "<tr><td class=\"l\"><b>total</b></td><td></td><td></td><td><b>%.4f</b></td></tr>\n</table>\n",
                        t.total().item()))
                .append(String.format(Locale.ROOT, "<p class=\"note\">Mask rates: weak %.2f, strong %.2f.</p>\n", t.maskWeak().mean().item(),
                        t.maskStrong().mean().item()));
        page.append(LEGEND);
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) samples.add("#" + i);
        String title = "What each sample adds to the distillation loss";
        page.append(Html.chart(title, Charts.png(Charts.bars(title, "weight x KD / B per pair; a masked pair adds 0", "sample", "loss", samples,
                List.of(PAIR_PLAIN), adds, PAIR_COLORS, true), RunReport.WIDTH * 2, RunReport.HEIGHT), RunReport.WIDTH * 2, RunReport.HEIGHT));
        page.append("<h2>The batch</h2>\n").append(cards);
        return Html.page("crld inspect: one batch of " + n, STYLE, 0, page.toString());
    }

    private static String name(Batch b, int label) {
        return label < b.classNames().length ? b.classNames()[label] : "class " + label;
    }

    /** The two most probable classes with their probabilities (softmax at T = 1); the true class in bold. */
    private static String top(Batch b, float[] p, int i, int classes) {
        int first = -1, second = -1;
        for (int k = 0; k < classes; k++) {
            float v = p[i * classes + k];
            if (first < 0 || v > p[i * classes + first]) { second = first; first = k; }
            else if (second < 0 || v > p[i * classes + second]) second = k;
        }
        StringBuilder s = new StringBuilder();
        for (int k : new int[] {first, second}) {
            if (k < 0) continue;
            if (!s.isEmpty()) s.append(", ");
            String text = Html.esc(name(b, k)) + String.format(Locale.ROOT, " %.2f", p[i * classes + k]);
            s.append(k == b.labels()[i] ? "<span class=\"hit\">" + text + "</span>" : text);
        }
        return s.toString();
    }

    private static String mask(String name, float conf, float tau, boolean passed) {
        return String.format(Locale.ROOT, "<tr><td class=\"l\">%s: teacher confidence %.3f %s tau %.2f</td><td class=\"%s\">%s</td></tr>\n", name, conf,
                passed ? "&gt;=" : "&lt;", tau, passed ? "yes" : "no", passed ? "passes" : "masked");
    }

    private static String term(String what, float value, float weight) {
        return String.format(Locale.ROOT, "<tr><td class=\"l\">%s</td><td>%.4f</td><td>%.2f</td><td>%.4f</td></tr>\n", what, value, weight, value * weight);
    }

    private static String figure(String caption, BufferedImage im, int sample) {
        int side = Math.max(im.getWidth(), im.getHeight());
        double scale = side <= 48 ? 3 : Math.min(1, 160.0 / side); // small images enlarged (pixels kept sharp), large ones shrunk
        int w = (int) Math.round(im.getWidth() * scale), h = (int) Math.round(im.getHeight() * scale);
        return "<figure><img class=\"sample\" alt=\"#" + sample + " " + caption + "\" width=\"" + w + "\" height=\"" + h + "\" src=\"" + dataUri(im)
                + "\">" + caption + "</figure>";
    }

    private static BufferedImage png(Image im) {
        BufferedImage out = new BufferedImage(im.width(), im.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < im.height(); y++)
            for (int x = 0; x < im.width(); x++) {
                int r = im.get(y, x, 0), g = im.get(y, x, Math.min(1, im.channels() - 1)), bl = im.get(y, x, Math.min(2, im.channels() - 1));
                out.setRGB(x, y, r << 16 | g << 8 | bl);
            }
        return out;
    }

    /** Sample {@code i} of a normalised batch {@code v} of {@code shape} [N, C, H, W], back to 8-bit pixels: v * std + mean. */
    private static BufferedImage png(float[] v, int[] shape, int i, float[] mean, float[] std) {
        int ch = shape[1], h = shape[2], w = shape[3];
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int rgb = 0;
                for (int k = 0; k < 3; k++) {
                    int c = Math.min(k, ch - 1), at = ((i * ch + c) * h + y) * w + x;
                    rgb = rgb << 8 | Math.max(0, Math.min(255, Math.round((v[at] * std[c] + mean[c]) * 255)));
                }
                out.setRGB(x, y, rgb);
            }
        return out;
    }

    private static String dataUri(BufferedImage im) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            ImageIO.write(im, "png", b);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into memory: cannot happen
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(b.toByteArray());
    }

    /** Row-wise softmax at temperature 1 of [N, C] logits, on the host. */
    private static float[] softmax(Tensor logits) {
        int n = logits.size(0), c = logits.size(1);
        float[] z = logits.toArray(), p = new float[z.length];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int k = 0; k < c; k++) max = Math.max(max, z[i * c + k]);
            for (int k = 0; k < c; k++) sum += Math.exp(z[i * c + k] - max);
            for (int k = 0; k < c; k++) p[i * c + k] = (float) (Math.exp(z[i * c + k] - max) / sum);
        }
        return p;
    }

    private static String f2(double v) { return String.format(Locale.ROOT, "%.2f", v); }

    private static String f4(double v) { return String.format(Locale.ROOT, "%.4f", v); }
}
