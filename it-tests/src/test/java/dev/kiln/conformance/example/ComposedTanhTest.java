package dev.kiln.conformance.example;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The composed tanh gradient against the CPU backend's fused one: the same three roundings (square,
 * difference, product) in one pass, so the same bits, on a length that leaves a vector tail.
 */
class ComposedTanhTest {
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void tanhBackwardHasTheComposedBits(DType dt) {
        try (BackendPair t = BackendPair.open()) {
            BufferView y = t.uniform(dt, 15, -1, 1, 3, 37);
            BufferView dy = t.uniform(dt, 16, -2, 2, 3, 37);
            t.compare("tanhBackward", 0, (b, o) -> b.tanhBackward(y, dy, o[0]), t.output(dt, 3, 37));
        }
    }
}
