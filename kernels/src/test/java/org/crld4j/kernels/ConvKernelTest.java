package org.crld4j.kernels;

import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.host.ReferenceConv2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fast convolution kernels against the definition, on awkward shapes. */
class ConvKernelTest {
    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        float[] e = expected.toArray(), a = actual.toArray();
        for (int i = 0; i < e.length; i++)
            assertEquals(e[i], a[i], 1e-4 + 1e-4 * Math.abs(e[i]), what + " at " + i);
    }

    @ParameterizedTest(name = "x[{0},{1},{2},{3}] w[{4},{5}x{6}] s{7} p{8} d{9} g{10}")
    @CsvSource({
            "1,1,5,5, 1,3,3, 1,1,1, 1",    // batch 1, one channel
            "2,3,7,7, 4,3,3, 1,1,1, 1",
            "3,5,9,11, 7,3,3, 2,1,1, 1",   // stride 2, sizes not multiples of the vector length
            "2,8,6,6, 16,1,1, 1,0,1, 1",   // 1x1 (no im2col)
            "2,8,7,7, 4,1,1, 2,0,1, 1",    // 1x1 stride 2 (im2col)
            "2,6,8,8, 6,3,3, 1,1,1, 6",    // depthwise
            "2,4,9,9, 8,3,3, 2,1,1, 4",    // depthwise, multiplier 2, stride 2
            "2,6,5,5, 9,3,3, 1,2,1, 3",    // grouped, padding 2
            "1,3,10,9, 2,3,2, 1,2,2, 1",   // dilation 2, rectangular kernel
            "65,3,4,4, 5,3,3, 1,1,1, 1",   // more images than threads, uneven split
            "2,16,32,32, 8,3,3, 1,1,1, 1", // 16-pixel panels inside 32-wide rows, borders at both ends
            "1,32,20,20, 6,3,3, 1,1,1, 1", // C*R*S = 288 > one k-block; 400 pixels, a partial panel
            "1,2,40,40, 5,3,3, 1,1,1, 1",  // 1,600 pixels: several column blocks
            "2,4,24,40, 4,3,3, 2,1,1, 1",  // stride 2, wide output
            "1,3,9,30, 4,5,3, 1,2,2, 1",   // dilation 2, taps falling wholly in the padding
            "1,64,32,32, 4,3,3, 1,1,1, 1", // column matrix built in chunks of output rows (last one short)
            "1,32,66,66, 4,3,3, 2,1,1, 1", // chunks with stride 2 and an odd output size
            "2,3,8,9, 4,3,5, 1,0,1, 1",    // input gradient as a flipped convolution: no padding, 3x5 kernel
            "1,2,5,6, 3,3,3, 1,3,1, 1",    // padding beyond R-1: the GEMM + col2im input gradient
            "3,16,8,8, 16,3,3, 1,1,1, 1",  // Winograd F(2x2, 3x3), tiles spanning images
            "2,20,7,9, 17,3,3, 1,1,1, 1",  // Winograd: odd output sizes (clipped tiles), odd filter count
            "2,16,6,5, 24,3,3, 1,0,1, 1",  // Winograd without padding; its input gradient pads by 2
            "5,24,33,3, 32,3,3, 1,1,1, 1", // Winograd: 17 x 2 tiles per image
            "2,128,18,17, 128,3,3, 1,1,1, 1" // Winograd: chunks of 64 tiles ending inside an image
    })
    void fastMatchesReference(int n, int c, int h, int w, int k, int r, int s, int stride, int pad, int dil, int groups) {
        Rng rng = new Rng(n * 31L + c * 7L + k);
        ConvParams p = new ConvParams(stride, stride, pad, pad, dil, dil, groups);
        Tensor x = Tensor.randn(rng, n, c, h, w), wt = Tensor.randn(rng, k, c / groups, r, s), b = Tensor.randn(rng, k);
        Tensor y = ReferenceConv2d.forward(x, wt, b, p);
        assertClose(y, Conv2d.forward(x, wt, b, p), "forward");
        Tensor dy = Tensor.randn(rng, y.shape());
        assertClose(ReferenceConv2d.backwardInput(dy, wt, x.shape(), p), Conv2d.backwardInput(dy, wt, x.shape(), p), "dx");
        assertClose(ReferenceConv2d.backwardWeight(dy, x, wt.shape(), p), Conv2d.backwardWeight(dy, x, wt.shape(), p), "dw");
    }

    @Test void nonContiguousInputsAreHandled() {
        Rng rng = new Rng(5);
        Tensor x = Tensor.randn(rng, 2, 3, 6, 6).permute(0, 1, 3, 2);
        Tensor wt = Tensor.randn(rng, 4, 3, 3, 3);
        ConvParams p = ConvParams.of(1, 1);
        assertClose(ReferenceConv2d.forward(x, wt, null, p), Conv2d.forward(x, wt, null, p), "forward of a transposed view");
    }

    @Test void repeatedRunsAreBitIdentical() {
        Rng rng = new Rng(6);
        Tensor x = Tensor.randn(rng, 9, 8, 8, 8), dy = Tensor.randn(rng, 9, 16, 8, 8);
        int[] ws = {16, 8, 3, 3};
        ConvParams p = ConvParams.of(1, 1);
        assertArrayEquals(Conv2d.backwardWeight(dy, x, ws, p).toArray(), Conv2d.backwardWeight(dy, x, ws, p).toArray());
    }

    @Test void channelMismatchNamesBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(Tensor.zeros(2, 3, 7, 7), Tensor.zeros(4, 5, 3, 3), null, ConvParams.of(1, 1)));
        assertEquals("conv2d: input [2, 3, 7, 7] has 3 channels but weight [4, 5, 3, 3] expects 5", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(1, 1, 5, 5), null, ConvParams.of(1, 0)));
    }
}
