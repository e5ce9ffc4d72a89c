package org.crld4j.nn.models;

import org.crld4j.nn.layers.BatchNorm2d;
import org.crld4j.nn.layers.Conv2d;
import org.crld4j.nn.layers.Sequential;

/** Small constructors shared by the zoo. */
final class Blocks {
    private Blocks() {}

    static Conv2d conv3x3(int in, int out, int stride) { return new Conv2d(in, out, 3, stride, 1); }

    static Conv2d conv1x1(int in, int out, int stride) { return new Conv2d(in, out, 1, stride, 0); }

    /** conv1x1(stride) then BN: the projection shortcut of the ResNets. */
    static Sequential projection(int in, int out, int stride) { return new Sequential(conv1x1(in, out, stride), new BatchNorm2d(out)); }
}
