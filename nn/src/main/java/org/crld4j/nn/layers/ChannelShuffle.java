package org.crld4j.nn.layers;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.Module;

/** ShuffleNet's channel shuffle: [N, g, C/g, H, W] -> permute(0, 2, 1, 3, 4) -> [N, C, H, W]. */
public final class ChannelShuffle extends Module {
    public final int groups;

    public ChannelShuffle(int groups) { this.groups = groups; }

    @Override public Variable forward(Variable x) {
        int[] s = x.shape();
        if (s[1] % groups != 0)
            throw new IllegalArgumentException("channel shuffle: " + s[1] + " channels not divisible by " + groups + " groups");
        return x.reshape(s[0], groups, s[1] / groups, s[2], s[3]).permute(0, 2, 1, 3, 4).reshape(s);
    }
}
