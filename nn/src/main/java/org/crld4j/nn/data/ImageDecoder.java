package org.crld4j.nn.data;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Image files to 8-bit RGB as torchvision's ImageFolder loads them ({@code PIL.Image.open(f).convert("RGB")}).
 * The format comes from the file's bytes, not its name (ImageNet has a PNG called .JPEG). Samples
 * are read from the decoded Raster, never through {@code BufferedImage.getRGB}, which converts
 * colour spaces where PIL does not: a greyscale JPEG's 128 would come back as 188 (linear grey to
 * sRGB), and an embedded ICC profile or a CMYK image would be colour-managed. So:
 * <ul>
 * <li>grey (with or without alpha): the grey value replicated; 16-bit grey clipped to 255, as
 *     PIL's I;16 to RGB does;</li>
 * <li>RGB and RGBA: the three colour samples, alpha dropped (16-bit: the high byte, PIL's RGB;16B);</li>
 * <li>CMYK, and YCCK which the JPEG decoder turns into CMYK (Adobe JPEGs store it inverted; the
 *     decoder undoes that, as PIL's CMYK;I raw mode does): PIL's cmyk2rgb,
 *     {@code R = (255 - K) - round(C (255 - K) / 255)} in its fixed-point form;</li>
 * <li>palette and packed formats (GIF, BMP): their colour model's sRGB values, which is PIL's
 *     palette lookup.</li>
 * </ul>
 * A file no reader recognises, or a JPEG whose data ends early (PIL: "image file is truncated"),
 * fails naming the file. JPEG decoders' IDCTs differ by a grey level or two from libjpeg's.
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    /** Decodes {@code file} to an HxWx3 image; every failure names the file. */
    public static Image readRgb(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("image not found: " + file);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext())
                throw new IOException("cannot decode image " + file + ": not an image format javax.imageio reads (JPEG, PNG, BMP, GIF)");
            ImageReader reader = readers.next();
            List<String> truncation = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> { if (isTruncation(warning)) truncation.add(warning); });
            try {
                reader.setInput(in, true, true);
                BufferedImage image = reader.read(0);
                if (!truncation.isEmpty())
                    throw new IOException("corrupt image " + file + ": " + truncation.get(0) + " (PIL refuses a truncated image too)");
                return toRgb(image);
            } catch (IOException | RuntimeException e) {
                if (e.getMessage() != null && e.getMessage().contains(file.toString())) throw e;
                throw new IOException("corrupt image " + file + " (" + reader.getFormatName() + "): " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** libjpeg's warnings for data that ends early; other warnings (extraneous bytes, ...) PIL ignores too. */
    private static boolean isTruncation(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("truncated") || w.contains("premature end");
    }

    /** The decoded samples as PIL's convert("RGB") gives them (see the class comment). */
    static Image toRgb(BufferedImage b) {
        int h = b.getHeight(), w = b.getWidth();
        Raster r = b.getRaster();
        int bands = r.getNumBands(), bits = r.getSampleModel().getSampleSize(0);
        boolean component = b.getColorModel() instanceof ComponentColorModel
                && (r.getTransferType() == DataBuffer.TYPE_BYTE || r.getTransferType() == DataBuffer.TYPE_USHORT);
        if (!component) return viaSrgb(b);
        int colourType = b.getColorModel().getColorSpace().getType();
        byte[] px = new byte[h * w * 3];
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int s = x * bands, o = (y * w + x) * 3;
                if (bands <= 2) { // grey, grey + alpha
                    int g = bits > 8 ? Math.min(255, row[s]) : row[s];
                    px[o] = px[o + 1] = px[o + 2] = (byte) g;
                } else if (bands == 4 && colourType == ColorSpace.TYPE_CMYK) {
                    int notK = 255 - row[s + 3];
                    for (int c = 0; c < 3; c++) px[o + c] = (byte) (notK - mulDiv255(row[s + c], notK));
                } else {
                    int shift = bits > 8 ? bits - 8 : 0;
                    for (int c = 0; c < 3; c++) px[o + c] = (byte) (row[s + c] >> shift);
                }
            }
        }
        return new Image(h, w, 3, px);
    }

    /** round(a * b / 255) exactly as PIL's MULDIV255 computes it. */
    static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    /** Palette and packed-pixel images: their colour model's sRGB values. */
    private static Image viaSrgb(BufferedImage b) {
        int h = b.getHeight(), w = b.getWidth();
        byte[] px = new byte[h * w * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            b.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * 3, argb = row[x];
                px[p] = (byte) (argb >> 16);
                px[p + 1] = (byte) (argb >> 8);
                px[p + 2] = (byte) argb;
            }
        }
        return new Image(h, w, 3, px);
    }
}
