package dev.kiln.nn.layers;

import dev.kiln.api.Tensor;
import dev.kiln.api.random.Generator;
import dev.kiln.nn.init.FanMode;
import dev.kiln.nn.init.Init;
import dev.kiln.nn.init.Nonlinearity;

/** PyTorch's {@code _ConvNd.reset_parameters}: Kaiming-uniform {@code a = sqrt(5)} weight, bias {@code U(+-1/sqrt(fanIn))}. */
final class ConvInit {
    private ConvInit() {
    }

    static void weight(Tensor w, Generator generator) {
        Init.kaimingUniform(w, Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, generator);
    }

    static void bias(Tensor b, Tensor w, Generator generator) {
        double bound = 1 / Math.sqrt(Init.fans(w).in());
        Init.uniform(b, -bound, bound, generator);
    }
}
