package dev.kiln.nn.layers;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.random.Generator;
import dev.kiln.api.spi.params.Conv2dParams;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Parameter;

/**
 * 2-D convolution over {@code [N, Cin, H, W]} with {@code weight [Cout, Cin/groups, kH, kW]} and
 * {@code bias [Cout]}, initialised as PyTorch's {@code nn.Conv2d}.
 */
public class Conv2d extends Layer {
    private final int inChannels;
    private final int outChannels;
    private final int kernelH;
    private final int kernelW;
    private final Conv2dParams params;
    private final Parameter weight;
    private final Parameter bias;

    /** Square kernel, stride 1, no padding, bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, Generator generator) {
        this(inChannels, outChannels, kernelSize, kernelSize, Conv2dParams.of(1, 0), true, generator);
    }

    public Conv2d(int inChannels, int outChannels, int kernelH, int kernelW, Conv2dParams params, boolean bias,
                  Generator generator) {
        if (inChannels < 1 || outChannels < 1 || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("Conv2d: channels and kernel sizes must be >= 1, got in " + inChannels
                    + ", out " + outChannels + ", kernel " + kernelH + "x" + kernelW);
        }
        if (inChannels % params.groups() != 0 || outChannels % params.groups() != 0) {
            throw new IllegalArgumentException("Conv2d: in (" + inChannels + ") and out (" + outChannels
                    + ") channels must both divide by groups (" + params.groups() + ")");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.params = params;
        Tensors on = Tensors.current();
        Tensor w = on.empty(DType.F32, outChannels, inChannels / params.groups(), kernelH, kernelW);
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
        return describingMismatches(() -> Functional.conv2d(x, weight.tensor(), bias == null ? null : bias.tensor(), params));
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public String toString() {
        return "Conv2d(" + inChannels + " -> " + outChannels + ", kernel " + kernelH + "x" + kernelW
                + ", stride " + params.strideH() + "x" + params.strideW() + ", padding " + params.padH() + "x" + params.padW()
                + (params.dilationH() * params.dilationW() > 1 ? ", dilation " + params.dilationH() + "x" + params.dilationW() : "")
                + (params.groups() > 1 ? ", groups " + params.groups() : "") + (bias == null ? ", no bias)" : ")");
    }
}
