package dev.kiln.conformance.reliability;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Bytes of IDX files (the MNIST format), well-formed or not, written the way the format is specified. */
final class IdxFiles {
    static final int UNSIGNED_BYTES_RANK_1 = 0x00000801;
    static final int UNSIGNED_BYTES_RANK_3 = 0x00000803;
    private static final int RANDOM_SIDE = 12;

    private IdxFiles() {
    }

    /** IDX files of seeded random 12x12 images and labels 0..9 in {@code dir}: train-* and t10k-*, as {@code kiln train --data} reads them. */
    static Path writeRandomImages(Path dir, int train, int validation) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(31);
        for (String prefix : List.of("train", "t10k")) {
            int count = prefix.equals("train") ? train : validation;
            byte[] pixels = new byte[count * RANDOM_SIDE * RANDOM_SIDE];
            random.nextBytes(pixels);
            byte[] labels = new byte[count];
            for (int i = 0; i < count; i++) {
                labels[i] = (byte) random.nextInt(10);
            }
            Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), idx(UNSIGNED_BYTES_RANK_3, new int[] {count, RANDOM_SIDE, RANDOM_SIDE},
                    pixels));
            Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), idx(UNSIGNED_BYTES_RANK_1, new int[] {count}, labels));
        }
        return dir;
    }

    /** A big-endian magic number and dimensions, then {@code data} as it is. */
    static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }
}
