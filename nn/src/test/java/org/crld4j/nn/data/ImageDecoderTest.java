package org.crld4j.nn.data;

import org.crld4j.testing.Python;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images decoded as torchvision's PIL loader decodes them: small files of each awkward kind made
 * here (PIL writes them, Java writes the YCCK one, which PIL cannot), each compared with PIL's own
 * {@code Image.open(f).convert("RGB")} pixels. JPEGs may differ by 2 grey levels (decoders' IDCTs
 * differ); lossless formats must match exactly.
 */
class ImageDecoderTest {
    @TempDir static Path dir;

    /** Writes the test images, then PIL's RGB pixels of each as NAME.rgb (H*W*3 bytes) and its size as NAME.size. */
    private static final String MAKE = """
            import sys, numpy as np
            from PIL import Image
            d = sys.argv[1]
            h, w = 24, 20
            y, x = np.mgrid[0:h, 0:w]
            grey = (128 + 60 * np.sin(x / 3.0) + 40 * np.cos(y / 4.0)).clip(0, 255).astype(np.uint8)
            grey[8:16, 8:16] = 128  # one flat 8x8 block: a JPEG keeps it exactly
            Image.fromarray(grey, 'L').save(d + '/grey.JPEG', quality=95)
            cmyk = np.stack([(x * 10) % 256, (y * 9) % 256, ((x + y) * 5) % 256, (x * y) % 128], -1).astype(np.uint8)
            Image.fromarray(cmyk, 'CMYK').save(d + '/cmyk.JPEG', quality=95)
            rgb = np.stack([grey, (x * 12) % 256, (y * 10) % 256], -1).astype(np.uint8)
            Image.fromarray(rgb, 'RGB').save(d + '/rgb.JPEG', quality=95)
            rgba = np.concatenate([rgb, ((x + y) * 6 % 256).astype(np.uint8)[..., None]], -1)
            Image.fromarray(rgba, 'RGBA').save(d + '/png_named.JPEG', format='PNG')
            Image.fromarray(rgb, 'RGB').convert('P', palette=Image.ADAPTIVE, colors=16).save(d + '/palette.png')
            Image.fromarray((grey.astype(np.uint16) * 3), 'I;16').save(d + '/grey16.png')
            """;

    private static final String EXPECT = """
            import sys, numpy as np
            from PIL import Image
            for f in sys.argv[1:]:
                a = np.asarray(Image.open(f).convert('RGB'))
                open(f + '.rgb', 'wb').write(a.tobytes())
                open(f + '.size', 'w').write('%d %d' % a.shape[:2])
            """;

    @BeforeAll static void images() throws Exception {
        Python.requirePil();
        Python.run(MAKE, dir);
        writeYcck(dir.resolve("cmyk.JPEG"), dir.resolve("ycck.JPEG"));
        Python.run(EXPECT, dir.resolve("grey.JPEG"), dir.resolve("cmyk.JPEG"), dir.resolve("ycck.JPEG"), dir.resolve("rgb.JPEG"),
                dir.resolve("png_named.JPEG"), dir.resolve("palette.png"), dir.resolve("grey16.png"));
    }

    /**
     * A YCCK JPEG (Adobe transform 2, as Photoshop writes CMYK): the CMYK file's decoded samples
     * re-encoded by the JDK's writer with the Adobe marker's transform set to 2.
     */
    private static void writeYcck(Path cmyk, Path out) throws IOException {
        IIOMetadata metadata;
        Raster samples;
        try (ImageInputStream in = ImageIO.createImageInputStream(cmyk.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            metadata = reader.getImageMetadata(0);
            samples = reader.readRaster(0, null);
        }
        String format = "javax_imageio_jpeg_image_1.0";
        Node tree = metadata.getAsTree(format);
        assertTrue(setAdobeTransform(tree, "2"), "PIL's CMYK JPEG has an Adobe marker");
        metadata.setFromTree(format, tree);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream o = ImageIO.createImageOutputStream(out.toFile())) {
            writer.setOutput(o);
            writer.write(null, new IIOImage(samples, null, metadata), null);
        }
    }

