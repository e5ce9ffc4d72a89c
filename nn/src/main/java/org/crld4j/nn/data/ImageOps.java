package org.crld4j.nn.data;

/**
 * Deterministic image operations with PIL's semantics, on 8-bit HWC images (RGB unless noted):
 * the building blocks of the weak and strong views. Geometric ops use nearest-neighbour sampling
 * at pixel centres and fill with black, as PIL's Image.transform(AFFINE, NEAREST); blends compute
 * {@code degenerate + f * (image - degenerate)} in float and truncate, as PIL's Image.blend.
 */
public final class ImageOps {
    private ImageOps() {}

    // ---------------------------------------------------------------- cropping, flipping, padding

    /** The size x size window at (top, left) of the image zero-padded by {@code pad} on each side. */
    public static Image paddedCrop(Image im, int pad, int top, int left, int size) {
        Image out = Image.blank(size, size, im.channels());
        for (int y = 0; y < size; y++) {
            int sy = top + y - pad;
            if (sy < 0 || sy >= im.height()) continue;
            for (int x = 0; x < size; x++) {
                int sx = left + x - pad;
                if (sx < 0 || sx >= im.width()) continue;
                System.arraycopy(im.pixels(), (sy * im.width() + sx) * im.channels(), out.pixels(), (y * size + x) * im.channels(), im.channels());
            }
        }
        return out;
    }

    /** Rectangle [top, top+h) x [left, left+w) of the image (must lie inside it). */
    public static Image crop(Image im, int top, int left, int h, int w) {
        Image out = Image.blank(h, w, im.channels());
        for (int y = 0; y < h; y++)
            System.arraycopy(im.pixels(), ((top + y) * im.width() + left) * im.channels(), out.pixels(), y * w * im.channels(), w * im.channels());
        return out;
    }

    public static Image flipHorizontal(Image im) {
        Image out = Image.blank(im.height(), im.width(), im.channels());
        int c = im.channels();
        for (int y = 0; y < im.height(); y++)
            for (int x = 0; x < im.width(); x++)
                System.arraycopy(im.pixels(), (y * im.width() + x) * c, out.pixels(), (y * im.width() + im.width() - 1 - x) * c, c);
        return out;
    }

    // ---------------------------------------------------------------- point operations

    private static Image lut(Image im, int[][] perChannel) {
        Image out = im.copy();
        byte[] p = out.pixels();
        int c = im.channels();
        for (int i = 0; i < p.length; i++) p[i] = (byte) perChannel[i % c][p[i] & 0xff];
        return out;
    }

    private static int[][] sameLut(int channels, int[] lut) {
        int[][] l = new int[channels][];
        for (int i = 0; i < channels; i++) l[i] = lut;
        return l;
    }

