package dev.kiln.cpu;

import dev.kiln.api.DType;

/**
 * Strided reads and writes of any dtype through two carriers: double for floating sources, long for
 * integer ones, so that every conversion rounds once. Float to integer truncates toward zero; any
 * value to BOOL is {@code value != 0}; U8 reads unsigned and stores the low eight bits.
 */
final class CpuConvert {
    private CpuConvert() {
    }

    static void readDoubles(Object src, DType dt, int at, int stride, double[] dst, int n) {
        switch (dt) {
            case F32 -> {
                float[] a = (float[]) src;
                for (int i = 0; i < n; i++, at += stride) {
                    dst[i] = a[at];
                }
            }
            case F64 -> {
                double[] a = (double[]) src;
                for (int i = 0; i < n; i++, at += stride) {
                    dst[i] = a[at];
                }
            }
            default -> throw new IllegalArgumentException("readDoubles of " + dt);
        }
    }

    static void readLongs(Object src, DType dt, int at, int stride, long[] dst, int n) {
        switch (dt) {
            case I32 -> {
                int[] a = (int[]) src;
                for (int i = 0; i < n; i++, at += stride) {
                    dst[i] = a[at];
                }
            }
            case I64 -> {
                long[] a = (long[]) src;
                for (int i = 0; i < n; i++, at += stride) {
                    dst[i] = a[at];
                }
            }
            case U8, BOOL -> {
                byte[] a = (byte[]) src;
                for (int i = 0; i < n; i++, at += stride) {
                    dst[i] = a[at] & 0xFF;
                }
            }
            default -> throw new IllegalArgumentException("readLongs of " + dt);
        }
    }

    static void writeDoubles(double[] src, int n, Object dst, DType dt, int at, int stride) {
        switch (dt) {
            case F32 -> {
                float[] o = (float[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = (float) src[i];
                }
            }
            case F64 -> {
                double[] o = (double[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = src[i];
                }
            }
            case I32 -> {
                int[] o = (int[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = (int) src[i];
                }
            }
            case I64 -> {
                long[] o = (long[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = (long) src[i];
                }
            }
            case U8 -> {
                byte[] o = (byte[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = (byte) (long) src[i];
                }
            }
            case BOOL -> {
                byte[] o = (byte[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = (byte) (src[i] != 0 ? 1 : 0);
                }
            }
        }
    }

    static void writeLongs(long[] src, int n, Object dst, DType dt, int at, int stride) {
        switch (dt) {
            case F32 -> {
                float[] o = (float[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = (float) src[i];
                }
            }
            case F64 -> {
                double[] o = (double[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = (double) src[i];
                }
            }
            case I32 -> {
                int[] o = (int[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = (int) src[i];
                }
            }
            case I64 -> {
                long[] o = (long[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = src[i];
                }
            }
            case U8 -> {
                byte[] o = (byte[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = (byte) src[i];
                }
            }
            case BOOL -> {
                byte[] o = (byte[]) dst;
                for (int i = 0; i < n; i++, at += stride) {
                    o[at] = (byte) (src[i] != 0 ? 1 : 0);
                }
            }
        }
    }
}
