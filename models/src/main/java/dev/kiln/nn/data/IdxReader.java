package dev.kiln.nn.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files of unsigned bytes, gzipped or not (detected from the content, not the name).
 * The header is checked before anything large is allocated, and the data is read incrementally,
 * so a header that announces more than the file holds fails with the byte counts instead of
 * allocating what it asks for.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_RANK = 8;

    private IdxReader() {
    }

    public static IdxArray read(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads from a classpath resource, e.g. the bundled digits. */
    public static IdxArray readResource(String resource) {
        try (InputStream in = IdxReader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IdxFormatException(resource, "no such resource on the class path");
            }
            return read(in, resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX resource " + resource + ": " + e.getMessage(), e);
        }
    }

    public static IdxArray read(InputStream raw, String source) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        DataInputStream data = new DataInputStream(in);
        int magic;
        try {
            magic = data.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(source, "the file is shorter than the 4-byte IDX magic number");
        }
        if ((magic >>> 16) != 0) {
            throw new IdxFormatException(source, String.format(
                    "wrong magic number 0x%08X: an IDX file starts with two zero bytes, a type byte and a rank byte", magic));
        }
        int type = (magic >>> 8) & 0xFF;
        int rank = magic & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new IdxFormatException(source, String.format(
                    "element type 0x%02X is not supported; Kiln reads unsigned-byte IDX files (type 0x08)", type));
        }
        if (rank < 1 || rank > MAX_RANK) {
            throw new IdxFormatException(source, "rank " + rank + " is out of range 1.." + MAX_RANK);
        }
        int[] dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++) {
            try {
                dims[i] = data.readInt();
            } catch (EOFException e) {
                throw new IdxFormatException(source, "the header ends after " + i + " of " + rank + " dimensions");
            }
            if (dims[i] < 0) {
                throw new IdxFormatException(source, "dimension " + i + " is negative (" + dims[i] + ")");
            }
            total *= dims[i];
            if (total > Integer.MAX_VALUE - 8) {
                throw new IdxFormatException(source, "the header announces more than 2^31 elements");
            }
        }
        byte[] values = data.readNBytes((int) total);
        if (values.length < total) {
            throw new IdxFormatException(source, "the header announces " + total + " bytes of data "
                    + java.util.Arrays.toString(dims) + " but the file holds only " + values.length
                    + " (truncated file, or a header that does not match it)");
        }
        if (data.read() != -1) {
            throw new IdxFormatException(source, "there are bytes after the " + total + " announced by the header "
                    + java.util.Arrays.toString(dims));
        }
        return new IdxArray(dims, values);
    }
}
