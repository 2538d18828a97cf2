package dev.kiln.cpu;

import dev.kiln.api.spi.BinaryOp;

/**
 * F32 add, subtract, multiply and divide of a contiguous run and one value (a scalar broadcast to
 * the run, stride 0): {@code x * scale}, {@code 1 - mask}, the scalar gradients. Plain loops over the
 * run with the value in a local, which the JIT vectorises; the strided loop of {@link CpuElementwise}
 * calls {@link CpuScalarOps} per element. One rounding per element either way, so the values are equal.
 */
final class CpuScalarRunsF32 {
    private CpuScalarRunsF32() {
    }

    /** {@code o[oi + i] = x[xi + i] op s} for {@code i < n}; false (nothing written) for other ops. */
    static boolean right(BinaryOp op, float[] x, int xi, float s, float[] o, int oi, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    o[oi + i] = x[xi + i] + s;
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    o[oi + i] = x[xi + i] - s;
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    o[oi + i] = x[xi + i] * s;
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    o[oi + i] = x[xi + i] / s;
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** {@code o[oi + i] = s op y[yi + i]} for {@code i < n}; false (nothing written) for other ops. */
    static boolean left(BinaryOp op, float s, float[] y, int yi, float[] o, int oi, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    o[oi + i] = s + y[yi + i];
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    o[oi + i] = s - y[yi + i];
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    o[oi + i] = s * y[yi + i];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    o[oi + i] = s / y[yi + i];
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
