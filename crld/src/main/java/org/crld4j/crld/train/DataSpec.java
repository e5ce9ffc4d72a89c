package org.crld4j.crld.train;

import org.crld4j.nn.data.Cifar;
import org.crld4j.nn.data.Dataset;
import org.crld4j.nn.data.EmbeddedData;
import org.crld4j.nn.data.Idx;
import org.crld4j.nn.data.ImageFolder;
import org.crld4j.nn.data.Pipeline;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data source as the command line names it: {@code embedded} (the shipped Fashion-MNIST
 * subset), {@code cifar100:<dir>}, {@code cifar10:<dir>}, {@code tiny-imagenet:<dir>},
 * {@code imagenet:<dir>} or {@code idx:<dir>} (MNIST/Fashion-MNIST IDX files, padded to 32x32x3).
 * Knows its views: CRLD's weak and strong pipelines and the test pipeline of that data set; with
 * {@code resized384} (DATASET.TYPE tinyimagenet200_384: the ViT teacher's experiment) Tiny-ImageNet's
 * views start with Resize(384, BICUBIC).
 */
public record DataSpec(String kind, Path dir, boolean resized384) {
    public DataSpec(String kind, Path dir) { this(kind, dir, false); }

    /** The views DATASET.TYPE asks for: tinyimagenet200_384 resizes Tiny-ImageNet to 384 (TrainerChecks refuses it on other data). */
    public DataSpec forDatasetType(String datasetType) {
        return new DataSpec(kind, dir, datasetType.equals("tinyimagenet200_384") && kind.equals("tiny-imagenet"));
    }

    public static DataSpec parse(String spec) {
        if (spec == null || spec.isBlank() || spec.equals("embedded")) return new DataSpec("embedded", null);
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String expected = "expected embedded, cifar100:<dir>, cifar10:<dir>, tiny-imagenet:<dir>, imagenet:<dir> or idx:<dir>";
        if (!java.util.Set.of("cifar100", "cifar10", "tiny-imagenet", "imagenet", "idx").contains(kind))
            throw new IllegalArgumentException("unknown data kind '" + kind + "' in '" + spec + "'; " + expected);
        if (colon < 0 || colon == spec.length() - 1)
            throw new IllegalArgumentException("data '" + spec + "' names no directory; expected " + kind + ":<dir>");
        return new DataSpec(kind, Path.of(spec.substring(colon + 1)));
    }

    public Dataset train() throws IOException { return load(true); }
    public Dataset test() throws IOException { return load(false); }

    private Dataset load(boolean train) throws IOException {
        return switch (kind) {
            case "embedded" -> EmbeddedData.fashionMnist(train, Idx.Options.cifarLike());
            case "cifar100" -> Cifar.load(dir, true, train);
            case "cifar10" -> Cifar.load(dir, false, train);
            case "tiny-imagenet" -> ImageFolder.tinyImageNet(dir, train);
            case "imagenet" -> ImageFolder.open(dir.resolve(train ? "train" : "val"));
            case "idx" -> Idx.read(dir, train ? "train" : "t10k", 10, Idx.Options.cifarLike());
            default -> throw new IllegalStateException(kind);
        };
    }

    /** The shape [C, H, W] of a training image after the weak and strong views' crops. */
    public int[] sampleShape() {
        return switch (kind) {
            case "tiny-imagenet" -> resized384 ? new int[] {3, 384, 384} : new int[] {3, 64, 64};
            case "imagenet" -> new int[] {3, 224, 224};
            default -> new int[] {3, 32, 32}; // CIFAR, and Fashion-MNIST padded to 32x32x3
        };
    }

    private boolean fashion() { return kind.equals("embedded") || kind.equals("idx"); }

    public Pipeline weak() {
        return switch (kind) {
            case "tiny-imagenet" -> resized384 ? Pipeline.tiny384Weak() : Pipeline.tinyWeak();
            case "imagenet" -> Pipeline.imagenetWeak();
            default -> fashion() ? Pipeline.weak(32, 4, Pipeline.FASHION_MEAN, Pipeline.FASHION_STD) : Pipeline.cifarWeak();
        };
    }

    public Pipeline strong() {
        return switch (kind) {
            case "tiny-imagenet" -> resized384 ? Pipeline.tiny384Strong() : Pipeline.tinyStrong();
            case "imagenet" -> Pipeline.imagenetStrong();
            default -> fashion() ? Pipeline.strong(32, 4, Pipeline.FASHION_MEAN, Pipeline.FASHION_STD) : Pipeline.cifarStrong();
        };
    }

    public Pipeline testPipeline() {
        return switch (kind) {
            case "tiny-imagenet" -> resized384 ? Pipeline.tiny384Test() : Pipeline.test(Pipeline.IMAGENET_MEAN, Pipeline.IMAGENET_STD);
            case "imagenet" -> Pipeline.imagenetTest();
            default -> fashion() ? Pipeline.test(Pipeline.FASHION_MEAN, Pipeline.FASHION_STD) : Pipeline.test(Pipeline.CIFAR100_MEAN, Pipeline.CIFAR100_STD);
        };
    }

    @Override public String toString() { return dir == null ? kind : kind + ":" + dir; }
}
