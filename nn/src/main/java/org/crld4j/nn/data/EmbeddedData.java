package org.crld4j.nn.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

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
        Path tmp = Files.createTempDirectory("crld4j-fashion");
        try {
            String prefix = train ? "train" : "t10k";
            for (String kind : new String[] {"-images-idx3-ubyte.gz", "-labels-idx1-ubyte.gz"}) {
                try (InputStream in = EmbeddedData.class.getResourceAsStream(FOLDER + prefix + kind)) {
                    if (in == null) throw new IOException("embedded resource " + FOLDER + prefix + kind + " is missing from the jar");
                    Files.copy(in, tmp.resolve(prefix + kind));
                }
            }
            return Idx.read(tmp, prefix, 10, opt).describedAs("embedded Fashion-MNIST subset (" + (train ? "train" : "test") + ")");
        } finally {
            try (var s = Files.list(tmp)) { for (Path p : s.toList()) Files.deleteIfExists(p); }
            Files.deleteIfExists(tmp);
        }
    }
}
