package org.crld4j.nn.data;

/** An 8-bit image, height x width x channels, row-major HWC (the layout PIL and numpy use). */
public record Image(int height, int width, int channels, byte[] pixels) {
    public Image {
        if (height <= 0 || width <= 0 || channels <= 0 || pixels.length != height * width * channels)
            throw new IllegalArgumentException("image " + height + "x" + width + "x" + channels + " needs "
                    + (long) height * width * channels + " bytes, got " + pixels.length);
    }

    public static Image blank(int height, int width, int channels) { return new Image(height, width, channels, new byte[height * width * channels]); }

    public int get(int y, int x, int c) { return pixels[(y * width + x) * channels + c] & 0xff; }

    public void set(int y, int x, int c, int v) { pixels[(y * width + x) * channels + c] = (byte) Math.max(0, Math.min(255, v)); }

    public Image copy() { return new Image(height, width, channels, pixels.clone()); }
}
