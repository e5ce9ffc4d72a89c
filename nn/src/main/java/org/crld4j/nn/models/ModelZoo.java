package org.crld4j.nn.models;

import org.crld4j.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The paper's model zoo by name (mdistiller's cifar_model_dict names; "vgg8"/"vgg13" are the
 * batch-norm variants, "MobileNetV2" is mobile_half). The CIFAR networks take any input size
 * whose final map is square, so the same names serve Tiny-ImageNet (64x64, 200 classes, global
 * pooling); ImageNet models are "imagenet_resnet18/34/50" and "imagenet_mobilenetv1"; timm's
 * Vision Transformers keep timm's names (vit_large_patch16_384, CRLD's Tiny-ImageNet teacher, ...).
 */
public final class ModelZoo {
    private ModelZoo() {}

    private static final Map<String, BiFunction<Integer, Rng, Classifier>> MODELS = new LinkedHashMap<>();

    static {
        int[] small = {16, 16, 32, 64}, wide = {32, 64, 128, 256};
        for (int depth : new int[] {8, 14, 20, 32, 44, 56, 110})
            MODELS.put("resnet" + depth, (c, r) -> new CifarResNet(depth, small, c, r));
        MODELS.put("resnet8x4", (c, r) -> new CifarResNet(8, wide, c, r));
        MODELS.put("resnet32x4", (c, r) -> new CifarResNet(32, wide, c, r));
        MODELS.put("wrn_16_1", (c, r) -> new WideResNet(16, 1, c, r));
        MODELS.put("wrn_16_2", (c, r) -> new WideResNet(16, 2, c, r));
        MODELS.put("wrn_40_1", (c, r) -> new WideResNet(40, 1, c, r));
        MODELS.put("wrn_40_2", (c, r) -> new WideResNet(40, 2, c, r));
        MODELS.put("vgg8", (c, r) -> new Vgg(Vgg.S, c, r));
        MODELS.put("vgg11", (c, r) -> new Vgg(Vgg.A, c, r));
        MODELS.put("vgg13", (c, r) -> new Vgg(Vgg.B, c, r));
        MODELS.put("vgg16", (c, r) -> new Vgg(Vgg.D, c, r));
        MODELS.put("vgg19", (c, r) -> new Vgg(Vgg.E, c, r));
        MODELS.put("MobileNetV2", (c, r) -> new MobileNetV2(6, 0.5, c, 32, r));
        MODELS.put("ShuffleV1", (c, r) -> new ShuffleNetV1(new int[] {240, 480, 960}, new int[] {4, 8, 4}, 3, c, r));
        MODELS.put("ShuffleV2", (c, r) -> new ShuffleNetV2(new int[] {116, 232, 464, 1024}, new int[] {3, 7, 3}, c, r));
        MODELS.put("ResNet18", (c, r) -> new ResNetV2(false, new int[] {2, 2, 2, 2}, c, r));
        MODELS.put("ResNet34", (c, r) -> new ResNetV2(false, new int[] {3, 4, 6, 3}, c, r));
        MODELS.put("ResNet50", (c, r) -> new ResNetV2(true, new int[] {3, 4, 6, 3}, c, r));
        MODELS.put("imagenet_resnet18", (c, r) -> new ImageNetResNet(false, new int[] {2, 2, 2, 2}, c, r));
        MODELS.put("imagenet_resnet34", (c, r) -> new ImageNetResNet(false, new int[] {3, 4, 6, 3}, c, r));
        MODELS.put("imagenet_resnet50", (c, r) -> new ImageNetResNet(true, new int[] {3, 4, 6, 3}, c, r));
        MODELS.put("imagenet_mobilenetv1", MobileNetV1::new);
        for (String vit : new java.util.TreeSet<>(VisionTransformer.VARIANTS.keySet()))
            MODELS.put(vit, (c, r) -> new VisionTransformer(VisionTransformer.VARIANTS.get(vit), c, r));
    }

    public static Iterable<String> names() { return MODELS.keySet(); }

    public static boolean has(String name) { return MODELS.containsKey(name); }

    /** Fails for an unknown name, listing the known ones; builds nothing (a ViT-L is 1.2 GB). */
    public static void require(String name) {
        if (!MODELS.containsKey(name)) throw new IllegalArgumentException("unknown model '" + name + "'; known models: " + String.join(", ", MODELS.keySet()));
    }

    /** Builds a freshly initialised model; unknown names fail listing the known ones. */
    public static Classifier create(String name, int numClasses, Rng rng) {
        require(name);
        var f = MODELS.get(name);
        if (numClasses < 1) throw new IllegalArgumentException("model " + name + ": number of classes must be positive, got " + numClasses);
        return f.apply(numClasses, rng);
    }

    /** The input side a model expects by default (ImageNet models 224, ViTs their configured size, the rest 32). */
    public static int defaultInputSize(String name) {
        VisionTransformer.Config vit = VisionTransformer.VARIANTS.get(name);
        return vit != null ? vit.imgSize() : name.startsWith("imagenet_") ? 224 : 32;
    }

    /** A model's parameter count; ViTs are counted from their shapes, not built (vit_large is 1.2 GB). */
    public static long numParameters(String name, int numClasses) {
        VisionTransformer.Config vit = VisionTransformer.VARIANTS.get(name);
        return vit != null ? vit.numParameters(numClasses) : create(name, numClasses, new Rng(0)).numParameters();
    }
}
