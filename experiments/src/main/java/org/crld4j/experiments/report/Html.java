package org.crld4j.experiments.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The pieces both report pages share: escaping, the page frame with its style sheet, chart
 * figures, an atomic write. Pages are one self-contained file: images are data URIs, the style
 * is inline, there is no script and nothing is fetched.
 */
final class Html {
    private Html() {}

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String hex(Color c) { return String.format("#%06x", c.getRGB() & 0xffffff); }

    private static final String STYLE = """
            body { font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #222; margin: 24px auto; max-width: 1180px; padding: 0 12px; }
            h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ccc; }
            .note { color: #555; margin: 4px 0; }
            table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; white-space: nowrap; }
            th { background: #f2f2f2; } td.l, th.l { text-align: left; }
            .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px; }
            figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
            .problems { background: #fff4e5; border: 1px solid #f0a040; padding: 8px 12px; }
            .problems li { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
            .yes { color: #1a7f37; font-weight: bold; } .no { color: #b42318; font-weight: bold; }
            @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
            """;

    /** A whole page; {@code reloadSeconds} > 0 makes the browser reload it (a run still writing it). */
    static String page(String title, String extraStyle, int reloadSeconds, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                + (reloadSeconds > 0 ? "<meta http-equiv=\"refresh\" content=\"" + reloadSeconds + "\">\n" : "")
                + "<title>" + esc(title) + "</title>\n<style>\n" + STYLE + extraStyle + "</style></head>\n<body>\n" + body + "</body></html>\n";
    }

    /** A chart image in a figure; {@code alt} names it (and is what a test finds it by). */
    static String chart(String alt, String dataUri, int width, int height) {
        return "<figure><img class=\"chart\" alt=\"" + esc(alt) + "\" width=\"" + width + "\" height=\"" + height + "\" src=\"" + dataUri
                + "\"></figure>\n";
    }

    /** Writes {@code text} to {@code file} through a temporary file beside it: a browser reloading it never reads half a page. */
    static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp"); // not createTempFile: that one is private to its owner (0600)
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
