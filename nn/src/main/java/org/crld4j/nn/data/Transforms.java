package org.crld4j.nn.data;

import org.crld4j.tensor.Rng;

import java.util.List;

/**
 * Random image transforms (torchvision semantics) and the RandAugment of CRLD's strong view.
 * Each draws its randomness from the Rng it is given, so a sample's views depend only on the seed.
 */
public final class Transforms {
    private Transforms() {}

    /** A random transform of an 8-bit image. */
    @FunctionalInterface
    public interface Transform {
        Image apply(Image im, Rng rng);

        default Transform then(Transform next) { return (im, rng) -> next.apply(apply(im, rng), rng); }
    }

    public static Transform compose(List<Transform> ts) {
        return (im, rng) -> {
            for (Transform t : ts) im = t.apply(im, rng);
            return im;
        };
    }

    public static Transform identity() { return (im, rng) -> im; }

    /** Uniform integer in [lo, hi], both included (Python's random.randint). */
    static int randint(Rng rng, int lo, int hi) { return lo + rng.nextInt(hi - lo + 1); }

    static double uniform(Rng rng, double lo, double hi) { return lo + (hi - lo) * rng.nextDouble(); }

    /** RandomCrop(size, padding): zero-pad, then a uniform offset in [0, H + 2p - size]. */
    public static Transform randomCrop(int size, int padding) {
        return (im, rng) -> {
            int top = randint(rng, 0, im.height() + 2 * padding - size), left = randint(rng, 0, im.width() + 2 * padding - size);
            return ImageOps.paddedCrop(im, padding, top, left, size);
        };
    }

    /** RandomHorizontalFlip(p). */
    public static Transform horizontalFlip(double p) {
        return (im, rng) -> rng.nextDouble() < p ? ImageOps.flipHorizontal(im) : im;
    }

