package org.crld4j.nn.io;

import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.crld4j.testing.Python;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Round trips through real PyTorch (Debian's python3-torch at /usr/bin/python3, which .ci/run
 * installs): files we write are read by torch.load with identical tensors, and files torch.save
 * writes (zip and legacy formats, non-contiguous tensors) are read here. Without torch: skipped
 * locally, failed in CI ({@link org.crld4j.testing.Requirements}).
 */
class TorchInteropTest {
    @TempDir Path dir;

    @BeforeAll static void torchAvailable() { Python.requireTorch(); }

    private static String run(String script, Path... args) throws Exception { return Python.run(script, (Object[]) args); }

    @Test void torchReadsWhatWeWrite() throws Exception {
        Classifier m = ModelZoo.create("resnet8x4", 100, new Rng(8));
        m.stateDict().get("bn1.num_batches_tracked").fill(17f);
        Path pth = dir.resolve("ours.pth"), dump = dir.resolve("dump");
        Pth.writeStateDict(m.stateDict(), m.integerStateNames(), pth);
        // torch.load, then dump every tensor as raw float32 with its dtype and shape
        String script = String.join("\n",
                "import sys, torch, os",
                "sd = torch.load(sys.argv[1])",
                "os.makedirs(sys.argv[2])",
                "with open(os.path.join(sys.argv[2], 'index.txt'), 'w') as idx:",
                "    for i, (k, v) in enumerate(sd.items()):",
                "        idx.write('%s %s %s\\n' % (k, str(v.dtype), ','.join(map(str, v.shape))))",
                "        v.float().contiguous().numpy().tofile(os.path.join(sys.argv[2], str(i)))",
                "print(type(sd).__name__, len(sd))");
        assertEquals("OrderedDict 62", run(script, pth, dump).trim());
        var lines = Files.readAllLines(dump.resolve("index.txt"));
        int i = 0;
        for (var e : m.stateDict().entrySet()) {
            String[] f = lines.get(i).split(" ");
            assertEquals(e.getKey(), f[0]);
            assertEquals(e.getKey().endsWith("num_batches_tracked") ? "torch.int64" : "torch.float32", f[1]);
            assertArrayEquals(e.getValue().toArray(), readFloats(dump.resolve(Integer.toString(i))), e.getKey());
            i++;
        }
    }

    @Test void weReadWhatTorchWrites() throws Exception {
        String script = String.join("\n",
                "import sys, torch",
                "g = torch.Generator().manual_seed(0)",
                "a = torch.randn(3, 4, generator=g)",
                "sd = {'model': {'w': a.t(), 'slice': a[1:, 2:], 'half': a.half(), 'step': torch.tensor(5)}, 'epoch': 240}",
                "torch.save(sd, sys.argv[1])",
                "torch.save(sd, sys.argv[2], _use_new_zipfile_serialization=False)",
                "a.numpy().tofile(sys.argv[3])");
        Path zip = dir.resolve("zip.pth"), legacy = dir.resolve("legacy.pth"), raw = dir.resolve("a.raw");
        run(script, zip, legacy, raw);
        Tensor a = Tensor.wrap(readFloats(raw), 3, 4);
        for (Path f : new Path[] {zip, legacy}) {
            Map<String, Tensor> sd = Pth.readStateDict(f);
            assertArrayEquals(a.t().toArray(), sd.get("w").toArray(), f + " transposed");
            assertArrayEquals(new int[] {4, 3}, sd.get("w").shape());
            assertArrayEquals(a.narrow(0, 1, 2).narrow(1, 2, 2).toArray(), sd.get("slice").toArray(), f + " slice");
            assertArrayEquals(a.toArray(), sd.get("half").toArray(), 2e-3f, f + " half");
            assertEquals(5f, sd.get("step").item());
        }
    }

    private static float[] readFloats(Path f) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }
}
