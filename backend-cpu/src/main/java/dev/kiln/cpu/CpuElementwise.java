package dev.kiln.cpu;

import static dev.kiln.cpu.CpuBuffer.f32;
import static dev.kiln.cpu.CpuBuffer.f64;
import static dev.kiln.cpu.CpuBuffer.i32;
import static dev.kiln.cpu.CpuBuffer.i64;
import static dev.kiln.cpu.CpuBuffer.u8;

import dev.kiln.api.DType;
import dev.kiln.api.errors.UnsupportedOpException;
import dev.kiln.api.spi.BinaryOp;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * unary, binary and where over any layouts. The element math is {@link CpuScalarOps}; the cheap
 * F32/F64 ops also have contiguous loops the JIT vectorises, which give the same values.
 */
final class CpuElementwise {
    /** Elements per parallel chunk: below this a fork costs more than the work. */
    static final int GRAIN = 1 << 15;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

    private CpuElementwise() {
    }

    static void unary(UnaryOp op, BufferView x, BufferView out) {
        String name = "unary " + op.id();
        DType dt = x.dtype();
        if (!CpuSupport.unary(op, dt)) {
            throw new UnsupportedOpException(name, dt, "cpu");
        }
        CpuChecks.dtype(name, "out", out, dt);
        StridedWalk w = new StridedWalk(out.shape(), x.layout(), out.layout());
        int xs = w.innerStride(0);
        int os = w.innerStride(1);
        switch (dt) {
            case F32 -> {
                float[] a = f32(x);
                float[] o = f32(out);
                w.parallel(GRAIN, (at, n) -> unaryF32(op, a, at[0], xs, o, at[1], os, n));
            }
            case F64 -> {
                double[] a = f64(x);
                double[] o = f64(out);
                w.parallel(GRAIN, (at, n) -> unaryF64(op, a, at[0], xs, o, at[1], os, n));
            }
            case I32 -> {
                int[] a = i32(x);
                int[] o = i32(out);
                w.parallel(GRAIN, (at, n) -> {
                    for (int i = 0, xi = at[0], oi = at[1]; i < n; i++, xi += xs, oi += os) {
                        o[oi] = CpuScalarOps.i32(op, a[xi]);
                    }
                });
            }
            case I64 -> {
                long[] a = i64(x);
                long[] o = i64(out);
                w.parallel(GRAIN, (at, n) -> {
                    for (int i = 0, xi = at[0], oi = at[1]; i < n; i++, xi += xs, oi += os) {
                        o[oi] = CpuScalarOps.i64(op, a[xi]);
                    }
                });
            }
            case BOOL -> {
                byte[] a = u8(x);
                byte[] o = u8(out);
                w.parallel(GRAIN, (at, n) -> {
                    for (int i = 0, xi = at[0], oi = at[1]; i < n; i++, xi += xs, oi += os) {
                        o[oi] = (byte) (a[xi] == 0 ? 1 : 0);
                    }
                });
            }
            default -> throw new UnsupportedOpException(name, dt, "cpu");
        }
    }

