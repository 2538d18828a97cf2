package dev.kiln.nn.layers;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.functional.Conv1dParams;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Parameter;

/** 1-D convolution over {@code [N, Cin, L]} with {@code weight [Cout, Cin/groups, k]}, initialised as PyTorch's {@code nn.Conv1d}. */
public class Conv1d extends Layer {
    private final int inChannels;
    private final int outChannels;
    private final int kernelSize;
    private final Conv1dParams params;
    private final Parameter weight;
    private final Parameter bias;

    public Conv1d(int inChannels, int outChannels, int kernelSize, Generator generator) {
        this(inChannels, outChannels, kernelSize, Conv1dParams.of(1, 0), true, generator);
    }

    public Conv1d(int inChannels, int outChannels, int kernelSize, Conv1dParams params, boolean bias, Generator generator) {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1) {
            throw new IllegalArgumentException("Conv1d: channels and kernel size must be >= 1, got in " + inChannels
                    + ", out " + outChannels + ", kernel " + kernelSize);
        }
        if (inChannels % params.groups() != 0 || outChannels % params.groups() != 0) {
            throw new IllegalArgumentException("Conv1d: in (" + inChannels + ") and out (" + outChannels
                    + ") channels must both divide by groups (" + params.groups() + ")");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize;
        this.params = params;
        Tensors on = Tensors.current();
        Tensor w = on.empty(DType.F32, outChannels, inChannels / params.groups(), kernelSize);
        ConvInit.weight(w, generator);
        this.weight = registerParameter("weight", w);
        if (bias) {
            Tensor b = on.empty(DType.F32, outChannels);
            ConvInit.bias(b, w, generator);
            this.bias = registerParameter("bias", b);
        } else {
            this.bias = null;
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        requireLikeParameters("input", x);
        return describingMismatches(() -> Functional.conv1d(x, weight.tensor(), bias == null ? null : bias.tensor(), params));
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public String toString() {
        return "Conv1d(" + inChannels + " -> " + outChannels + ", kernel " + kernelSize + ", stride " + params.stride()
                + ", padding " + params.padding() + (params.dilation() > 1 ? ", dilation " + params.dilation() : "")
                + (params.groups() > 1 ? ", groups " + params.groups() : "") + (bias == null ? ", no bias)" : ")");
    }
}
