package dev.kiln.cli;

import dev.kiln.nn.data.ImageDataset;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX datasets (train-* and t10k-*) cut from the bundled digits, so tests train in seconds. */
final class SmallDigits {
    private static final ImageDataset DIGITS = ImageDataset.bundledDigits();

    private SmallDigits() {
    }

    /** {@code train} examples from the start of the bundled digits and {@code test} after them; gzipped training files, plain test files. */
    static Path write(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        writePair(dir, "train", 0, train, true);
        writePair(dir, "t10k", train, test, false);
        return dir;
    }

    static int label(int index) {
        return DIGITS.labels()[index];
    }

    /** Pixel bytes of example {@code index} (the bundled floats are byte / 255, so this recovers the bytes exactly). */
    static int[] pixels(int index) {
        int n = DIGITS.height() * DIGITS.width();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.round(DIGITS.pixels()[index * n + i] * 255);
        }
        return out;
    }

    private static void writePair(Path dir, String prefix, int from, int count, boolean gzip) throws IOException {
        String suffix = gzip ? ".gz" : "";
        try (DataOutputStream images = open(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), gzip);
             DataOutputStream labels = open(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), gzip)) {
            images.writeInt(0x00000803);
            images.writeInt(count);
            images.writeInt(DIGITS.height());
            images.writeInt(DIGITS.width());
            labels.writeInt(0x00000801);
            labels.writeInt(count);
            for (int i = from; i < from + count; i++) {
                for (int p : pixels(i)) {
                    images.writeByte(p);
                }
                labels.writeByte(label(i));
            }
        }
    }

    private static DataOutputStream open(Path file, boolean gzip) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(gzip ? new GZIPOutputStream(raw) : raw);
    }
}
