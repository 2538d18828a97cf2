package dev.kiln.cpu;

import dev.kiln.api.DType;
import dev.kiln.api.spi.BufferView;

/** copy, cast, fill and arange, for every dtype and any layout. */
final class CpuCopy {
    /** Elements converted per step through the double / long carriers. */
    private static final int BLOCK = 1024;

    private CpuCopy() {
    }

    static void copy(BufferView src, BufferView dst) {
        CpuChecks.dtype("copy", "dst", dst, src.dtype());
        CpuChecks.sameShape("copy", "dst", dst, src.shape());
        StridedWalk w = new StridedWalk(dst.shape(), src.layout(), dst.layout());
        int ss = w.innerStride(0);
        int ds = w.innerStride(1);
        Object s = array(src);
        Object d = array(dst);
        if (ss == 1 && ds == 1) {
            w.parallel(CpuElementwise.GRAIN, (at, n) -> System.arraycopy(s, at[0], d, at[1], n));
            return;
        }
        w.parallel(CpuElementwise.GRAIN, (at, n) -> stridedRun(s, at[0], ss, d, at[1], ds, n));
    }

    /** {@code d[di + j*ds] = s[si + j*ss]} for {@code j < n}, on arrays of one element type: no conversion needed. */
    private static void stridedRun(Object s, int si, int ss, Object d, int di, int ds, int n) {
        switch (s) {
            case float[] a -> {
                float[] b = (float[]) d;
                for (int j = 0; j < n; j++) {
                    b[di + j * ds] = a[si + j * ss];
                }
            }
            case double[] a -> {
                double[] b = (double[]) d;
                for (int j = 0; j < n; j++) {
                    b[di + j * ds] = a[si + j * ss];
                }
            }
            case int[] a -> {
                int[] b = (int[]) d;
                for (int j = 0; j < n; j++) {
                    b[di + j * ds] = a[si + j * ss];
                }
            }
            case long[] a -> {
                long[] b = (long[]) d;
                for (int j = 0; j < n; j++) {
                    b[di + j * ds] = a[si + j * ss];
                }
            }
            case byte[] a -> {
                byte[] b = (byte[]) d;
                for (int j = 0; j < n; j++) {
                    b[di + j * ds] = a[si + j * ss];
                }
            }
            default -> throw new IllegalStateException("copy: CPU buffers hold primitive arrays, got " + s.getClass().getName());
        }
    }

    static void cast(BufferView src, BufferView dst) {
        CpuChecks.sameShape("cast", "dst", dst, src.shape());
        if (src.dtype() == dst.dtype()) {
            copy(src, dst);
            return;
        }
        StridedWalk w = new StridedWalk(dst.shape(), src.layout(), dst.layout());
        convert(src.dtype(), array(src), dst.dtype(), array(dst), w, w.innerStride(0), w.innerStride(1));
    }

    private static void convert(DType sdt, Object s, DType ddt, Object d, StridedWalk w, int ss, int ds) {
        CpuThreads.parallelFor(w.numel(), CpuElementwise.GRAIN, (from, to) -> {
            double[] dbl = sdt.isFloating() ? new double[BLOCK] : null;
            long[] lng = sdt.isFloating() ? null : new long[BLOCK];
            w.walk(from, to, (at, n) -> {
                for (int done = 0; done < n; done += BLOCK) {
                    int len = Math.min(BLOCK, n - done);
                    int si = at[0] + done * ss;
                    int di = at[1] + done * ds;
                    if (dbl != null) {
                        CpuConvert.readDoubles(s, sdt, si, ss, dbl, len);
                        CpuConvert.writeDoubles(dbl, len, d, ddt, di, ds);
                    } else {
                        CpuConvert.readLongs(s, sdt, si, ss, lng, len);
                        CpuConvert.writeLongs(lng, len, d, ddt, di, ds);
                    }
                }
            });
        });
    }

    static void fill(BufferView dst, double value) {
        StridedWalk w = new StridedWalk(dst.shape(), dst.layout());
        Object d = array(dst);
        DType dt = dst.dtype();
        int ds = w.innerStride(0);
        if (ds == 1 && (dt == DType.F32 || dt == DType.F64)) {
            // the zeros of gradients: contiguous float runs, filled without the conversion carrier
            w.parallel(CpuElementwise.GRAIN, (at, n) -> {
                if (d instanceof float[] f) {
                    java.util.Arrays.fill(f, at[0], at[0] + n, (float) value);
                } else {
                    java.util.Arrays.fill((double[]) d, at[0], at[0] + n, value);
                }
            });
            return;
        }
        CpuThreads.parallelFor(w.numel(), CpuElementwise.GRAIN, (from, to) -> {
            double[] values = new double[Math.min(BLOCK, to - from)];
            java.util.Arrays.fill(values, value);
            w.walk(from, to, (at, n) -> {
                for (int done = 0; done < n; done += values.length) {
                    CpuConvert.writeDoubles(values, Math.min(values.length, n - done), d, dt, at[0] + done * ds, ds);
                }
            });
        });
    }

    static void arange(BufferView dst, double start, double step) {
        StridedWalk w = new StridedWalk(dst.shape(), dst.layout());
        Object d = array(dst);
        DType dt = dst.dtype();
        int ds = w.innerStride(0);
        CpuThreads.parallelFor(w.numel(), CpuElementwise.GRAIN, (from, to) -> {
            double[] values = new double[BLOCK];
            int[] position = {from};
            w.walk(from, to, (at, n) -> {
                for (int done = 0; done < n; done += BLOCK) {
                    int len = Math.min(BLOCK, n - done);
                    for (int i = 0; i < len; i++) {
                        values[i] = start + (double) (position[0] + done + i) * step;
                    }
                    CpuConvert.writeDoubles(values, len, d, dt, at[0] + done * ds, ds);
                }
                position[0] += n;
            });
        });
    }

    private static Object array(BufferView v) {
        return ((CpuBuffer) v.buffer()).array();
    }
}
