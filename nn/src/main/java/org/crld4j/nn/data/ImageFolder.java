package org.crld4j.nn.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * torchvision's ImageFolder: one sub-directory per class, classes in sorted name order, images
 * found recursively (sorted), decoded on demand in pure Java (javax.imageio: JPEG, PNG, BMP, GIF)
 * to 8-bit RGB with PIL's pixel values ({@link ImageDecoder}). Also Tiny-ImageNet-200, whose
 * validation set is either one flat directory with {@code val_annotations.txt} or already sorted
 * into class folders.
 */
public final class ImageFolder implements Dataset {
    static final Set<String> EXTENSIONS = Set.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp", ".gif");

    private final List<Path> files;
    private final int[] labels;
    private final List<String> classes;
    private final String description;

    private ImageFolder(List<Path> files, int[] labels, List<String> classes, String description) {
        this.files = files;
        this.labels = labels;
        this.classes = classes;
        this.description = description;
    }

    public static ImageFolder open(Path root) throws IOException {
        List<String> classes = classDirs(root);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            List<Path> found = images(root.resolve(classes.get(c)));
            if (found.isEmpty()) throw new IOException("class folder " + root.resolve(classes.get(c)) + " holds no images");
            for (Path p : found) { files.add(p); labels.add(c); }
        }
        return new ImageFolder(files, labels.stream().mapToInt(Integer::intValue).toArray(), classes, root.toString());
    }

    private static List<String> classDirs(Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new IOException("image folder not found: " + root);
        try (Stream<Path> s = Files.list(root)) {
            List<String> classes = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            if (classes.isEmpty()) throw new IOException(root + " has no class sub-directories");
            return classes;
        }
    }

    private static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted().toList();
        }
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(n.substring(dot));
    }

    /** Tiny-ImageNet-200: {@code train/<wnid>/images/*.JPEG}; val flat with annotations, or in class folders. */
    public static ImageFolder tinyImageNet(Path root, boolean train) throws IOException {
        if (train) return open(root.resolve("train"));
        Path val = root.resolve("val"), ann = val.resolve("val_annotations.txt");
        if (!Files.isRegularFile(ann)) return open(val);
        List<String> classes = classDirs(root.resolve("train"));
        Map<String, Integer> index = new TreeMap<>();
        for (int i = 0; i < classes.size(); i++) index.put(classes.get(i), i);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> lines = Files.readAllLines(ann);
        for (int ln = 0; ln < lines.size(); ln++) {
            if (lines.get(ln).isBlank()) continue;
            String[] f = lines.get(ln).split("\t");
            if (f.length < 2) throw new IOException(ann + ": line " + (ln + 1) + " is not 'file<TAB>wnid...'");
            Integer c = index.get(f[1]);
            if (c == null) throw new IOException(ann + ": line " + (ln + 1) + " names class " + f[1] + ", which has no training folder");
            Path img = val.resolve("images").resolve(f[0]);
            if (!Files.isRegularFile(img)) throw new IOException(ann + ": line " + (ln + 1) + ": image " + img + " not found");
            files.add(img);
            labels.add(c);
        }
        return new ImageFolder(files, labels.stream().mapToInt(Integer::intValue).toArray(), classes, val.toString());
    }

    public List<String> classes() { return classes; }
    public Path file(int i) { return files.get(i); }

    @Override public int size() { return files.size(); }
    @Override public int label(int i) { return labels[i]; }
    @Override public int numClasses() { return classes.size(); }
    @Override public String description() { return description; }

    /** The i-th image decoded as torchvision's PIL loader decodes it (see {@link ImageDecoder}); a bad file fails naming it. */
    @Override public Image image(int i) {
        try {
            return ImageDecoder.readRgb(files.get(i));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
