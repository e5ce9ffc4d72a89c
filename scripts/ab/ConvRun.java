import org.crld4j.kernels.Conv2d;
import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;

/** One layer's three convolution passes, timed; compiled against each build that ConvAB compares. */
public class ConvRun {
    /** ms for forward, backward-input, backward-weight; layer = name:C:K:H:kernel:stride:padding. */
    public static double[] run(String layer, int batch) {
        String[] f = layer.split(":");
        int c = Integer.parseInt(f[1]), k = Integer.parseInt(f[2]), h = Integer.parseInt(f[3]), r = Integer.parseInt(f[4]);
        ConvParams p = ConvParams.of(Integer.parseInt(f[5]), Integer.parseInt(f[6]));
        Rng rng = new Rng(1);
        Tensor x = Tensor.randn(rng, batch, c, h, h), w = Tensor.randn(rng, k, c, r, r);
        Tensor dy = Tensor.randn(rng, p.geometry(x.shape(), w.shape()).outShape());
        long t0 = System.nanoTime();
        Conv2d.forward(x, w, null, p);
        long t1 = System.nanoTime();
        Conv2d.backwardInput(dy, w, x.shape(), p);
        long t2 = System.nanoTime();
        Conv2d.backwardWeight(dy, x, w.shape(), p);
        long t3 = System.nanoTime();
        return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6};
    }
}