    /** PIL's ImageOps.posterize: keep the top {@code bits} bits. */
    public static Image posterize(Image im, int bits) {
        int mask = ~((1 << (8 - bits)) - 1) & 0xff;
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) lut[i] = i & mask;
        return lut(im, sameLut(im.channels(), lut));
    }

    /** PIL's ImageOps.solarize: values >= threshold become 255 - value. */
    public static Image solarize(Image im, double threshold) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) lut[i] = i < threshold ? i : 255 - i;
        return lut(im, sameLut(im.channels(), lut));
    }

    private static int[] histogram(Image im, int channel) {
        int[] h = new int[256];
        byte[] p = im.pixels();
        for (int i = channel; i < p.length; i += im.channels()) h[p[i] & 0xff]++;
        return h;
    }

    /** PIL's ImageOps.autocontrast (cutoff 0): per channel, stretch [min, max] to [0, 255]. */
    public static Image autocontrast(Image im) {
        int[][] luts = new int[im.channels()][256];
        for (int c = 0; c < im.channels(); c++) {
            int[] h = histogram(im, c);
            int lo = 0, hi = 255;
            while (lo < 256 && h[lo] == 0) lo++;
            while (hi >= 0 && h[hi] == 0) hi--;
            for (int i = 0; i < 256; i++) {
                if (hi <= lo) luts[c][i] = i;
                else {
                    double scale = 255.0 / (hi - lo), offset = -lo * scale;
                    luts[c][i] = Math.max(0, Math.min(255, (int) (i * scale + offset)));
                }
            }
        }
        return lut(im, luts);
    }

    /** PIL's ImageOps.equalize: per-channel histogram equalisation with PIL's step rule. */
    public static Image equalize(Image im) {
        int[][] luts = new int[im.channels()][256];
        for (int c = 0; c < im.channels(); c++) {
            int[] h = histogram(im, c);
            int total = 0, last = 0;
            for (int i = 0; i < 256; i++) if (h[i] > 0) { total += h[i]; last = h[i]; }
            int step = (total - last) / 255;
            if (step == 0) { for (int i = 0; i < 256; i++) luts[c][i] = i; continue; }
            int n = step / 2;
            for (int i = 0; i < 256; i++) {
                luts[c][i] = Math.min(255, n / step);
                n += h[i];
            }
        }
        return lut(im, luts);
    }

    // ---------------------------------------------------------------- blends (ImageEnhance)

    /**
     * Image.blend(degenerate, image, factor) as PIL's ImagingBlend computes it: in single
     * precision ({@code in1 + alpha * (in2 - in1)} with a float alpha), truncated; outside
     * [0, 1] the result is clipped first. Double precision would round some values one higher.
     */
    static Image blend(Image degenerate, Image im, double factor) {
        Image out = im.copy();
        byte[] o = out.pixels(), d = degenerate.pixels(), s = im.pixels();
        float alpha = (float) factor;
        boolean interpolate = alpha >= 0 && alpha <= 1;
        for (int i = 0; i < o.length; i++) {
            float v = (d[i] & 0xff) + alpha * ((s[i] & 0xff) - (d[i] & 0xff));
            o[i] = (byte) (interpolate ? (int) v : v <= 0 ? 0 : v >= 255 ? 255 : (int) v);
        }
        return out;
    }

    /** PIL's L conversion (ITU-R 601-2 luma, fixed point). */
    static int luma(int r, int g, int b) { return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16; }

    /** ImageEnhance.Brightness: blend with black. */
    public static Image brightness(Image im, double f) { return blend(Image.blank(im.height(), im.width(), im.channels()), im, f); }

    /** ImageEnhance.Color: blend with the image's grayscale version. */
    public static Image color(Image im, double f) {
        Image gray = Image.blank(im.height(), im.width(), 3);
        for (int y = 0; y < im.height(); y++)
            for (int x = 0; x < im.width(); x++) {
                int l = luma(im.get(y, x, 0), im.get(y, x, 1), im.get(y, x, 2));
                for (int c = 0; c < 3; c++) gray.set(y, x, c, l);
            }
        return blend(gray, im, f);
    }

    /** ImageEnhance.Contrast: blend with a flat image of the rounded mean luma. */
    public static Image contrast(Image im, double f) {
        long sum = 0;
        for (int y = 0; y < im.height(); y++)
            for (int x = 0; x < im.width(); x++) sum += luma(im.get(y, x, 0), im.get(y, x, 1), im.get(y, x, 2));
        int mean = (int) ((double) sum / (im.height() * im.width()) + 0.5);
        Image flat = Image.blank(im.height(), im.width(), im.channels());
        java.util.Arrays.fill(flat.pixels(), (byte) mean);
        return blend(flat, im, f);
    }

    /**
     * ImageEnhance.Sharpness: blend with ImageFilter.SMOOTH (3x3 kernel [1 1 1; 1 5 1; 1 1 1] / 13,
     * rounded); as PIL's 3x3 filter, border pixels of the smoothed image are the original's.
     */
    public static Image sharpness(Image im, double f) {
        Image smooth = im.copy();
        int c = im.channels();
        for (int y = 1; y < im.height() - 1; y++)
            for (int x = 1; x < im.width() - 1; x++)
                for (int k = 0; k < c; k++) {
                    int s = 0;
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++) s += im.get(y + dy, x + dx, k) * (dy == 0 && dx == 0 ? 5 : 1);
                    smooth.set(y, x, k, (int) (s / 13.0 + 0.5));
                }
        return blend(smooth, im, f);
    }

    // ---------------------------------------------------------------- geometry (PIL AFFINE, NEAREST, black fill)

    /**
     * Output (x, y) takes the input pixel at (a x' + b y' + c, d x' + e y' + f) with x' = x + 0.5,
     * y' = y + 0.5 (pixel centres), rounded down; outside the image: black. Computed as PIL's
     * ImagingTransformAffine does, since a coordinate on a pixel edge picks one neighbour or the
     * other depending on the arithmetic: a pure scale/shift in double precision, accumulated
     * along the row; anything else (rotations, shears) in 16.16 fixed point, accumulated.
     */
    public static Image affine(Image im, double a, double b, double c, double d, double e, double f) {
        int w = im.width(), h = im.height();
        if (b == 0 && d == 0) return affineDouble(im, a, b, c, d, e, f);
        boolean fits = fitsFixed(a, b, c, d, e, f, 0, 0) && fitsFixed(a, b, c, d, e, f, w, h)
                && fitsFixed(a, b, c, d, e, f, 0, h) && fitsFixed(a, b, c, d, e, f, w, 0);
        return fits ? affineFixed(im, a, b, c, d, e, f) : affineDouble(im, a, b, c, d, e, f);
    }

    private static boolean fitsFixed(double a, double b, double c, double d, double e, double f, int x, int y) {
        return Math.abs(x * a + y * b + c) < 32768.0 && Math.abs(x * d + y * e + f) < 32768.0;
    }

    /** PIL's FIX(v): v in 16.16 fixed point, rounded half up. */
    private static int fix(double v) {
        double t = v * 65536.0 + 0.5;
        return t < 0.0 ? (int) Math.floor(t) : (int) t;
    }

    private static Image affineFixed(Image im, double a, double b, double c, double d, double e, double f) {
        Image out = Image.blank(im.height(), im.width(), im.channels());
        int ch = im.channels(), w = im.width(), h = im.height();
        int a0 = fix(a), a1 = fix(b), a3 = fix(d), a4 = fix(e);
        int xo = fix(c + a * 0.5 + b * 0.5), yo = fix(f + d * 0.5 + e * 0.5);
        for (int y = 0; y < h; y++) {
            int xx = xo, yy = yo;
            for (int x = 0; x < w; x++) {
                int sx = xx >> 16, sy = yy >> 16;
                if (sx >= 0 && sx < w && sy >= 0 && sy < h)
                    System.arraycopy(im.pixels(), (sy * w + sx) * ch, out.pixels(), (y * w + x) * ch, ch);
                xx += a0;
                yy += a3;
            }
            xo += a1;
            yo += a4;
        }
        return out;
    }

    private static Image affineDouble(Image im, double a, double b, double c, double d, double e, double f) {
        Image out = Image.blank(im.height(), im.width(), im.channels());
        int ch = im.channels(), w = im.width(), h = im.height();
        double xo = c + b * 0.5 + a * 0.5, yo = f + e * 0.5 + d * 0.5;
        for (int y = 0; y < h; y++) {
            double xx = xo, yy = yo;
            for (int x = 0; x < w; x++) {
                int sx = xx < 0 ? -1 : (int) xx, sy = yy < 0 ? -1 : (int) yy;
                if (sx >= 0 && sy >= 0 && sx < w && sy < h)
                    System.arraycopy(im.pixels(), (sy * w + sx) * ch, out.pixels(), (y * w + x) * ch, ch);
                xx += a;
                yy += d;
            }
            xo += b;
            yo += e;
        }
        return out;
    }

    public static Image shearX(Image im, double v) { return affine(im, 1, v, 0, 0, 1, 0); }
    public static Image shearY(Image im, double v) { return affine(im, 1, 0, 0, v, 1, 0); }
    /** Shift by v pixels: output (x, y) samples input (x + v, y), so positive v moves content left. */
    public static Image translateX(Image im, double v) { return affine(im, 1, 0, v, 0, 1, 0); }
    public static Image translateY(Image im, double v) { return affine(im, 1, 0, 0, 0, 1, v); }

    /** Image.rotate(degrees): counter-clockwise about the centre (w/2, h/2), same size. */
    public static Image rotate(Image im, double degrees) {
        double turn = degrees % 360.0;
        if (turn < 0) turn += 360.0; // Python's modulo takes the divisor's sign
        if (turn == 0) return im.copy();
        double angle = -Math.toRadians(turn);
        double cos = round15(Math.cos(angle)), sin = round15(Math.sin(angle));
        double cx = im.width() / 2.0, cy = im.height() / 2.0;
        double a = cos, b = sin, d = -sin, e = cos;
        double c = a * -cx + b * -cy + cx, f = d * -cx + e * -cy + cy;
        return affine(im, a, b, c, d, e, f);
    }

    /** Python's round(v, 15): the nearest 15-decimal value, ties to even, of v's exact value. */
    private static double round15(double v) {
        return new java.math.BigDecimal(v).setScale(15, java.math.RoundingMode.HALF_EVEN).doubleValue();
    }

    /** Fills the rectangle with corners (x0, y0) and (x1, y1), both included and clipped (PIL rectangle). */
    public static Image fillRectangle(Image im, int x0, int y0, int x1, int y1, int[] rgb) {
        Image out = im.copy();
        for (int y = Math.max(0, y0); y <= Math.min(im.height() - 1, y1); y++)
            for (int x = Math.max(0, x0); x <= Math.min(im.width() - 1, x1); x++)
                for (int k = 0; k < im.channels(); k++) out.set(y, x, k, rgb[k % rgb.length]);
        return out;
    }

    // ---------------------------------------------------------------- resizing

    /** PIL's resampling filters: a kernel and its support (in input pixels at scale 1). */
    public enum Filter {
        /** Triangle, support 1. */
        BILINEAR(1.0),
        /** Keys' cubic with a = -0.5 (PIL's bicubic_filter), support 2. */
        BICUBIC(2.0);

        final double support;

        Filter(double support) { this.support = support; }

        double weight(double x) {
            x = Math.abs(x);
            if (this == BILINEAR) return x < 1.0 ? 1.0 - x : 0.0;
            final double a = -0.5;
            if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
            if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
            return 0.0;
        }
    }

    /** Image.resize((ow, oh), BILINEAR): see {@link #resize}. */
    public static Image resizeBilinear(Image im, int oh, int ow) { return resize(im, oh, ow, Filter.BILINEAR); }

    /**
     * Image.resize((ow, oh), filter) as PIL computes it: a separable filter widened by the
     * downscaling factor (antialiasing), horizontal pass first, each pass in 22-bit fixed point
     * rounded and clipped to 8 bits (so the intermediate image is 8-bit too); a pass whose size
     * does not change is skipped.
     */
    public static Image resize(Image im, int oh, int ow, Filter filter) {
        Image out = im;
        if (ow != im.width()) out = resamplePass(out, ow, true, filter);
        if (oh != im.height()) out = resamplePass(out, oh, false, filter);
        return out == im ? im.copy() : out;
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** PIL's precompute_coeffs + normalize_coeffs_8bpc: per output, first tap, tap count, weights. */
    private static int[][] resampleTaps(int inSize, int outSize, int[] first, Filter filter) {
        double scale = (double) inSize / outSize, filterScale = Math.max(1.0, scale), support = filter.support * filterScale;
        int[][] taps = new int[outSize][];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale, ss = 1.0 / filterScale;
            int lo = Math.max(0, (int) (center - support + 0.5)), hi = Math.min(inSize, (int) (center + support + 0.5));
            double[] k = new double[Math.max(0, hi - lo)];
            double total = 0;
            for (int x = 0; x < k.length; x++) {
                k[x] = filter.weight((x + lo - center + 0.5) * ss);
                total += k[x];
            }
            taps[o] = new int[k.length];
            for (int x = 0; x < k.length; x++) {
                double v = total != 0.0 ? k[x] / total : k[x];
                taps[o][x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
            }
            first[o] = lo;
        }
        return taps;
    }

    /** One pass along the width (horizontal) or the height, 8-bit in and out. */
    private static Image resamplePass(Image im, int outSize, boolean horizontal, Filter filter) {
        int h = im.height(), w = im.width(), c = im.channels();
        int[] first = new int[outSize];
        int[][] taps = resampleTaps(horizontal ? w : h, outSize, first, filter);
        int oh = horizontal ? h : outSize, ow = horizontal ? outSize : w;
        Image out = Image.blank(oh, ow, c);
        byte[] src = im.pixels(), dst = out.pixels();
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                int o = horizontal ? x : y;
                int[] k = taps[o];
                for (int ch = 0; ch < c; ch++) {
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int i = 0; i < k.length; i++) {
                        int sy = horizontal ? y : first[o] + i, sx = horizontal ? first[o] + i : x;
                        acc += (src[(sy * w + sx) * c + ch] & 0xff) * k[i];
                    }
                    int v = acc >> PRECISION_BITS;
                    dst[(y * ow + x) * c + ch] = (byte) (v < 0 ? 0 : Math.min(255, v));
                }
            }
        return out;
    }
}
