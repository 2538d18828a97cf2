package dev.kiln.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    private static byte[] idx(int magic, int[] dims, int dataBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        for (int i = 0; i < dataBytes; i++) {
            out.write(i * 7);
        }
        return bytes.toByteArray();
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

    @Test
    void readsPlainAndGzippedAlike() throws IOException {
        byte[] plain = idx(0x00000803, new int[] {2, 3, 4}, 24);
        IdxArray a = read(plain);
        IdxArray b = read(gzip(plain));
        assertArrayEquals(new int[] {2, 3, 4}, a.dims());
        assertArrayEquals(a.values(), b.values());
        assertEquals(12, a.itemSize());
        assertEquals((5 * 7) & 0xFF, a.unsigned(5));
    }

    @Test
    void theBundledDigitsAreEightThousandLabelledImages() {
        ImageDataset d = ImageDataset.bundledDigits();
        assertEquals(8000, d.count());
        assertEquals(28, d.height());
        assertEquals(28, d.width());
        assertEquals(10, d.classes());
        int[] perClass = new int[10];
        for (int y : d.labels()) {
            perClass[y]++;
        }
        for (int c : perClass) {
            assertTrue(c >= 690 && c <= 900, "about 690-900 digits per class, got " + c);
        }
        float max = 0;
        for (float p : d.pixels()) {
            max = Math.max(max, p);
        }
        assertEquals(1f, max);
    }

    @Test
    void wrongMagicIsRejected() throws IOException {
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> read(idx(0x12340803, new int[] {1}, 1)));
        assertEquals("IDX file test.idx: wrong magic number 0x12340803: an IDX file starts with two zero bytes,"
                + " a type byte and a rank byte", e.getMessage());
    }

    @Test
    void aHeaderThatAnnouncesMoreThanTheFileHoldsFailsWithoutAllocatingIt() throws IOException {
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> read(idx(0x00000803, new int[] {60000, 28, 28}, 100)));
        assertEquals("IDX file test.idx: the header announces 47040000 bytes of data [60000, 28, 28] but the file holds only 100"
                + " (truncated file, or a header that does not match it)", e.getMessage());
        IdxFormatException huge = assertThrows(IdxFormatException.class,
                () -> read(idx(0x00000803, new int[] {1 << 20, 1 << 20, 1 << 20}, 0)));
        assertEquals("IDX file test.idx: the header announces more than 2^31 elements", huge.getMessage());
    }

    @Test
    void unsupportedTypesTruncatedHeadersAndTrailingBytesAreRejected() throws IOException {
        assertThrows(IdxFormatException.class, () -> read(idx(0x00000D01, new int[] {3}, 12)));
        assertThrows(IdxFormatException.class, () -> read(new byte[] {0, 0}));
        IdxFormatException cut = assertThrows(IdxFormatException.class, () -> read(idx(0x00000803, new int[] {2}, 0)));
        assertTrue(cut.getMessage().contains("the header ends after 1 of 3 dimensions"), cut.getMessage());
        IdxFormatException extra = assertThrows(IdxFormatException.class, () -> read(idx(0x00000801, new int[] {2}, 3)));
        assertEquals("IDX file test.idx: there are bytes after the 2 announced by the header [2]", extra.getMessage());
    }

    @Test
    void imagesAndLabelsMustAgree(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), idx(0x00000803, new int[] {3, 2, 2}, 12));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(0x00000801, new int[] {2}, 2)));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> ImageDataset.readDirectory(dir, "train"));
        assertTrue(e.getMessage().endsWith(": 3 images but 2 labels"), e.getMessage());
        IdxFormatException missing = assertThrows(IdxFormatException.class, () -> ImageDataset.readDirectory(dir, "t10k"));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    }

    @Test
    void imageSizeIsChecked() throws IOException {
        ImageDataset d = ImageDataset.of(read(idx(0x00000803, new int[] {1, 2, 3}, 6)), read(idx(0x00000801, new int[] {1}, 1)), "t");
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> d.requireImageSize(28, 28));
        assertEquals("IDX file dataset: images are 2x3 but 28x28 are expected", e.getMessage());
    }
}