    private static boolean setAdobeTransform(Node n, String transform) {
        boolean found = false;
        if (n.getNodeName().equals("app14Adobe")) { ((Element) n).setAttribute("transform", transform); found = true; }
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) found |= setAdobeTransform(c, transform);
        return found;
    }

    /** Decodes {@code name} and returns the largest difference from PIL's pixels. */
    private static int maxDifferenceFromPil(String name) throws IOException {
        Path f = dir.resolve(name);
        Image im = ImageDecoder.readRgb(f);
        String[] size = Files.readString(Path.of(f + ".size")).split(" ");
        assertEquals(Integer.parseInt(size[0]), im.height(), name + " height");
        assertEquals(Integer.parseInt(size[1]), im.width(), name + " width");
        assertEquals(3, im.channels(), name);
        byte[] pil = Files.readAllBytes(Path.of(f + ".rgb"));
        int max = 0;
        for (int i = 0; i < pil.length; i++) max = Math.max(max, Math.abs((pil[i] & 0xff) - (im.pixels()[i] & 0xff)));
        return max;
    }

    @Test void greyscaleJpegIsReplicatedNotGammaConverted() throws IOException {
        assertTrue(maxDifferenceFromPil("grey.JPEG") <= 2, "grey.JPEG: " + maxDifferenceFromPil("grey.JPEG"));
        Image im = ImageDecoder.readRgb(dir.resolve("grey.JPEG"));
        for (int c = 0; c < 3; c++) assertEquals(128, im.get(12, 12, c), 2, "the flat 128 block (getRGB gives 188), channel " + c);
    }

    @Test void cmykAndYcckJpegsConvertAsPilDoes() throws IOException {
        assertTrue(maxDifferenceFromPil("cmyk.JPEG") <= 2, "cmyk.JPEG: " + maxDifferenceFromPil("cmyk.JPEG"));
        assertTrue(maxDifferenceFromPil("ycck.JPEG") <= 2, "ycck.JPEG: " + maxDifferenceFromPil("ycck.JPEG"));
    }

    @Test void rgbJpegWithinTwoLevels() throws IOException {
        assertTrue(maxDifferenceFromPil("rgb.JPEG") <= 2, "rgb.JPEG: " + maxDifferenceFromPil("rgb.JPEG"));
    }

    @Test void losslessFormatsMatchExactly() throws IOException {
        assertEquals(0, maxDifferenceFromPil("png_named.JPEG"), "an RGBA PNG under a .JPEG name: decoded by its content, alpha dropped");
        assertEquals(0, maxDifferenceFromPil("palette.png"), "a palette PNG");
        assertEquals(0, maxDifferenceFromPil("grey16.png"), "a 16-bit grey PNG: clipped to 255 as PIL's I;16 to RGB");
    }

    /** PIL's fixed-point round(a * b / 255) for every pair of bytes. */
    @Test void mulDiv255IsRounding() {
        for (int a = 0; a < 256; a++)
            for (int b = 0; b < 256; b++) assertEquals(Math.round(a * b / 255.0), ImageDecoder.mulDiv255(a, b), a + " * " + b);
    }

    @Test void aCorruptImageNamesTheFile() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.JPEG"), "not an image");
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.readRgb(junk));
        assertTrue(e.getMessage().startsWith("cannot decode image " + junk), e.getMessage());
        byte[] whole = Files.readAllBytes(dir.resolve("rgb.JPEG"));
        Path truncated = Files.write(dir.resolve("truncated.JPEG"), java.util.Arrays.copyOf(whole, whole.length / 2));
        e = assertThrows(IOException.class, () -> ImageDecoder.readRgb(truncated));
        assertTrue(e.getMessage().startsWith("corrupt image " + truncated), e.getMessage());
        Path missing = dir.resolve("missing.JPEG");
        e = assertThrows(IOException.class, () -> ImageDecoder.readRgb(missing));
        assertEquals("image not found: " + missing, e.getMessage());
    }

    /** Through ImageFolder (what the loaders call): the failure still names the file. */
    @Test void imageFolderFailsNamingTheFile() throws IOException {
        Path root = dir.resolve("folder");
        Files.createDirectories(root.resolve("n01"));
        Path bad = Files.writeString(root.resolve("n01/bad.JPEG"), "garbage");
        ImageFolder f = ImageFolder.open(root);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> f.image(0));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }
}
