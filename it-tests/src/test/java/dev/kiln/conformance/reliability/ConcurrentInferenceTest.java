package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Functional;
import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.spi.Backend;
import dev.kiln.conformance.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The documented thread-safety contract: several threads may read shared tensors (a model's
 * weights) at once, each in its own Scope. Four threads running softmax(relu(x W1) W2) get the same
 * bits as one thread, and nothing leaks (checked by {@link ReliabilityExtension}).
 */
@ExtendWith(ReliabilityExtension.class)
class ConcurrentInferenceTest {
    private static final int THREADS = 4;
    private static final int REQUESTS = 24;

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void threadsSharingReadOnlyWeightsGetTheSingleThreadResults(Target target) throws Exception {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        Backend backend = target.backend();
        Tensors on = Tensors.on(backend);
        try (Tensor w1 = on.randn(DType.F32, 11L, 64, 128); Tensor w2 = on.randn(DType.F32, 12L, 128, 32)) {
            List<float[]> expected = new ArrayList<>();
            for (int r = 0; r < REQUESTS; r++) {
                expected.add(infer(on, w1, w2, r));
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int r = 0; r < REQUESTS; r++) {
                    int request = r;
                    results.add(pool.submit(() -> infer(on, w1, w2, request)));
                }
                for (int r = 0; r < REQUESTS; r++) {
                    assertArrayEquals(expected.get(r), results.get(r).get(), target + ": request " + r);
                }
                ReliabilityLedger.CONCURRENT_REQUESTS.addAndGet(REQUESTS);
            } finally {
                pool.shutdown();
            }
        }
    }

    private static float[] infer(Tensors on, Tensor w1, Tensor w2, int request) {
        try (Scope ignored = Scope.open()) {
            Tensor x = on.randn(DType.F32, 1000L + request, 16, 64);
            return Functional.softmax(x.matmul(w1).relu().matmul(w2), 1).toFloatArray();
        }
    }
}
