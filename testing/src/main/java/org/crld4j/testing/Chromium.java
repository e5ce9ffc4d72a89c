package org.crld4j.testing;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian's {@code chromium}) for the tests of HTML pages: where the page's
 * images lie once laid out, the text it shows, and a screenshot to look inside those boxes.
 * Runs with {@code --headless --no-sandbox --disable-gpu}, a proxy that leads nowhere (a page
 * that fetched anything would show it missing) and a profile of its own in the test's directory.
 */
public final class Chromium {
    private Chromium() {}

    public static final String INSTALL = "apt-get install -y chromium";
    private static final long TIMEOUT_S = 90;

    /** An element's box in page pixels (device scale 1), named by its alt text. */
    public record Box(String name, int x, int y, int width, int height) {}

    /** A rendered page: its screenshot from the top, the boxes of the selected elements, its visible text. */
    public record Page(BufferedImage screenshot, List<Box> boxes, String text) {
        public Box box(String name) {
            return boxes.stream().filter(b -> b.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no element named '" + name + "' among " + boxes.stream().map(Box::name).toList()));
        }
    }

    /** The browser on PATH, if any. */
    public static Optional<Path> binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            for (String name : new String[] {"chromium", "chromium-browser"}) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        return Optional.empty();
    }

    /** Skips (locally) or fails (CI) the calling test without Chromium. */
    public static void require() {
        Requirements.require(binary().isPresent(), "Chromium (the headless browser of the page tests)", INSTALL);
    }

    /**
     * Lays out {@code html} at {@code width} pixels, finds the elements {@code selector} matches (a
     * copy of the page carries a measuring script; the page itself stays as written), then takes
     * a screenshot of the whole page. {@code work} receives the copy, the profile and the PNG.
     */
    public static Page render(Path html, String selector, int width, Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path measuring = work.resolve("measure-" + html.getFileName());
        String page = Files.readString(html);
        int end = page.lastIndexOf("</body>");
        if (end < 0) throw new AssertionError(html + " has no </body>");
        Files.writeString(measuring, page.substring(0, end) + measureScript(selector) + page.substring(end));
        String dom = run(work, "measure", width, 1000, "--dump-dom", measuring.toUri().toString());
        int t0 = dom.indexOf("<title>"), t1 = dom.indexOf("</title>");
        if (t0 < 0 || t1 < 0) throw new AssertionError("Chromium's DOM of " + html + " has no title: " + dom.substring(0, Math.min(400, dom.length())));
        String[] lines = unescape(dom.substring(t0 + 7, t1)).split("\n", -1);
        int height = Integer.parseInt(lines[0].trim());
        List<Box> boxes = new ArrayList<>();
        int i = 1;
        for (; i < lines.length && !lines[i].equals("--"); i++) {
            String[] f = lines[i].split("\t");
            boxes.add(new Box(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4])));
        }
        String text = String.join("\n", java.util.Arrays.copyOfRange(lines, Math.min(i + 1, lines.length), lines.length));
        Path png = work.resolve("screenshot-" + html.getFileName() + ".png");
        run(work, "shot", width, height + 100, "--screenshot=" + png, html.toUri().toString());
        BufferedImage shot = ImageIO.read(png.toFile());
        if (shot == null) throw new AssertionError("Chromium wrote no readable screenshot " + png);
        return new Page(shot, boxes, text);
    }

    /** Writes into the title: the page's height, then a line per element (alt, x, y, width, height), "--", the visible text. */
    private static String measureScript(String selector) {
        return "<script>(function(){var o=[String(Math.ceil(document.documentElement.getBoundingClientRect().height))];"
                + "document.querySelectorAll('" + selector.replace("'", "\\'") + "').forEach(function(e){var r=e.getBoundingClientRect();"
                + "o.push([e.alt||e.id||'',Math.round(r.left+scrollX),Math.round(r.top+scrollY),Math.round(r.width),Math.round(r.height)].join('\\t'))});"
                + "o.push('--');o.push(document.body.innerText);document.title=o.join('\\n');})();</script>";
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&nbsp;", "\u00a0").replace("&amp;", "&");
    }

    /** One browser run; its stdout. */
    private static String run(Path work, String what, int width, int height, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary().orElseThrow(() -> new AssertionError("Chromium is missing (" + INSTALL + ")")).toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                "--proxy-server=127.0.0.1:9", "--user-data-dir=" + work.resolve("profile"), "--window-size=" + width + "," + height));
        cmd.addAll(List.of(args));
        Path out = work.resolve(what + ".out"), err = work.resolve(what + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium took over " + TIMEOUT_S + " s: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) throw new AssertionError("Chromium exited with " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + Files.readString(err));
        return Files.readString(out);
    }
}
