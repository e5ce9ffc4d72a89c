package org.crld4j.experiments;

import org.crld4j.nn.io.Pth;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `crld demo`'s options around the teacher and the seeds, on a few images (the full demo is run by hand: README). */
class DemoTest {
    @TempDir Path dir;

    private Path randomTeacher() throws Exception {
        Classifier t = ModelZoo.create("resnet8", 10, new Rng(5));
        Path f = dir.resolve("teacher.pth");
        Pth.writeStateDict(t.stateDict(), t.integerStateNames(), f);
        return f;
    }

    @Test void seedsRepeatTheStudentsAndPrintMeanAndDeviationPerMethod() throws Exception {
        Path out = dir.resolve("demo");
        CliTest.Run r = CliTest.crld("demo", "--teacher", randomTeacher().toString(), "--teacher-model", "resnet8", "--student-epochs", "1",
                "--train-images", "64", "--test-images", "40", "--seeds", "2", "--seed", "3", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("teacher resnet8, loaded from " + dir.resolve("teacher.pth") + ": top-1 "), r.out());
        List<String> lines = r.out().lines().toList();
        int summary = lines.indexOf("over 2 seeds (3-4), final top-1 %: mean +- standard deviation (n-1)");
        assertTrue(summary > 0, r.out());
        for (int i = 0; i < 3; i++)
            assertTrue(lines.get(summary + 1 + i).matches(List.of("vanilla", "kd", "crld").get(i) + " +\\d+\\.\\d\\d \\+- \\d+\\.\\d\\d"), lines.get(summary + 1 + i));
        long studentRows = lines.stream().filter(l -> l.startsWith("student resnet8")).count();
        assertEquals(6, studentRows, r.out());
        for (String s : List.of("seed3", "seed4"))
            for (String m : List.of("vanilla", "kd", "crld")) assertTrue(Files.isRegularFile(out.resolve(s).resolve(m).resolve("log.csv")), s + "/" + m);
        assertFalse(Files.exists(out.resolve("teacher")), "a loaded teacher is not trained");
    }

    @Test void aMissingTeacherIsNamedWithTheWayToTrainOne() throws Exception {
        Path missing = dir.resolve("nope.ckpt");
        CliTest.Run r = CliTest.crld("demo", "--teacher", missing.toString(), "--out", dir.resolve("demo").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("teacher (train one here with --train-teacher) not found: " + missing), r.err());
        assertFalse(Files.exists(dir.resolve("demo")), "nothing written");
    }

    @Test void badSeedCountsAndExclusiveTeacherOptionsAreRefused() throws Exception {
        CliTest.Run r = CliTest.crld("demo", "--seeds", "0", "--out", dir.resolve("demo").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--seeds must be at least 1, got 0"), r.err());
        r = CliTest.crld("demo", "--train-teacher", "--teacher", randomTeacher().toString(), "--out", dir.resolve("demo").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--train-teacher and --teacher exclude each other"), r.err());
    }

    @Test void theSampleStandardDeviation() {
        assertEquals(2.0, DemoCommand.mean(List.of(1.0, 2.0, 3.0)), 0);
        assertEquals(1.0, DemoCommand.std(List.of(1.0, 2.0, 3.0)), 1e-12);
        assertEquals(0.0, DemoCommand.std(List.of(5.0)), 0);
    }
}
