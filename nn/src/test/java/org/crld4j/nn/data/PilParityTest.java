package org.crld4j.nn.data;

import org.crld4j.tensor.Rng;
import org.crld4j.tensor.io.JsonWriter;
import org.crld4j.testing.Python;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The augmentations pixel for pixel against PIL, which computes each expected image in
 * {@code scripts/pil_reference.py} with the calls of CRLD's released dataset code. Each op on
 * images of noise, smooth colour and odd size at its range's ends and at seeded magnitudes;
 * then whole weak and strong views of seeded draws, and the ImageNet crops and resizes. Without
 * PIL: skipped locally, a failure in CI.
 */
class PilParityTest {
    @TempDir Path dir;

    @BeforeAll static void pil() { Python.requirePil(); }

    static Image noise(int h, int w, long seed) {
        Image im = Image.blank(h, w, 3);
        Rng rng = new Rng(seed);
        for (int i = 0; i < im.pixels().length; i++) im.pixels()[i] = (byte) rng.nextInt(256);
        return im;
    }

    /** Gradients, a bright disc and a dark stripe: histograms with gaps, edges to sharpen, colour to remove. */
    static Image smooth(int h, int w) {
        Image im = Image.blank(h, w, 3);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                boolean disc = (x - w / 3) * (x - w / 3) + (y - h / 2) * (y - h / 2) < h * w / 16;
                im.set(y, x, 0, disc ? 230 : 40 + 5 * x);
                im.set(y, x, 1, disc ? 200 : 30 + 6 * y);
                im.set(y, x, 2, x % 7 == 3 ? 10 : 90 + 2 * (x + y));
            }
        return im;
    }

    /** A batch of cases for one run of the PIL script: each names its input, its steps and crld4j's output. */
    final class Job {
        final Map<String, Object> images = new LinkedHashMap<>();
        final List<Object> cases = new ArrayList<>();
        final Map<String, Image> ours = new LinkedHashMap<>();

        void image(String name, Image im) throws Exception {
            Files.write(dir.resolve(name + ".rgb"), im.pixels());
            images.put(name, Map.of("file", name + ".rgb", "height", im.height(), "width", im.width()));
        }

        void add(String name, String image, List<List<Object>> steps, Image crld4j) {
            cases.add(Map.of("name", name, "image", image, "steps", steps));
            ours.put(name, crld4j);
        }

        /** Runs PIL and fails naming every case whose pixels differ, with where and by how much. */
        void check() throws Exception {
            Path jobFile = dir.resolve("job.json"), out = dir.resolve("pil");
            Files.writeString(jobFile, JsonWriter.write(Map.of("images", images, "cases", cases)));
            Python.runFile(Python.repositoryRoot().resolve("scripts/pil_reference.py"), jobFile, out);
            List<String> wrong = new ArrayList<>();
            for (var e : ours.entrySet()) {
                String[] shape = Files.readString(out.resolve(e.getKey() + ".shape")).trim().split(" ");
                Image mine = e.getValue();
                int h = Integer.parseInt(shape[0]), w = Integer.parseInt(shape[1]);
                if (h != mine.height() || w != mine.width()) {
                    wrong.add(e.getKey() + ": PIL " + h + "x" + w + ", crld4j " + mine.height() + "x" + mine.width());
                    continue;
                }
                byte[] pil = Files.readAllBytes(out.resolve(e.getKey() + ".rgb"));
                int differ = 0, maxDiff = 0, first = -1;
                for (int i = 0; i < pil.length; i++) {
                    int d = Math.abs((pil[i] & 0xff) - (mine.pixels()[i] & 0xff));
                    if (d > 0) { differ++; if (first < 0) first = i; }
                    maxDiff = Math.max(maxDiff, d);
                }
                if (differ > 0) {
                    int px = first / 3;
                    wrong.add(e.getKey() + ": " + differ + " of " + pil.length + " values differ (max " + maxDiff + "), first at (y "
                            + px / w + ", x " + px % w + ", c " + first % 3 + "): PIL " + (pil[first] & 0xff) + ", crld4j "
                            + (mine.pixels()[first] & 0xff));
                }
            }
            if (!wrong.isEmpty()) fail(wrong.size() + " of " + ours.size() + " cases differ from PIL:\n" + String.join("\n", wrong));
        }
    }

    /** Range ends (the maximum just below, as U[0, 1) never reaches it), the middle and seeded draws. */
    static double[] magnitudes(Transforms.Op op, Rng rng) {
        double span = op.max - op.min;
        double[] v = new double[8];
        v[0] = op.min;
        v[1] = op.max - 1e-9 * span;
        v[2] = op.min + 0.5 * span;
        for (int i = 3; i < v.length; i++) v[i] = op.min + span * rng.nextDouble();
        return v;
    }

    @Test void everyRandAugmentOpMatchesPil() throws Exception {
        Job job = new Job();
        Map<String, Image> inputs = new LinkedHashMap<>();
        inputs.put("noise", noise(32, 32, 11));
        inputs.put("smooth", smooth(32, 32));
        inputs.put("odd", smooth(27, 31)); // odd sizes: rotation centre and translation rounding
        for (var in : inputs.entrySet()) job.image(in.getKey(), in.getValue());
        Rng rng = new Rng(2024);
        for (Transforms.Op op : Transforms.Op.values()) {
            double[] vs = magnitudes(op, rng);
            for (int i = 0; i < vs.length; i++)
                for (var in : inputs.entrySet())
                    job.add(op + "_" + i + "_" + in.getKey(), in.getKey(), List.of(List.of("op", op.name(), vs[i])), op.apply(in.getValue(), vs[i]));
        }
        job.check();
    }

    @Test void cutoutMatchesPilRectangles() throws Exception {
        Job job = new Job();
        Image im = smooth(32, 32);
        job.image("smooth", im);
        Rng rng = new Rng(5);
        for (int i = 0; i < 40; i++) {
            double side = 32 * 0.5 * rng.nextDouble();
            long[] state = rng.state();
            double cx = 32 + (1.0 - 32) * rng.nextDouble(), cy = 32 + (1.0 - 32) * rng.nextDouble(); // np.random.uniform(w)
            Rng replay = new Rng(0);
            replay.setState(state);
            job.add("cutout_" + i, "smooth", List.of(List.of("cutout", cx, cy, side)), Transforms.cutout(im, side, replay));
        }
        job.check();
    }

    /**
     * Replays the Rng draws of Pipeline's weak or strong view (in the order Transforms makes
     * them: crop offsets, flip, two ops and magnitudes, cutout size, cutout centre) as PIL steps.
     */
    static List<List<Object>> replayCifarView(Rng rng, boolean strong) {
        List<List<Object>> steps = new ArrayList<>();
        int top = rng.nextInt(9), left = rng.nextInt(9);
        steps.add(List.of("pad_crop", 4, top, left, 32));
        if (rng.nextDouble() < 0.5) steps.add(List.of("flip"));
        if (!strong) return steps;
        Transforms.RandAugmentDraw d = Transforms.drawRandAugment(2, rng);
        for (Transforms.Draw op : d.ops()) steps.add(List.of("op", op.op().name(), op.magnitude()));
        if (d.cutout() > 0) {
            double cx = 32 + (1.0 - 32) * rng.nextDouble(), cy = 32 + (1.0 - 32) * rng.nextDouble();
            steps.add(List.of("cutout", cx, cy, d.cutout() * 32));
        }
        return steps;
    }

    @Test void seededWeakAndStrongViewsMatchPil() throws Exception {
        Job job = new Job();
        Image a = smooth(32, 32), b = noise(32, 32, 3);
        job.image("smooth", a);
        job.image("noise", b);
        for (int seed = 0; seed < 150; seed++) {
            Image im = seed % 3 == 0 ? b : a;
            String name = seed % 3 == 0 ? "noise" : "smooth";
            job.add("strong_" + seed, name, replayCifarView(new Rng(seed), true), Pipeline.cifarStrong().transform().apply(im, new Rng(seed)));
            if (seed < 30)
                job.add("weak_" + seed, name, replayCifarView(new Rng(seed), false), Pipeline.cifarWeak().transform().apply(im, new Rng(seed)));
        }
        job.check();
    }

    @Test void imagenetCropsAndResizesMatchPil() throws Exception {
        Job job = new Job();
        Image wide = smooth(60, 90), tall = noise(70, 45, 8);
        job.image("wide", wide);
        job.image("tall", tall);
        job.add("test_wide", "wide", List.of(List.of("resize_shorter", 32), List.of("center_crop", 28)),
                Transforms.centerCrop(28).apply(Transforms.resizeShorter(32).apply(wide, null), null));
        job.add("test_tall", "tall", List.of(List.of("resize_shorter", 30), List.of("center_crop", 24)),
                Transforms.centerCrop(24).apply(Transforms.resizeShorter(30).apply(tall, null), null));
        int[][] crops = {{0, 0, 60, 90, 40}, {5, 17, 33, 21, 24}, {10, 3, 41, 77, 224}, {1, 2, 13, 9, 12}};
        for (int i = 0; i < crops.length; i++) {
            int[] c = crops[i];
            job.add("rrc_" + i, "wide", List.of(List.of("resized_crop", c[0], c[1], c[2], c[3], c[4])),
                    ImageOps.resizeBilinear(ImageOps.crop(wide, c[0], c[1], c[2], c[3]), c[4], c[4]));
        }
        job.check();
    }

    /** PIL's BICUBIC (a = -0.5): up, down (antialiased: the kernel widened by the factor) and torchvision's Resize(384, BICUBIC). */
    @Test void bicubicResizesMatchPil() throws Exception {
        Job job = new Job();
        Image tiny = noise(64, 64, 4), wide = smooth(60, 90);
        job.image("tiny", tiny);
        job.image("wide", wide);
        int[][] sizes = {{23, 37}, {13, 90}, {60, 41}, {97, 131}, {5, 7}};
        for (int[] hw : sizes)
            job.add("bicubic_" + hw[0] + "x" + hw[1], "wide", List.of(List.of("resize", hw[0], hw[1], "BICUBIC")),
                    ImageOps.resize(wide, hw[0], hw[1], ImageOps.Filter.BICUBIC));
        job.add("tiny_384", "tiny", List.of(List.of("resize_shorter", 384, "BICUBIC")),
                Transforms.resizeShorter(384, ImageOps.Filter.BICUBIC).apply(tiny, null));
        for (int seed = 0; seed < 3; seed++) { // the tinyimagenet200_384 weak view: resize, RandomCrop(384, padding=8), flip
            Rng rng = new Rng(seed);
            int top = rng.nextInt(17), left = rng.nextInt(17);
            List<List<Object>> steps = new java.util.ArrayList<>(List.of(List.of("resize_shorter", 384, "BICUBIC"), List.of("pad_crop", 8, top, left, 384)));
            if (rng.nextDouble() < 0.5) steps.add(List.of("flip"));
            job.add("tiny384_weak_" + seed, "tiny", steps, Pipeline.tiny384Weak().transform().apply(tiny, new Rng(seed)));
        }
        job.check();
    }

    @Test void pipelinesKeepTheirSizes() {
        assertTrue(Pipeline.imagenetTest().transform().apply(noise(300, 400, 1), new Rng(0)).height() == 224);
        Image rrc = Transforms.randomResizedCrop(24).apply(noise(40, 50, 2), new Rng(9));
        assertTrue(rrc.height() == 24 && rrc.width() == 24);
    }
}
