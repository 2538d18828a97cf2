package dev.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.random.DropoutKey;
import dev.kiln.api.random.Philox;
import dev.kiln.api.spi.Op;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dropout masks are exactly {@link Philox#dropoutKeeps} (so every backend draws the same mask),
 * kept values are exactly {@code x / (1-p)} computed in the dtype, and the keep rate lies within a
 * binomial bound.
 */
@ExtendWith(ConformanceExtension.class)
class DropoutConformanceTest {
    private static final int N = 100_003;

    static Stream<Arguments> cases() {
        return Targets.floating().flatMap(t -> Stream.of(0.1, 0.5, 0.9).map(p -> Arguments.of(t, p)));
    }

    @ParameterizedTest(name = "{0} p={1}")
    @MethodSource("cases")
    void maskValuesAndKeepRate(Target target, double p) {
        Case c = Case.start(target, Op.DROPOUT);
        DropoutKey key = new DropoutKey(0x5eed_0000_1234L, 3, 1L << 33 | 17);
        double[] x = c.rounded(Inputs.uniform(1500, N, 0.5, 2));
        Tensor out = c.tensors().empty(c.dtype(), N);
        c.backend().dropout(c.tensor(x, N).view(), p, key, out.view());
        double[] expected = new double[N];
        int kept = 0;
        for (int i = 0; i < N; i++) {
            if (Philox.dropoutKeeps(key, i, (float) p)) {
                kept++;
                expected[i] = c.dtype() == DType.F32 ? (double) ((float) x[i] / (float) (1 - p)) : x[i] / (1 - p);
            }
        }
        c.check("dropout p=" + p, expected, out, Tolerance.EXACT);
        double mean = N * (1 - p);
        double sd = Math.sqrt(N * p * (1 - p));
        int keptCount = kept;
        assertTrue(Math.abs(kept - mean) < 5 * sd, () -> "kept " + keptCount + " of " + N + ", expected " + mean + " +- 5 * " + sd);

        Tensor again = c.tensors().empty(c.dtype(), N); // backward regenerates the same mask for dy
        double[] dy = c.rounded(Inputs.uniform(1501, N, 0.5, 2));
        c.backend().dropout(c.tensor(dy, N).view(), p, key, again.view());
        double[] dropped = again.toDoubleArray();
        for (int i = 0; i < N; i++) {
            if ((dropped[i] == 0) != (expected[i] == 0)) {
                c.check("backward mask at " + i, new double[] {expected[i] == 0 ? 0 : 1}, new double[] {dropped[i] == 0 ? 0 : 1}, Tolerance.EXACT);
            }
        }
        c.checkAgainstCpu("dropout p=" + p, cpu -> {
            Tensor r = cpu.empty(c.dtype(), N);
            cpu.backend().dropout(cpu.of(c.dtype(), x, N).view(), p, key, r.view());
            return r;
        }, out, Tolerance.EXACT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void probabilityZeroIsTheIdentity(Target target) {
        Case c = Case.start(target, Op.DROPOUT);
        double[] x = c.rounded(Inputs.uniform(1502, 33));
        Tensor out = c.tensors().empty(c.dtype(), 33);
        c.backend().dropout(c.tensor(x, 33).view(), 0, new DropoutKey(1, 0, 0), out.view());
        c.check("dropout p=0", x, out, Tolerance.EXACT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.conformance.Targets#floating")
    void differentLayersAndStepsDrawDifferentMasks(Target target) {
        Case c = Case.start(target, Op.DROPOUT);
        double[] ones = new double[4096];
        java.util.Arrays.fill(ones, 1);
        double[] a = masked(c, ones, new DropoutKey(7, 0, 0));
        double[] b = masked(c, ones, new DropoutKey(7, 1, 0));
        double[] s = masked(c, ones, new DropoutKey(7, 0, 1));
        int diffLayer = 0;
        int diffStep = 0;
        for (int i = 0; i < ones.length; i++) {
            diffLayer += (a[i] == 0) != (b[i] == 0) ? 1 : 0;
            diffStep += (a[i] == 0) != (s[i] == 0) ? 1 : 0;
        }
        // independent masks at p = 0.5 differ in about half the places
        int layers = diffLayer;
        int steps = diffStep;
        assertTrue(diffLayer > 1500 && diffStep > 1500, () -> "masks differ in " + layers + " (layer) and " + steps + " (step) of 4096 places");
    }

    private static double[] masked(Case c, double[] x, DropoutKey key) {
        Tensor out = c.tensors().empty(c.dtype(), x.length);
        c.backend().dropout(c.tensor(x, x.length).view(), 0.5, key, out.view());
        return out.toDoubleArray();
    }
}
