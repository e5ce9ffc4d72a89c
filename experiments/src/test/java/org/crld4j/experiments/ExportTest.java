package org.crld4j.experiments;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.Variable;
import org.crld4j.crld.train.Trainer;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.crld4j.testing.Python;
import org.crld4j.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code crld export} into real PyTorch: a run's best.ckpt becomes a .pth that mdistiller's model
 * (../shared/bench/models.py) loads with strict=True, and that model's eval logits equal the Java
 * model's. The error cases (missing checkpoint, wrong model) are in {@link CliTest}.
 */
class ExportTest {
    @TempDir Path dir;

    @Test void pytorchLoadsTheExportStrictlyAndComputesTheSameLogits() throws Exception {
        Python.requireTorch();
        Path bench = Python.repositoryRoot().resolve("../shared/bench").normalize();
        Requirements.require(Files.isRegularFile(bench.resolve("models.py")), "mdistiller's models in PyTorch (" + bench.resolve("models.py") + ")",
                "the project's shared/bench folder beside the repository");
        Path run = dir.resolve("run"), pth = dir.resolve("student.pth");
        // a few real steps: the running statistics and num_batches_tracked are not their initial values
        CliTest.Run train = CliTest.crld("train", "--model", "resnet8", "--data", "embedded", "--out", run.toString(), "--set", "SOLVER.EPOCHS=1",
                "--set", "SOLVER.MAX_STEPS_PER_EPOCH=3", "--set", "SOLVER.BATCH_SIZE=16", "--set", "DATASET.NUM_WORKERS=1",
                "--set", "DATASET.TEST.BATCH_SIZE=200");
        assertEquals(0, train.code(), train.out() + train.err());
        CliTest.Run export = CliTest.crld("export", "--checkpoint", run.resolve("best.ckpt").toString(), "--out", pth.toString());
        assertEquals(0, export.code(), export.out() + export.err());
        assertTrue(export.out().startsWith("resnet8 (10 classes, "), export.out()); // the model and class count come from the checkpoint
        try (var files = Files.list(dir)) {
            assertEquals(List.of("run", "student.pth"), files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }

        Classifier m = ModelZoo.create("resnet8", 10, new Rng(0));
        m.loadStateDict(Trainer.readWeights(run.resolve("best.ckpt")), true);
        m.eval();
        Tensor x = Tensor.randn(new Rng(4), 4, 3, 32, 32), logits;
        try (var s = Autograd.noGrad()) { logits = m.forward(Variable.constant(x)).data(); }
        Path input = dir.resolve("x.f32"), output = dir.resolve("logits.f32");
        Files.write(input, bytes(x.toArray()));
        String script = String.join("\n",
                "import sys, collections, numpy, torch",
                "sys.path.insert(0, sys.argv[1])",
                "import models",
                "sd = torch.load(sys.argv[2])",
                "assert type(sd) is collections.OrderedDict and all(isinstance(v, torch.Tensor) for v in sd.values()), type(sd)",
                "net = models.build('resnet8', num_classes=10)",
                "assert list(sd.keys()) == list(net.state_dict().keys()), 'names or order differ'",
                "tracked = [k for k in sd if k.endswith('num_batches_tracked')]",
                "assert tracked and all(sd[k].dtype == torch.int64 and sd[k].item() == 3 for k in tracked), [(k, sd[k]) for k in tracked]",
                "net.load_state_dict(sd, strict=True)",
                "net.eval()",
                "x = torch.from_numpy(numpy.fromfile(sys.argv[3], dtype=numpy.float32).reshape(4, 3, 32, 32))",
                "with torch.no_grad():",
                "    out = net(x)",
                "out = out[0] if isinstance(out, tuple) else out",
                "out.numpy().astype(numpy.float32).tofile(sys.argv[4])",
                "print(len(sd), 'tensors,', len(tracked), 'num_batches_tracked')");
        String said = Python.run(script, bench, pth, input, output);
        assertTrue(said.contains("tensors,"), said);
        float[] ours = logits.toArray(), theirs = floats(output);
        assertEquals(ours.length, theirs.length);
        double scale = 0, diff = 0;
        for (int i = 0; i < ours.length; i++) {
            scale = Math.max(scale, Math.abs(theirs[i]));
            diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
        }
        assertTrue(diff <= 1e-4 * scale, "max |java - torch| " + diff + " vs max |torch| " + scale);
    }

    private static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static float[] floats(Path f) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }
}
