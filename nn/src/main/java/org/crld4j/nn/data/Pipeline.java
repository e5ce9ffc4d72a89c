package org.crld4j.nn.data;

import java.util.List;

/**
 * A view's recipe: an image transform and the per-channel Normalize that turns the result into
 * CHW floats, (pixel / 255 - mean) / std. The presets follow CRLD's dataset files
 * ({@code mdistiller/dataset/cifar100.py}, {@code tinyimagenet200.py}, {@code imagenet.py}; section 3
 * of {@code ../shared/reference/crld-method.md}).
 */
public record Pipeline(Transforms.Transform transform, float[] mean, float[] std) {
    public static final float[] CIFAR100_MEAN = {0.5071f, 0.4867f, 0.4408f}, CIFAR100_STD = {0.2675f, 0.2565f, 0.2761f};
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f}, IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** Fashion-MNIST statistics (replicated to three channels). */
    public static final float[] FASHION_MEAN = {0.2860f, 0.2860f, 0.2860f}, FASHION_STD = {0.3530f, 0.3530f, 0.3530f};

    /** Weak view: RandomCrop(side, pad) and a horizontal flip. */
    public static Pipeline weak(int side, int pad, float[] mean, float[] std) {
        return new Pipeline(Transforms.compose(List.of(Transforms.randomCrop(side, pad), Transforms.horizontalFlip(0.5))), mean, std);
    }

    /** Strong view: the weak view's crop and flip, then RandAugment(2) with Cutout. */
    public static Pipeline strong(int side, int pad, float[] mean, float[] std) {
        return new Pipeline(Transforms.compose(List.of(Transforms.randomCrop(side, pad), Transforms.horizontalFlip(0.5),
                Transforms.randAugment(2))), mean, std);
    }

    public static Pipeline test(float[] mean, float[] std) { return new Pipeline(Transforms.identity(), mean, std); }

    public static Pipeline cifarWeak() { return weak(32, 4, CIFAR100_MEAN, CIFAR100_STD); }
    public static Pipeline cifarStrong() { return strong(32, 4, CIFAR100_MEAN, CIFAR100_STD); }
    public static Pipeline tinyWeak() { return weak(64, 8, IMAGENET_MEAN, IMAGENET_STD); }
    public static Pipeline tinyStrong() { return strong(64, 8, IMAGENET_MEAN, IMAGENET_STD); }

    /**
     * CRLD's tinyimagenet200_384 views (the ViT-L/16@384 teacher's experiment): Resize(384, BICUBIC)
     * first, then the 64-pixel views' steps at 384 (RandomCrop(384, padding=8), flip, RandAugment);
     * the test view is the resize alone.
     */
    public static Pipeline tiny384Weak() { return resizedFirst(weak(384, 8, IMAGENET_MEAN, IMAGENET_STD)); }
    public static Pipeline tiny384Strong() { return resizedFirst(strong(384, 8, IMAGENET_MEAN, IMAGENET_STD)); }
    public static Pipeline tiny384Test() { return resizedFirst(test(IMAGENET_MEAN, IMAGENET_STD)); }

    private static Pipeline resizedFirst(Pipeline p) {
        return new Pipeline(Transforms.compose(List.of(Transforms.resizeShorter(384, ImageOps.Filter.BICUBIC), p.transform())), p.mean(), p.std());
    }

    public static Pipeline imagenetWeak() {
        return new Pipeline(Transforms.compose(List.of(Transforms.randomResizedCrop(224), Transforms.horizontalFlip(0.5))), IMAGENET_MEAN, IMAGENET_STD);
    }

    public static Pipeline imagenetStrong() {
        return new Pipeline(Transforms.compose(List.of(Transforms.randomResizedCrop(224), Transforms.horizontalFlip(0.5),
                Transforms.randAugment(2))), IMAGENET_MEAN, IMAGENET_STD);
    }

    public static Pipeline imagenetTest() {
        return new Pipeline(Transforms.compose(List.of(Transforms.resizeShorter(256), Transforms.centerCrop(224))), IMAGENET_MEAN, IMAGENET_STD);
    }

    /** Writes the normalised CHW floats of {@code im} into {@code out} at {@code offset}. */
    public void normalizeInto(Image im, float[] out, int offset) {
        int hw = im.height() * im.width(), c = im.channels();
        if (mean.length != c) throw new IllegalArgumentException("Normalize has " + mean.length + " channels, image has " + c);
        byte[] p = im.pixels();
        for (int k = 0; k < c; k++) {
            float m = mean[k], s = std[k];
            for (int i = 0; i < hw; i++) out[offset + k * hw + i] = ((p[i * c + k] & 0xff) / 255f - m) / s;
        }
    }
}
