package org.crld4j.nn.data;

import org.crld4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact checks of the deterministic ops on fixed images, statistical checks of the random choices. */
class AugmentationTest {
    /** 4x4x3 image whose pixel (y, x, c) is 16 * y + 4 * x + c. */
    static Image ramp() {
        Image im = Image.blank(4, 4, 3);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) for (int c = 0; c < 3; c++) im.set(y, x, c, 16 * y + 4 * x + c);
        return im;
    }

    static Image gray(int h, int w, int... values) {
        Image im = Image.blank(h, w, 1);
        for (int i = 0; i < values.length; i++) im.pixels()[i] = (byte) values[i];
        return im;
    }

    @Test void paddedCropOffsetsAndFlip() {
        Image im = ramp();
        Image c = ImageOps.paddedCrop(im, 2, 1, 3, 4);  // window starts 1 above and 1 right of the original origin
        assertEquals(0, c.get(0, 0, 0));            // padding row
        assertEquals(4 * 1, c.get(1, 0, 0));        // original (0, 1)
        assertEquals(16 * 2 + 4 * 3, c.get(3, 2, 0)); // original (2, 3)
        assertEquals(0, c.get(3, 3, 0));            // padding column
        Image f = ImageOps.flipHorizontal(im);
        assertEquals(im.get(2, 3, 1), f.get(2, 0, 1));
        Image t = Transforms.randomCrop(4, 0).apply(im, new Rng(1));
        assertArrayEquals(im.pixels(), t.pixels(), "padding 0, same size: the only offset is (0, 0)");
    }

    @Test void pointOperations() {
        assertArrayEquals(new byte[] {0, (byte) 0xf0, 0x30, (byte) 0x80}, ImageOps.posterize(gray(1, 4, 0, 255, 63, 128), 4).pixels());
        assertArrayEquals(new byte[] {10, (byte) 127, (byte) 127, 0}, ImageOps.solarize(gray(1, 4, 10, 127, 128, 255), 128).pixels());
        // autocontrast stretches [50, 150] to [0, 255]: 100 -> int(100 * 2.55 - 127.5) = 127
        assertArrayEquals(new byte[] {0, (byte) 127, (byte) 255}, ImageOps.autocontrast(gray(1, 3, 50, 100, 150)).pixels());
        // equalize: histogram {0:2, 100:1, 200:1}; step = (4 - 1) / 255 = 0 -> identity
        assertArrayEquals(gray(1, 4, 0, 0, 100, 200).pixels(), ImageOps.equalize(gray(1, 4, 0, 0, 100, 200)).pixels());
        int[] many = new int[512];
        for (int i = 0; i < 512; i++) many[i] = i < 256 ? 10 : 20;
        Image eq = ImageOps.equalize(gray(1, 512, many)); // two equal bins: step = (512 - 256) / 255 = 1; lut[10] = 0, lut[20] = 256 -> 255
        assertEquals(0, eq.get(0, 0, 0));
        assertEquals(255, eq.get(0, 300, 0));
    }

    @Test void blendsMoveTowardTheirDegenerateImage() {
        Image im = ramp();
        assertEquals((int) (0 + 0.5f * im.get(3, 3, 2)), ImageOps.brightness(im, 0.5).get(3, 3, 2));
        // on noise, every blend changes pixels (a no-op fails; a ramp is its own smoothing); PilParityTest pins the values
        Image noise = PilParityTest.noise(6, 6, 3);
        for (var op : java.util.List.<java.util.function.UnaryOperator<Image>>of(
                x -> ImageOps.contrast(x, 0.3), x -> ImageOps.color(x, 0.3), x -> ImageOps.sharpness(x, 0.3)))
            assertTrue(!java.util.Arrays.equals(noise.pixels(), op.apply(noise).pixels()));
        // contrast 0.3 of (y, x, 0) = 31 + 0.3 * (16 y + 4 x - 31): the ramp's mean luma is 30 + 0.815, rounded to 31
        assertEquals((int) (31 + 0.3f * (16 * 3 + 4 * 3 - 31)), ImageOps.contrast(im, 0.3).get(3, 3, 0));
        Image flat = Image.blank(2, 2, 3);
        java.util.Arrays.fill(flat.pixels(), (byte) 77);
        assertArrayEquals(flat.pixels(), ImageOps.contrast(flat, 0.3).pixels(), "contrast of a flat image is itself");
        assertArrayEquals(flat.pixels(), ImageOps.color(flat, 0.3).pixels(), "a gray image has no colour to remove");
        assertArrayEquals(flat.pixels(), ImageOps.sharpness(flat, 0.3).pixels());
    }

    @Test void geometryFollowsPilAffine() {
        Image im = ramp();
        // translate by +1 px: output (x, y) = input (x + 1, y); last column is black
        Image tx = ImageOps.translateX(im, 1.0);
        assertEquals(im.get(1, 2, 0), tx.get(1, 1, 0));
        assertEquals(0, tx.get(1, 3, 0));
        Image ty = ImageOps.translateY(im, -1.0);
        assertEquals(im.get(0, 2, 0), ty.get(1, 2, 0));
        // shear x by 0.5: output (x, y) samples input (x + 0.5 (y + 0.5) + 0.5 - 0.5 ...): row 1 shifts by floor(x + 0.5 + 0.75)
        Image sx = ImageOps.shearX(im, 0.5);
        assertEquals(im.get(1, 1, 0), sx.get(1, 0, 0));
        assertEquals(im.get(0, 0, 0), sx.get(0, 0, 0));
        // rotate 90 degrees counter-clockwise about the centre: output (x, y) = input (w - 1 - y, x)
        Image r = ImageOps.rotate(im, 90);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) assertEquals(im.get(x, 3 - y, 0), r.get(y, x, 0), y + "," + x);
        assertArrayEquals(im.pixels(), ImageOps.rotate(im, 360).pixels());
    }

    @Test void cutoutRectangleQuirks() {
        // centre in (1, w]; x0 = int(max(0, cx - L/2)); x1 = min(w, x0 + L); corners included
        for (int seed = 0; seed < 200; seed++) {
            int[] r = Transforms.cutoutRectangle(32, 32, 10.0, new Rng(seed));
            assertTrue(r[0] >= 0 && r[0] <= 27, "x0 " + r[0]);
            assertTrue(r[2] <= 32 && r[2] - r[0] <= 10 && r[2] - r[0] >= 5, "x1 " + r[2]);
        }
        Image filled = ImageOps.fillRectangle(Image.blank(4, 4, 3), 1, 1, 2, 2, Transforms.CUTOUT_FILL);
        assertEquals(125, filled.get(1, 1, 0));
        assertEquals(114, filled.get(2, 2, 2));
        assertEquals(0, filled.get(3, 3, 0));
        // the centre's quirk: uniform(low=w, high=1) lies in (1, 32], so a tiny patch starts at column 0
        // only when the centre is below 1.25: probability 0.25 / 31 = 0.8% (3.9% for a centre in [0, 32))
        Rng rng = new Rng(17);
        int zeros = 0, n = 20_000;
        for (int i = 0; i < n; i++) if (Transforms.cutoutRectangle(32, 32, 0.5, rng)[0] == 0) zeros++;
        assertEquals(0.25 / 31, (double) zeros / n, 0.003);
    }

    @Test void randAugmentChoicesAreUniformWithinRanges() {
        Rng rng = new Rng(7);
        int draws = 28_000;
        int[] counts = new int[Transforms.Op.values().length];
        double[] sums = new double[counts.length];
        int[] posterizeBits = new int[9];
        int negativeRotations = 0;
        double cutoutSum = 0, cutoutMax = 0;
        for (int i = 0; i < draws / 2; i++) {
            Transforms.RandAugmentDraw d = Transforms.drawRandAugment(2, rng);
            for (Transforms.Draw op : d.ops()) {
                counts[op.op().ordinal()]++;
                sums[op.op().ordinal()] += op.magnitude();
                assertTrue(op.magnitude() >= op.op().min && op.magnitude() < op.op().max, op.toString());
                if (op.op() == Transforms.Op.POSTERIZE) posterizeBits[(int) op.magnitude()]++; // the bits Op.apply keeps
                if (op.op() == Transforms.Op.ROTATE && op.magnitude() < 0) negativeRotations++;
            }
            cutoutSum += d.cutout();
            cutoutMax = Math.max(cutoutMax, d.cutout());
        }
        double expected = draws / 14.0, sigma = Math.sqrt(draws * (1 / 14.0) * (13 / 14.0));
        for (int c : counts) assertEquals(expected, c, 5 * sigma, "op frequencies " + java.util.Arrays.toString(counts));
        for (Transforms.Op op : Transforms.Op.values()) { // uniform magnitudes: the mean is the range's middle
            int n = counts[op.ordinal()];
            double span = op.max - op.min;
            assertEquals(op.min + span / 2, sums[op.ordinal()] / n, 5 * span / Math.sqrt(12.0 * n), op + " mean magnitude");
        }
        // posterize keeps 4..7 bits, each a quarter of the time (int(v), v ~ U[4, 8)); rotate takes both signs
        int posterizes = counts[Transforms.Op.POSTERIZE.ordinal()];
        assertEquals(posterizes, posterizeBits[4] + posterizeBits[5] + posterizeBits[6] + posterizeBits[7]);
        for (int bits = 4; bits <= 7; bits++) assertEquals(0.25, (double) posterizeBits[bits] / posterizes, 0.03, bits + " bits");
        assertEquals(0.5, (double) negativeRotations / counts[Transforms.Op.ROTATE.ordinal()], 0.05, "rotations to the right");
        assertEquals(0.25, cutoutSum / (draws / 2.0), 0.01, "cutout fraction is U[0, 0.5)");
        assertTrue(cutoutMax < 0.5 && cutoutMax > 0.49);
        Image noise = PilParityTest.noise(8, 8, 1);
        assertArrayEquals(ImageOps.posterize(noise, 7).pixels(), Transforms.Op.POSTERIZE.apply(noise, 7.999).pixels(), "int(7.999) = 7 bits");
        assertArrayEquals(ImageOps.posterize(noise, 4).pixels(), Transforms.Op.POSTERIZE.apply(noise, 4.0).pixels());
    }

    @Test void strongViewDiffersFromWeakButKeepsTheShape() {
        // pixel values of seeded views against PIL: PilParityTest.seededWeakAndStrongViewsMatchPil
        Image im = PilParityTest.noise(32, 32, 4);
        Image weak = Pipeline.cifarWeak().transform().apply(im, new Rng(5));
        Image strong = Pipeline.cifarStrong().transform().apply(im, new Rng(5));
        assertEquals(32, strong.height());
        assertTrue(!java.util.Arrays.equals(weak.pixels(), strong.pixels()));
    }
}
