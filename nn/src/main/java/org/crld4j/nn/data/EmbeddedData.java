package org.crld4j.nn.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * The data set shipped inside crld4j: a class-balanced Fashion-MNIST subset (10,000 training and
 * 2,000 test images, MIT licence; see the resource folder's README and LICENSE), so the main job
 * runs on a fresh machine with no download.
 */
public final class EmbeddedData {
    private EmbeddedData() {}

    static final String FOLDER = "/org/crld4j/nn/data/fashion-mnist-subset/";

    public static final String[] FASHION_CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot"};

    /** The embedded subset, train or test, as IDX with the given options (cifarLike: 32x32x3). */
    public static ArrayDataset fashionMnist(boolean train, Idx.Options opt) throws IOException {
        String prefix = FOLDER + (train ? "train" : "t10k");
        try (InputStream images = resource(prefix + "-images-idx3-ubyte.gz"); InputStream labels = resource(prefix + "-labels-idx1-ubyte.gz")) {
            return Idx.read(prefix + "-images-idx3-ubyte.gz", images, prefix + "-labels-idx1-ubyte.gz", labels, 10, opt)
                    .describedAs("embedded Fashion-MNIST subset (" + (train ? "train" : "test") + ")");
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = EmbeddedData.class.getResourceAsStream(name);
        if (in == null) throw new IOException("embedded resource " + name + " is missing from the jar");
        return in;
    }
}
