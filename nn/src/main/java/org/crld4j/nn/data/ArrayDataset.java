package org.crld4j.nn.data;

/** Equal-sized images held in one byte array, with their labels (checked against the class count). */
public final class ArrayDataset implements Dataset {
    private final byte[] pixels;
    private final int[] labels;
    private final int height, width, channels, classes;
    private final String description;

    public ArrayDataset(byte[] pixels, int[] labels, int height, int width, int channels, int classes, String description) {
        long per = (long) height * width * channels;
        if (pixels.length != per * labels.length)
            throw new IllegalArgumentException(description + ": " + pixels.length + " pixel bytes for " + labels.length
                    + " images of " + height + "x" + width + "x" + channels);
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= classes)
                throw new IllegalArgumentException(description + ": label " + labels[i] + " of record " + i + " is outside [0, " + classes + ")");
        this.pixels = pixels;
        this.labels = labels;
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.classes = classes;
        this.description = description;
    }

    @Override public int size() { return labels.length; }

    @Override public Image image(int i) {
        int per = height * width * channels;
        byte[] b = new byte[per];
        System.arraycopy(pixels, i * per, b, 0, per);
        return new Image(height, width, channels, b);
    }

    @Override public int label(int i) { return labels[i]; }
    @Override public int numClasses() { return classes; }
    @Override public String description() { return description; }
    public int[] labels() { return labels.clone(); }

    /** The same data under another description (shares the arrays). */
    public ArrayDataset describedAs(String what) { return new ArrayDataset(pixels, labels, height, width, channels, classes, what); }
}
