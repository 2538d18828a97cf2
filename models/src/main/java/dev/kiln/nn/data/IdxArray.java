package dev.kiln.nn.data;

import java.util.Arrays;

/** The contents of an unsigned-byte IDX file (MNIST, Fashion-MNIST): its dimensions and raw values 0..255. */
public record IdxArray(int[] dims, byte[] values) {
    public int count() {
        return dims[0];
    }

    /** Elements per item: the product of every dimension after the first (1 for a label file). */
    public int itemSize() {
        int n = 1;
        for (int i = 1; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }

    public int unsigned(int index) {
        return values[index] & 0xFF;
    }

    @Override
    public String toString() {
        return "IdxArray" + Arrays.toString(dims);
    }
}