    private static void unaryF32(UnaryOp op, float[] x, int xi, int xs, float[] o, int oi, int os, int n) {
        if (xs == 1 && os == 1) {
            switch (op) {
                case NEG -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = -x[xi + i];
                    }
                    return;
                }
                case RELU -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = Math.max(x[xi + i], 0f);
                    }
                    return;
                }
                case SQUARE -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[xi + i] * x[xi + i];
                    }
                    return;
                }
                case TANH -> {
                    tanhF32(x, xi, o, oi, n);
                    return;
                }
                default -> {
                }
            }
        }
        for (int i = 0; i < n; i++, xi += xs, oi += os) {
            o[oi] = CpuScalarOps.f32(op, x[xi]);
        }
    }

    /**
     * tanh of a contiguous F32 run in vector lanes ({@link CpuTanhF32}: within an ulp of {@code Math.tanh},
     * the same bits interpreted and compiled), the tail through a masked vector too: within contiguous
     * runs a value's tanh does not depend on where the run starts.
     */
    private static void tanhF32(float[] x, int xi, float[] o, int oi, int n) {
        int i = 0;
        for (; i <= n - FS.length(); i += FS.length()) {
            CpuTanhF32.tanh(FloatVector.fromArray(FS, x, xi + i)).intoArray(o, oi + i);
        }
        if (i < n) {
            VectorMask<Float> tail = FS.indexInRange(i, n);
            CpuTanhF32.tanh(FloatVector.fromArray(FS, x, xi + i, tail)).intoArray(o, oi + i, tail);
        }
    }

    private static void unaryF64(UnaryOp op, double[] x, int xi, int xs, double[] o, int oi, int os, int n) {
        if (xs == 1 && os == 1) {
            switch (op) {
                case NEG -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = -x[xi + i];
                    }
                    return;
                }
                case RELU -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = Math.max(x[xi + i], 0.0);
                    }
                    return;
                }
                default -> {
                }
            }
        }
        for (int i = 0; i < n; i++, xi += xs, oi += os) {
            o[oi] = CpuScalarOps.f64(op, x[xi]);
        }
    }

    static void binary(BinaryOp op, BufferView a, BufferView b, BufferView out) {
        String name = "binary " + op.id();
        DType dt = a.dtype();
        if (!CpuSupport.binary(op, dt)) {
            throw new UnsupportedOpException(name, dt, "cpu");
        }
        CpuChecks.dtype(name, "b", b, dt);
        CpuChecks.dtype(name, "out", out, op.isComparison() ? DType.BOOL : dt);
        StridedWalk w = new StridedWalk(out.shape(), a.layout(), b.layout(), out.layout());
        int as = w.innerStride(0);
        int bs = w.innerStride(1);
        int os = w.innerStride(2);
        if (op.isComparison()) {
            compare(op, dt, a, b, u8(out), w, as, bs, os);
            return;
        }
        switch (dt) {
            case F32 -> {
                float[] x = f32(a);
                float[] y = f32(b);
                float[] o = f32(out);
                w.parallel(GRAIN, (at, n) -> binaryF32(op, x, at[0], as, y, at[1], bs, o, at[2], os, n));
            }
            case F64 -> {
                double[] x = f64(a);
                double[] y = f64(b);
                double[] o = f64(out);
                w.parallel(GRAIN, (at, n) -> binaryF64(op, x, at[0], as, y, at[1], bs, o, at[2], os, n));
            }
            case I32 -> {
                int[] x = i32(a);
                int[] y = i32(b);
                int[] o = i32(out);
                w.parallel(GRAIN, (at, n) -> {
                    for (int i = 0, ai = at[0], bi = at[1], oi = at[2]; i < n; i++, ai += as, bi += bs, oi += os) {
                        o[oi] = CpuScalarOps.i32(op, x[ai], y[bi]);
                    }
                });
            }
            case I64 -> {
                long[] x = i64(a);
                long[] y = i64(b);
                long[] o = i64(out);
                w.parallel(GRAIN, (at, n) -> {
                    for (int i = 0, ai = at[0], bi = at[1], oi = at[2]; i < n; i++, ai += as, bi += bs, oi += os) {
                        o[oi] = CpuScalarOps.i64(op, x[ai], y[bi]);
                    }
                });
            }
            case U8, BOOL -> {
                byte[] x = u8(a);
                byte[] y = u8(b);
                byte[] o = u8(out);
                boolean and = op == BinaryOp.AND;
                w.parallel(GRAIN, (at, n) -> {
                    for (int i = 0, ai = at[0], bi = at[1], oi = at[2]; i < n; i++, ai += as, bi += bs, oi += os) {
                        o[oi] = (byte) (and ? x[ai] & y[bi] : x[ai] | y[bi]);
                    }
                });
            }
        }
    }

    private static void compare(BinaryOp op, DType dt, BufferView a, BufferView b, byte[] o, StridedWalk w,
                                int as, int bs, int os) {
        switch (dt) {
            case F32 -> {
                float[] x = f32(a);
                float[] y = f32(b);
                if (CpuMaskRunsF32.handles(1, as, bs, os)) {
                    w.parallel(GRAIN, (at, n) -> CpuMaskRunsF32.compare(op, x, at[0], as, y, at[1], bs, o, at[2], n));
                    return;
                }
                w.parallel(GRAIN, (at, n) -> {
                    for (int i = 0, ai = at[0], bi = at[1], oi = at[2]; i < n; i++, ai += as, bi += bs, oi += os) {
                        o[oi] = (byte) (CpuScalarOps.compare(op, x[ai], y[bi]) ? 1 : 0);
                    }
                });
            }
            case F64 -> {
                double[] x = f64(a);
                double[] y = f64(b);
                w.parallel(GRAIN, (at, n) -> {
                    for (int i = 0, ai = at[0], bi = at[1], oi = at[2]; i < n; i++, ai += as, bi += bs, oi += os) {
                        o[oi] = (byte) (CpuScalarOps.compare(op, x[ai], y[bi]) ? 1 : 0);
                    }
                });
            }
            case I32 -> {
                int[] x = i32(a);
                int[] y = i32(b);
                w.parallel(GRAIN, (at, n) -> {
                    for (int i = 0, ai = at[0], bi = at[1], oi = at[2]; i < n; i++, ai += as, bi += bs, oi += os) {
                        o[oi] = (byte) (CpuScalarOps.compare(op, x[ai], (long) y[bi]) ? 1 : 0);
                    }
                });
            }
            case I64 -> {
                long[] x = i64(a);
                long[] y = i64(b);
                w.parallel(GRAIN, (at, n) -> {
                    for (int i = 0, ai = at[0], bi = at[1], oi = at[2]; i < n; i++, ai += as, bi += bs, oi += os) {
                        o[oi] = (byte) (CpuScalarOps.compare(op, x[ai], y[bi]) ? 1 : 0);
                    }
                });
            }
            default -> throw new UnsupportedOpException("binary " + op.id(), dt, "cpu");
        }
    }

    private static void binaryF32(BinaryOp op, float[] x, int ai, int as, float[] y, int bi, int bs,
                                  float[] o, int oi, int os, int n) {
        if (as == 1 && bs == 1 && os == 1 && (op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.DIV)) {
            contiguousF32(op, x, ai, y, bi, o, oi, n);
            return;
        }
        if (os == 1 && as == 1 && bs == 0 && CpuScalarRunsF32.right(op, x, ai, y[bi], o, oi, n)) {
            return;
        }
        if (os == 1 && as == 0 && bs == 1 && CpuScalarRunsF32.left(op, x[ai], y, bi, o, oi, n)) {
            return;
        }
        for (int i = 0; i < n; i++, ai += as, bi += bs, oi += os) {
            o[oi] = CpuScalarOps.f32(op, x[ai], y[bi]);
        }
    }

    /**
     * The four arithmetic ops over contiguous runs in vector lanes: the plain loop's operands have
     * three unrelated offsets, which the JIT does not vectorise. IEEE lane ops round as the scalar
     * ones do, so the values are the same.
     */
    private static void contiguousF32(BinaryOp op, float[] x, int ai, float[] y, int bi, float[] o, int oi, int n) {
        int i = 0;
        for (; i <= n - FS.length(); i += FS.length()) {
            FloatVector a = FloatVector.fromArray(FS, x, ai + i);
            FloatVector b = FloatVector.fromArray(FS, y, bi + i);
            FloatVector r = switch (op) {
                case ADD -> a.add(b);
                case SUB -> a.sub(b);
                case MUL -> a.mul(b);
                default -> a.div(b);
            };
            r.intoArray(o, oi + i);
        }
        for (; i < n; i++) {
            o[oi + i] = CpuScalarOps.f32(op, x[ai + i], y[bi + i]);
        }
    }

    private static void binaryF64(BinaryOp op, double[] x, int ai, int as, double[] y, int bi, int bs,
                                  double[] o, int oi, int os, int n) {
        if (as == 1 && bs == 1 && os == 1) {
            switch (op) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[ai + i] + y[bi + i];
                    }
                    return;
                }
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        o[oi + i] = x[ai + i] * y[bi + i];
                    }
                    return;
                }
                default -> {
                }
            }
        }
        for (int i = 0; i < n; i++, ai += as, bi += bs, oi += os) {
            o[oi] = CpuScalarOps.f64(op, x[ai], y[bi]);
        }
    }

    static void where(BufferView cond, BufferView a, BufferView b, BufferView out) {
        DType dt = out.dtype();
        CpuChecks.dtype("where", "cond", cond, DType.BOOL);
        CpuChecks.dtype("where", "a", a, dt);
        CpuChecks.dtype("where", "b", b, dt);
        StridedWalk w = new StridedWalk(out.shape(), cond.layout(), a.layout(), b.layout(), out.layout());
        int cs = w.innerStride(0);
        int as = w.innerStride(1);
        int bs = w.innerStride(2);
        int os = w.innerStride(3);
        byte[] c = u8(cond);
        Object x = ((CpuBuffer) a.buffer()).array();
        Object y = ((CpuBuffer) b.buffer()).array();
        Object o = ((CpuBuffer) out.buffer()).array();
        if (dt == DType.F32) {
            // the gradient rules' dtype: a loop of its own, without a dtype switch per element
            float[] xf = (float[]) x;
            float[] yf = (float[]) y;
            float[] of = (float[]) o;
            if (CpuMaskRunsF32.handles(cs, as, bs, os)) {
                w.parallel(GRAIN, (at, n) -> CpuMaskRunsF32.where(c, at[0], xf, at[1], as, yf, at[2], bs, of, at[3], n));
                return;
            }
            w.parallel(GRAIN, (at, n) -> {
                for (int i = 0, ci = at[0], ai = at[1], bi = at[2], oi = at[3]; i < n; i++, ci += cs, ai += as, bi += bs, oi += os) {
                    of[oi] = c[ci] != 0 ? xf[ai] : yf[bi];
                }
            });
            return;
        }
        w.parallel(GRAIN, (at, n) -> {
            for (int i = 0, ci = at[0], ai = at[1], bi = at[2], oi = at[3]; i < n; i++, ci += cs, ai += as, bi += bs, oi += os) {
                boolean pick = c[ci] != 0;
                switch (dt) {
                    case F32 -> ((float[]) o)[oi] = pick ? ((float[]) x)[ai] : ((float[]) y)[bi];
                    case F64 -> ((double[]) o)[oi] = pick ? ((double[]) x)[ai] : ((double[]) y)[bi];
                    case I32 -> ((int[]) o)[oi] = pick ? ((int[]) x)[ai] : ((int[]) y)[bi];
                    case I64 -> ((long[]) o)[oi] = pick ? ((long[]) x)[ai] : ((long[]) y)[bi];
                    case U8, BOOL -> ((byte[]) o)[oi] = pick ? ((byte[]) x)[ai] : ((byte[]) y)[bi];
                }
            }
        });
    }
}