    /** RandomResizedCrop(size), scale (0.08, 1), ratio (3/4, 4/3), bilinear: torchvision's 10 tries then a centre fallback. */
    public static Transform randomResizedCrop(int size) {
        return (im, rng) -> {
            int h = im.height(), w = im.width();
            double area = (double) h * w, logLo = Math.log(3.0 / 4), logHi = Math.log(4.0 / 3);
            for (int attempt = 0; attempt < 10; attempt++) {
                double target = area * uniform(rng, 0.08, 1.0), aspect = Math.exp(uniform(rng, logLo, logHi));
                int cw = (int) Math.round(Math.sqrt(target * aspect)), ch = (int) Math.round(Math.sqrt(target / aspect));
                if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                    int top = randint(rng, 0, h - ch), left = randint(rng, 0, w - cw);
                    return ImageOps.resizeBilinear(ImageOps.crop(im, top, left, ch, cw), size, size);
                }
            }
            double ratio = (double) w / h;
            int cw = w, ch = h;
            if (ratio < 3.0 / 4) ch = (int) Math.round(w / (3.0 / 4));
            else if (ratio > 4.0 / 3) cw = (int) Math.round(h * (4.0 / 3));
            return ImageOps.resizeBilinear(ImageOps.crop(im, (h - ch) / 2, (w - cw) / 2, ch, cw), size, size);
        };
    }

    /** Resize(size): the shorter side becomes size, the other keeps the aspect ratio (truncated); bilinear. */
    public static Transform resizeShorter(int size) { return resizeShorter(size, ImageOps.Filter.BILINEAR); }

    /** Resize(size, interpolation) on a PIL image: the shorter side becomes size, the other keeps the aspect ratio (truncated). */
    public static Transform resizeShorter(int size, ImageOps.Filter filter) {
        return (im, rng) -> {
            int h = im.height(), w = im.width();
            if (Math.min(h, w) == size) return im;
            return w <= h ? ImageOps.resize(im, (int) ((long) size * h / w), size, filter) : ImageOps.resize(im, size, (int) ((long) size * w / h), filter);
        };
    }

    /** CenterCrop(size): offsets round((H - size) / 2). */
    public static Transform centerCrop(int size) {
        return (im, rng) -> ImageOps.crop(im, (int) Math.round((im.height() - size) / 2.0), (int) Math.round((im.width() - size) / 2.0), size, size);
    }

    /** The 14 RandAugment operations of CRLD's dataset files, in their list order. */
    public enum Op {
        AUTO_CONTRAST(0, 1), BRIGHTNESS(0.05, 0.95), COLOR(0.05, 0.95), CONTRAST(0.05, 0.95), EQUALIZE(0, 1), IDENTITY(0, 1),
        POSTERIZE(4, 8), ROTATE(-30, 30), SHARPNESS(0.05, 0.95), SHEAR_X(-0.3, 0.3), SHEAR_Y(-0.3, 0.3), SOLARIZE(0, 256),
        TRANSLATE_X(-0.3, 0.3), TRANSLATE_Y(-0.3, 0.3);

        public final double min, max;

        Op(double min, double max) { this.min = min; this.max = max; }

        /** Applies the op with magnitude v (drawn uniformly from [min, max)). */
        public Image apply(Image im, double v) {
            return switch (this) {
                case AUTO_CONTRAST -> ImageOps.autocontrast(im);
                case BRIGHTNESS -> ImageOps.brightness(im, v);
                case COLOR -> ImageOps.color(im, v);
                case CONTRAST -> ImageOps.contrast(im, v);
                case EQUALIZE -> ImageOps.equalize(im);
                case IDENTITY -> im;
                case POSTERIZE -> ImageOps.posterize(im, Math.max(1, (int) v));
                case ROTATE -> ImageOps.rotate(im, v);
                case SHARPNESS -> ImageOps.sharpness(im, v);
                case SHEAR_X -> ImageOps.shearX(im, v);
                case SHEAR_Y -> ImageOps.shearY(im, v);
                case SOLARIZE -> ImageOps.solarize(im, v);
                case TRANSLATE_X -> ImageOps.translateX(im, v * im.width());
                case TRANSLATE_Y -> ImageOps.translateY(im, v * im.height());
            };
        }
    }

    /** Grey fill of CRLD's cutout, close to the CIFAR mean x 255. */
    public static final int[] CUTOUT_FILL = {125, 123, 114};

    /** One drawn operation of RandAugment and its magnitude. */
    public record Draw(Op op, double magnitude) {}

    /** RandAugment's random choices for one image: n ops with magnitudes, and the cutout fraction. */
    public record RandAugmentDraw(List<Draw> ops, double cutout) {}

    /** Draws n ops uniformly with replacement (random.choices), uniform magnitudes, and v ~ U[0, 0.5) for Cutout. */
    public static RandAugmentDraw drawRandAugment(int n, Rng rng) {
        Op[] all = Op.values();
        java.util.List<Draw> ops = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Op op = all[rng.nextInt(all.length)];
            ops.add(new Draw(op, uniform(rng, op.min, op.max)));
        }
        return new RandAugmentDraw(ops, rng.nextDouble() * 0.5);
    }

    /**
     * RandAugment(n=2) as CRLD ships it: n ops drawn uniformly with replacement, each applied with
     * a uniform magnitude in its range, then always Cutout with side v * width, v ~ U[0, 0.5).
     */
    public static Transform randAugment(int n) {
        return (im, rng) -> {
            RandAugmentDraw d = drawRandAugment(n, rng);
            for (Draw op : d.ops()) im = op.op().apply(im, op.magnitude());
            return d.cutout() > 0 ? cutout(im, d.cutout() * im.width(), rng) : im;
        };
    }

    /**
     * CRLD's CutoutAbs with its quirks: the centre is numpy's uniform(w) = uniform(low=w, high=1),
     * i.e. in (1, w]; x0 = int(max(0, cx - L/2)), x1 = min(w, x0 + L) (float, truncated when
     * drawn); PIL's rectangle includes both corners.
     */
    public static Image cutout(Image im, double side, Rng rng) {
        int[] r = cutoutRectangle(im.width(), im.height(), side, rng);
        return ImageOps.fillRectangle(im, r[0], r[1], r[2], r[3], CUTOUT_FILL);
    }

    /** {x0, y0, x1, y1} of a cutout (inclusive corners). */
    public static int[] cutoutRectangle(int w, int h, double side, Rng rng) {
        double cx = w + (1.0 - w) * rng.nextDouble(), cy = h + (1.0 - h) * rng.nextDouble();
        int x0 = (int) Math.max(0, cx - side / 2.0), y0 = (int) Math.max(0, cy - side / 2.0);
        double x1 = Math.min(w, x0 + side), y1 = Math.min(h, y0 + side);
        return new int[] {x0, y0, (int) x1, (int) y1};
    }
}
