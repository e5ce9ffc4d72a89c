package org.crld4j.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `crld report` on damaged input: each problem named by file and line, on stderr and in the page; the readable runs still drawn. */
class ReportCommandTest {
    @TempDir Path dir;

    private static final String EPOCH_1 = "{\"epoch\":1,\"lr\":0.05,\"loss_ce\":2.1,\"loss_kd_wv\":0.3,\"loss_kd_cv\":0.1,\"train_loss\":2.5,"
            + "\"mask_w_rate\":0.4,\"mask_s_rate\":0.9,\"train_acc\":30.0,\"conf_w_hist\":[1,2,3,4,5,6,7,8,9,10],\"conf_s_hist\":[10,9,8,7,6,5,4,3,2,1],"
            + "\"test_acc\":41.5,\"test_acc_top5\":80.0,\"test_loss\":1.9,\"images_per_s\":300.0,\"seconds\":10.0,\"eval_seconds\":2.0}";

    private Path run(String name, String log) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        if (log != null) Files.writeString(d.resolve("log.jsonl"), log);
        return d;
    }

    @Test void damagedLogsAreNamedByFileAndLineAndTheOtherRunsStillRender() throws Exception {
        Path good = run("good", EPOCH_1 + "\n" + EPOCH_1.replace("\"epoch\":1", "\"epoch\":2").replace("41.5", "47.25") + "\n");
        Path damaged = run("damaged", EPOCH_1 + "\n{\"epoch\":2,\"test_acc\":\n[1,2]\n{\"test_acc\":3}\n");
        Path noLog = run("nolog", null), missing = dir.resolve("missing");
        Path page = dir.resolve("page.html");
        CliTest.Run r = CliTest.crld("report", good.toString(), damaged.toString(), noLog.toString(), missing.toString(), "--out", page.toString());
        assertEquals(2, r.code(), "a problem is exit code 2, even with a page written\n" + r.out() + r.err());
        assertTrue(r.out().contains("report: " + page + " (2 of 4 runs)"), r.out());
        String[] expected = {
                damaged.resolve("log.jsonl") + " line 2: JSON: unexpected end at character 22; line skipped",
                damaged.resolve("log.jsonl") + " line 3: not a JSON object; line skipped",
                damaged.resolve("log.jsonl") + " line 4: no \"epoch\" number; line skipped",
                noLog.resolve("log.jsonl") + ": not found (" + noLog + " is not a run directory",
                missing.resolve("log.jsonl") + ": not found (no directory " + missing + ")"};
        String html = Files.readString(page);
        for (String e : expected) {
            assertTrue(r.err().contains(e), "stderr names " + e + "\n" + r.err());
            assertTrue(html.contains(e.replace("\"", "&quot;")), "the page names " + e);
        }
        assertTrue(html.contains("<h1>crld4j run report: good, damaged</h1>"), "both readable runs are drawn");
        assertTrue(html.contains("<td>47.25</td><td>2</td>"), "good's best top-1 and its epoch");
        assertTrue(html.contains("alt=\"Teacher confidence, weak view: damaged\""), "damaged's readable line still charted");
    }

    @Test void withNoReadableRunNothingIsWritten() throws Exception {
        Path noLog = run("nolog", null), page = dir.resolve("page.html");
        CliTest.Run r = CliTest.crld("report", noLog.toString(), "--out", page.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("error: no run to report: none of the 1 directories has a readable log line"), r.err());
        assertFalse(Files.exists(page));
    }

    @Test void runsOfTheSameNameAreToldApartByTheirPaths() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a")), b = Files.createDirectories(dir.resolve("b"));
        Files.createDirectories(a.resolve("crld"));
        Files.createDirectories(b.resolve("crld"));
        Files.writeString(a.resolve("crld/log.jsonl"), EPOCH_1 + "\n");
        Files.writeString(b.resolve("crld/log.jsonl"), EPOCH_1 + "\n");
        Path page = dir.resolve("page.html");
        CliTest.Run r = CliTest.crld("report", a.resolve("crld").toString(), b.resolve("crld").toString(), "--out", page.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(Files.readString(page).contains("<h1>crld4j run report: " + a.resolve("crld") + ", " + b.resolve("crld") + "</h1>"));
    }
}
