package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.nn.data.IdxArray;
import dev.kiln.nn.data.IdxFormatException;
import dev.kiln.nn.data.IdxReader;
import dev.kiln.nn.data.ImageDataset;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed, truncated and lying IDX files (the MNIST format) are refused with a message that
 * names the file and the problem, before the announced data is allocated.
 */
@ExtendWith(ReliabilityExtension.class)
class MalformedIdxTest {
    @TempDir
    Path dir;

    /** An IDX file: big-endian magic and dimensions, then {@code dataBytes} bytes. */
    private static byte[] idx(int magic, int[] dims, int dataBytes) throws IOException {
        byte[] data = new byte[dataBytes];
        for (int i = 0; i < dataBytes; i++) {
            data[i] = (byte) (i * 7);
        }
        return IdxFiles.idx(magic, dims, data);
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(plain);
        }
        return bytes.toByteArray();
    }

    private static IdxArray read(byte[] b) throws IOException {
        return IdxReader.read(new ByteArrayInputStream(b), "test.idx");
    }

    private static void assertRefused(String problem, byte[] file) {
        assertEquals("IDX file test.idx: " + problem,
                assertThrows(IdxFormatException.class, () -> read(file)).getMessage());
        ReliabilityLedger.BAD_INPUTS.incrementAndGet();
    }

    @Test
    void aWellFormedFileReadsTheSamePlainAndGzipped() throws IOException {
        byte[] plain = idx(0x00000803, new int[] {2, 3, 4}, 24);
        IdxArray a = read(plain);
        IdxArray b = read(gzip(plain));
        assertArrayEquals(new int[] {2, 3, 4}, a.dims());
        assertArrayEquals(a.values(), b.values());
        assertEquals((5 * 7) & 0xFF, a.unsigned(5));
    }

    @Test
    void wrongMagicTypeRankOrTruncatedHeader() throws IOException {
        assertRefused("wrong magic number 0x12340803: an IDX file starts with two zero bytes, a type byte and a rank byte",
                idx(0x12340803, new int[] {1}, 1));
        assertRefused("element type 0x0D is not supported; Kiln reads unsigned-byte IDX files (type 0x08)",
                idx(0x00000D01, new int[] {3}, 12));
        assertRefused("rank 0 is out of range 1..8", idx(0x00000800, new int[0], 0));
        assertRefused("the file is shorter than the 4-byte IDX magic number", new byte[] {0, 0});
        assertRefused("the header ends after 1 of 3 dimensions", idx(0x00000803, new int[] {2}, 0));
        assertRefused("dimension 1 is negative (-5)", idx(0x00000802, new int[] {2, -5}, 0));
    }

    @Test
    void countsLargerThanTheFileAreRefusedWithoutAllocatingThem() throws IOException {
        assertRefused("the header announces 47040000 bytes of data [60000, 28, 28] but the file holds only 100"
                + " (truncated file, or a header that does not match it)", idx(0x00000803, new int[] {60000, 28, 28}, 100));
        assertRefused("the header announces more than 2^31 elements", idx(0x00000803, new int[] {1 << 20, 1 << 20, 1 << 20}, 0));
        assertRefused("there are bytes after the 2 announced by the header [2]", idx(0x00000801, new int[] {2}, 3));
    }

    @Test
    void aHeaderAnnouncingTwoGigabytesIsRefusedWithoutAllocatingThem() throws IOException {
        byte[] file = idx(0x00000803, new int[] {32767, 256, 256}, 100);
        assertEquals("IDX file test.idx: the header announces 2147418112 bytes of data [32767, 256, 256] but the file holds only"
                + " 100 (truncated file, or a header that does not match it)",
                HeapBudget.refusedWithin(IdxFormatException.class, () -> read(file)));
        ReliabilityLedger.BAD_INPUTS.incrementAndGet();
    }

    @Test
    void imagesAndLabelsThatDisagreeOrAreMissing() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), idx(0x00000803, new int[] {3, 2, 2}, 12));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(0x00000801, new int[] {2}, 2)));
        Path images = dir.resolve("train-images-idx3-ubyte");
        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        assertEquals("IDX file " + images + " + " + labels + ": 3 images but 2 labels",
                assertThrows(IdxFormatException.class, () -> ImageDataset.readDirectory(dir, "train")).getMessage());
        assertEquals("IDX file " + dir.resolve("t10k-images-idx3-ubyte") + ": not found (looked for t10k-images-idx3-ubyte.gz"
                + " and t10k-images-idx3-ubyte in " + dir + ")",
                assertThrows(IdxFormatException.class, () -> ImageDataset.readDirectory(dir, "t10k")).getMessage());
        assertEquals("IDX file " + labels + " + " + images + ": images must have 3 dimensions (count, height, width), got [2]",
                assertThrows(IdxFormatException.class, () -> ImageDataset.read(labels, images)).getMessage());
        ReliabilityLedger.BAD_INPUTS.addAndGet(3);
    }

    @Test
    void imagesOfTheWrongSize() throws IOException {
        Path images = Files.write(dir.resolve("i"), idx(0x00000803, new int[] {1, 2, 3}, 6));
        Path labels = Files.write(dir.resolve("l"), idx(0x00000801, new int[] {1}, 1));
        ImageDataset d = ImageDataset.read(images, labels);
        assertEquals("IDX file dataset: images are 2x3 but 28x28 are expected",
                assertThrows(IdxFormatException.class, () -> d.requireImageSize(28, 28)).getMessage());
        ReliabilityLedger.BAD_INPUTS.incrementAndGet();
    }
}
