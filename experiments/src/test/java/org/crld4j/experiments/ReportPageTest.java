package org.crld4j.experiments;

import org.crld4j.experiments.report.Charts;
import org.crld4j.nn.io.Pth;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.testing.Chromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pages as a browser shows them: a short real demo (embedded data, students 2 epochs) and
 * its report, and the teaching view of {@code crld inspect}, laid out and photographed by
 * headless Chromium. Every chart and image box must hold a drawing, the accuracy chart the
 * three students' colours, and the page must name every run.
 */
class ReportPageTest {
    @TempDir Path dir;

    private static final int WIDTH = 1280;

    @Test void theDemosReportDrawsEveryRunAndTheThreeStudentsOnOneAccuracyChart() throws Exception {
        Path out = dir.resolve("demo");
        CliTest.Run r = CliTest.crld("demo", "--train-teacher", "--teacher-model", "resnet8", "--teacher-epochs", "1", "--student-epochs", "2", "--train-images", "128",
                "--test-images", "100", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        Path report = out.resolve("report.html");
        assertTrue(r.out().endsWith("report: " + report + "\n"), "the demo ends with the report's path:\n" + r.out());
        String table = r.out().substring(r.out().indexOf("\nmodel                method    seed  top-1 %   best %   seconds\n") + 1);
        List<String> rows = table.lines().toList();
        assertEquals(7, rows.size(), "header, four rows, total, report; no progress line among them:\n" + table);
        assertTrue(rows.get(1).startsWith("teacher resnet8") && rows.get(4).startsWith("student resnet8      crld") && rows.get(5).startsWith("total "),
                table);
        String html = Files.readString(report);
        assertSelfContained(html);
        List<String> runs = List.of("teacher", "vanilla", "kd", "crld");
        for (String chart : List.of("Test top-1 accuracy", "Test top-5 accuracy", "Train accuracy", "Learning rate", "CRLD within-view term",
                "CRLD cross-view term", "KD term", "Mask rates", "Teacher confidence, weak view: crld", "Teacher confidence, strong view: crld",
                "Throughput", "Time per epoch"))
            assertTrue(html.contains("alt=\"" + chart + "\""), "chart " + chart);

        Chromium.require();
        Chromium.Page page = Chromium.render(report, "img.chart", WIDTH, dir.resolve("chromium"));
        for (String run : runs) assertTrue(page.text().contains(run), "the page names run " + run);
        assertTrue(page.boxes().size() >= 12, page.boxes().toString());
        for (Chromium.Box b : page.boxes()) assertChartDrawn(page.screenshot(), b);
        Chromium.Box top1 = page.box("Test top-1 accuracy");
        for (int student = 1; student <= 3; student++)
            assertTrue(pixelsOf(page.screenshot(), top1, Charts.runColor(student)) >= 40,
                    runs.get(student) + "'s colour on the top-1 chart: " + pixelsOf(page.screenshot(), top1, Charts.runColor(student)) + " pixels");
    }

    @Test void theInspectPageShowsEachSamplesImagesAndTheLossChart() throws Exception {
        Classifier t = ModelZoo.create("resnet8", 10, new Rng(9));
        Path teacher = dir.resolve("teacher.pth"), html = dir.resolve("inspect.html");
        Pth.writeStateDict(t.stateDict(), t.integerStateNames(), teacher);
        CliTest.Run r = CliTest.crld("inspect", "--teacher", teacher.toString(), "--teacher-model", "resnet8", "--student-model", "resnet8", "--batch", "4",
                "--set", "CRLD.TAU_W=0.12", "--html", html.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("page: " + html), r.out());
        String text = Files.readString(html);
        assertSelfContained(text);

        Chromium.require();
        Chromium.Page page = Chromium.render(html, "img.chart, img.sample", WIDTH, dir.resolve("chromium"));
        for (String pair : List.of("weak <- weak", "strong <- strong", "strong <- weak", "weak <- strong"))
            assertTrue(page.text().contains(pair + " (within-view") || page.text().contains(pair + " (cross-view"), "the legend explains " + pair);
        assertTrue(page.text().contains("tau_w = 0.12") && (page.text().contains("passes") || page.text().contains("masked")), page.text());
        assertEquals(1 + 4 * 3, page.boxes().size(), page.boxes().toString());
        for (Chromium.Box b : page.boxes()) {
            if (b.name().startsWith("#")) assertImageDrawn(page.screenshot(), b, text);
            else assertChartDrawn(page.screenshot(), b);
        }
    }

    /** No script, nothing fetched: the page reads offline. */
    private static void assertSelfContained(String html) {
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*") || html.contains("url(http"), "nothing fetched");
    }

    /** A chart is drawn: a fair share of its box is not background, and some of it is colour (series), not only grey text and axes. */
    private static void assertChartDrawn(BufferedImage shot, Chromium.Box b) {
        int[] counts = survey(shot, b);
        int area = b.width() * b.height();
        assertTrue(counts[0] > area / 50, b.name() + ": " + counts[0] + " of " + area + " pixels not background");
        assertTrue(counts[1] > 200, b.name() + ": " + counts[1] + " coloured pixels");
    }

    /**
     * A sample image is drawn: inside its 1-pixel border the screenshot shows the page's own PNG,
     * enlarged pixel for pixel (image-rendering: pixelated), in nearly every pixel.
     */
    private static void assertImageDrawn(BufferedImage shot, Chromium.Box b, String html) throws Exception {
        Matcher m = Pattern.compile("alt=\"" + Pattern.quote(b.name()) + "\"[^>]*src=\"data:image/png;base64,([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "the page holds the image " + b.name());
        BufferedImage source = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
        assertTrue(source != null, "the page's PNG of " + b.name() + " decodes");
        int inner = b.width() - 2, scale = inner / source.getWidth(), same = 0;
        for (int y = 0; y < inner; y++)
            for (int x = 0; x < inner; x++) {
                int want = source.getRGB(x / scale, y / scale), got = shot.getRGB(b.x() + 1 + x, b.y() + 1 + y);
                if (Math.abs((want >> 16 & 255) - (got >> 16 & 255)) <= 8 && Math.abs((want >> 8 & 255) - (got >> 8 & 255)) <= 8
                        && Math.abs((want & 255) - (got & 255)) <= 8) same++;
            }
        assertTrue(same >= inner * inner * 95 / 100, b.name() + ": " + same + " of " + inner * inner + " pixels as in the page's PNG");
    }

    /** {pixels off the box's commonest colour by more than 40 in a channel, pixels with colour (channels 60 apart)}. */
    private static int[] survey(BufferedImage shot, Chromium.Box b) {
        assertTrue(b.x() >= 0 && b.y() >= 0 && b.x() + b.width() <= shot.getWidth() && b.y() + b.height() <= shot.getHeight(),
                b + " lies within the " + shot.getWidth() + "x" + shot.getHeight() + " screenshot");
        Map<Integer, Integer> histogram = new HashMap<>();
        for (int y = b.y(); y < b.y() + b.height(); y++)
            for (int x = b.x(); x < b.x() + b.width(); x++) histogram.merge(shot.getRGB(x, y) & 0xffffff, 1, Integer::sum);
        int background = histogram.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        int off = 0, coloured = 0;
        for (var e : histogram.entrySet()) {
            int c = e.getKey();
            int r = c >> 16 & 255, g = c >> 8 & 255, bl = c & 255;
            if (Math.max(Math.abs(r - (background >> 16 & 255)), Math.max(Math.abs(g - (background >> 8 & 255)), Math.abs(bl - (background & 255)))) > 40)
                off += e.getValue();
            if (Math.max(r, Math.max(g, bl)) - Math.min(r, Math.min(g, bl)) > 60) coloured += e.getValue();
        }
        return new int[] {off, coloured};
    }

    /** Pixels in the box within 12 per channel of {@code color}. */
    private static int pixelsOf(BufferedImage shot, Chromium.Box b, Color color) {
        int n = 0;
        for (int y = b.y(); y < b.y() + b.height(); y++)
            for (int x = b.x(); x < b.x() + b.width(); x++) {
                int c = shot.getRGB(x, y);
                if (Math.abs((c >> 16 & 255) - color.getRed()) <= 12 && Math.abs((c >> 8 & 255) - color.getGreen()) <= 12
                        && Math.abs((c & 255) - color.getBlue()) <= 12) n++;
            }
        return n;
    }
}
