package dev.kiln.nn.init;

/** Which fan Kaiming initialisation preserves: the forward pass's variance (in) or the backward pass's (out). */
public enum FanMode {
    FAN_IN, FAN_OUT
}
