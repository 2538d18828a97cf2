package dev.kiln.nn.examples;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.ArrayList;

/**
 * The sequence-reversal task: a source of 8 to 16 digits followed by EOS, and its target, the
 * digits reversed. Tokens: digits 0-9, {@link #BOS} 10, {@link #EOS} 11, {@link #PAD} 12. Every
 * batch is padded to {@link #MAX_TOKENS} positions.
 */
public final class DigitReversal {
    public static final int BOS = 10;
    public static final int EOS = 11;
    public static final int PAD = 12;
    public static final int VOCABULARY = 13;
    public static final int MIN_DIGITS = 8;
    public static final int MAX_DIGITS = 16;
    /** Digits plus EOS (source, decoder target) or BOS plus digits (decoder input). */
    public static final int MAX_TOKENS = MAX_DIGITS + 1;

    private DigitReversal() {
    }

    /** {@code count} distinct random digit sequences from {@code seed}, none of which is in {@code exclude}. */
    public static List<int[]> sequences(int count, long seed, Set<String> exclude) {
        SplittableRandom random = new SplittableRandom(seed);
        Set<String> seen = new HashSet<>(exclude);
        List<int[]> out = new ArrayList<>(count);
        while (out.size() < count) {
            int[] digits = new int[MIN_DIGITS + random.nextInt(MAX_DIGITS - MIN_DIGITS + 1)];
            for (int i = 0; i < digits.length; i++) {
                digits[i] = random.nextInt(10);
            }
            if (seen.add(key(digits))) {
                out.add(digits);
            }
        }
        return out;
    }

    public static String key(int[] digits) {
        return java.util.Arrays.toString(digits);
    }

    /** Source rows: the digits, EOS, then PAD ({@code [n * MAX_TOKENS]}, row-major). */
    public static int[] sources(List<int[]> batch) {
        int[] out = padded(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            int[] d = batch.get(b);
            for (int i = 0; i < d.length; i++) {
                out[b * MAX_TOKENS + i] = d[i];
            }
            out[b * MAX_TOKENS + d.length] = EOS;
        }
        return out;
    }

    /** Decoder inputs: BOS, then the reversed digits, then PAD. */
    public static int[] decoderInputs(List<int[]> batch) {
        int[] out = padded(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            int[] d = batch.get(b);
            out[b * MAX_TOKENS] = BOS;
            for (int i = 0; i < d.length; i++) {
                out[b * MAX_TOKENS + 1 + i] = d[d.length - 1 - i];
            }
        }
        return out;
    }

    /** Decoder targets: the reversed digits, EOS, then PAD. */
    public static int[] decoderTargets(List<int[]> batch) {
        int[] out = padded(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            int[] d = batch.get(b);
            for (int i = 0; i < d.length; i++) {
                out[b * MAX_TOKENS + i] = d[d.length - 1 - i];
            }
            out[b * MAX_TOKENS + d.length] = EOS;
        }
        return out;
    }

    private static int[] padded(int rows) {
        int[] out = new int[rows * MAX_TOKENS];
        java.util.Arrays.fill(out, PAD);
        return out;
    }
}
