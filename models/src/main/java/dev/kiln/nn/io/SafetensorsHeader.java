package dev.kiln.nn.io;

import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.json.Json;
import dev.kiln.api.json.JsonSyntaxException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file: an 8-byte little-endian length, then that many bytes
 * of JSON {@code {name: {dtype, shape, data_offsets}, "__metadata__": {...}}}, then the data.
 * Everything is checked against the file size before any tensor memory is allocated, so a lying
 * header fails with a message instead of an enormous allocation.
 */
public record SafetensorsHeader(List<SafetensorsEntry> entries, Map<String, String> metadata, long dataStart) {
    /** The largest header Kiln reads (the reference implementation's limit too). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    /** Reads and validates the header of the open file; {@code source} names it in errors. */
    public static SafetensorsHeader read(String source, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        byte[] head = new byte[16];
        int headLength = readFully(channel, ByteBuffer.wrap(head, 0, (int) Math.min(head.length, fileSize)), 0);
        String pickle = PickleSignature.detect(head, headLength);
        if (pickle != null) {
            throw new SafetensorsFormatException(source, PickleSignature.refusal(pickle, source));
        }
        if (fileSize < 8) {
            throw new SafetensorsFormatException(source, "the file has " + fileSize
                    + " bytes, fewer than the 8-byte header length; it is truncated or not a safetensors file");
        }
        long headerLength = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException(source, "header length " + Long.toUnsignedString(headerLength)
                    + " bytes is above the limit of " + MAX_HEADER_BYTES + " bytes; the file is corrupt or not a safetensors file");
        }
        if (8 + headerLength > fileSize) {
            throw new SafetensorsFormatException(source, "header length " + headerLength
                    + " bytes reaches past the end of the file (" + fileSize + " bytes); the file is truncated or corrupt");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) headerLength);
        readFully(channel, raw, 8);
        String json = decodeUtf8(source, raw.flip());
        if (json.isEmpty() || json.charAt(0) != '{') {
            throw new SafetensorsFormatException(source, "header does not start with '{'; the file is not a safetensors file");
        }
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (JsonSyntaxException e) {
            throw new SafetensorsFormatException(source, "header is not valid JSON: " + e.getMessage());
        }
        long dataStart = 8 + headerLength;
        return validate(source, (Map<?, ?>) parsed, dataStart, fileSize - dataStart);
    }

    private static SafetensorsHeader validate(String source, Map<?, ?> header, long dataStart, long dataLength) {
        List<SafetensorsEntry> entries = new ArrayList<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                metadata = metadata(source, e.getValue());
            } else {
                entries.add(entry(source, name, e.getValue(), dataLength));
            }
        }
        checkContiguous(source, entries, dataLength);
        return new SafetensorsHeader(List.copyOf(entries), metadata, dataStart);
    }

    private static Map<String, String> metadata(String source, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new SafetensorsFormatException(source, "\"" + METADATA_KEY + "\" must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new SafetensorsFormatException(source, "\"" + METADATA_KEY + "\" value of \"" + e.getKey()
                        + "\" must be a string");
            }
            out.put((String) e.getKey(), s);
        }
        return Map.copyOf(out);
    }

    private static SafetensorsEntry entry(String source, String name, Object value, long dataLength) {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> info)) {
            throw new SafetensorsFormatException(source, where + " must be an object with dtype, shape and data_offsets");
        }
        for (Object key : info.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new SafetensorsFormatException(source, where + " has an unknown field \"" + key
                        + "\"; expected only dtype, shape and data_offsets");
            }
        }
        if (!(info.get("dtype") instanceof String dtypeName)) {
            throw new SafetensorsFormatException(source, where + " has no string field \"dtype\"");
        }
        DType dtype = SafetensorsDTypes.fromName(dtypeName).orElseThrow(() -> new SafetensorsFormatException(source,
                where + " has dtype \"" + dtypeName + "\", which Kiln does not read (it reads " + SafetensorsDTypes.SUPPORTED
                        + "); convert the tensor before saving, e.g. tensor.float() in PyTorch"));
        long[] dims = longs(source, where, "shape", info.get("shape"), -1);
        long[] offsets = longs(source, where, "data_offsets", info.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new SafetensorsFormatException(source, where + " has data_offsets [" + begin + ", " + end
                    + "] that end before they begin");
        }
        long bytes = byteLength(source, where, dims, dtype);
        if (bytes != end - begin) {
            throw new SafetensorsFormatException(source, where + " has shape " + java.util.Arrays.toString(dims) + " " + dtype
                    + ", which needs " + bytes + " bytes, but its data_offsets [" + begin + ", " + end + "] hold "
                    + (end - begin) + " bytes");
        }
        if (end > dataLength) {
            throw new SafetensorsFormatException(source, where + " has data_offsets [" + begin + ", " + end
                    + "] past the end of the data (" + dataLength + " bytes); the file is truncated or its header lies");
        }
        return new SafetensorsEntry(name, dtype, kilnShape(source, where, dims), begin, end);
    }

    /** Byte size of the shape in {@code dtype}, refusing overflow instead of wrapping around. */
    private static long byteLength(String source, String where, long[] dims, DType dtype) {
        try {
            long n = dtype.byteSize();
            for (long d : dims) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(source, where + " has shape " + java.util.Arrays.toString(dims)
                    + ", which needs more than 2^63 bytes");
        }
    }

    private static Shape kilnShape(String source, String where, long[] dims) {
        int[] d = new int[dims.length];
        long numel = 1;
        boolean dimTooLarge = false;
        for (int i = 0; i < dims.length; i++) {
            numel *= dims[i];
            dimTooLarge |= dims[i] > Integer.MAX_VALUE;
            d[i] = (int) dims[i];
        }
        if (dimTooLarge) {
            throw new SafetensorsFormatException(source, where + " has shape " + java.util.Arrays.toString(dims)
                    + " with a dimension above " + Integer.MAX_VALUE + ", more than a Kiln tensor holds");
        }
        if (numel > Integer.MAX_VALUE) {
            throw new SafetensorsFormatException(source, where + " has " + numel
                    + " elements, more than a Kiln tensor holds (" + Integer.MAX_VALUE + "); split it into several tensors");
        }
        return Shape.of(d);
    }

    private static long[] longs(String source, String where, String field, Object value, int expectedLength) {
        String want = expectedLength < 0 ? "an array of non-negative integers" : "an array of " + expectedLength + " non-negative integers";
        if (!(value instanceof List<?> list) || (expectedLength >= 0 && list.size() != expectedLength)) {
            throw new SafetensorsFormatException(source, where + " field \"" + field + "\" must be " + want);
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0) {
                throw new SafetensorsFormatException(source, where + " field \"" + field + "\" must be " + want
                        + ", found " + list.get(i));
            }
            out[i] = v;
        }
        return out;
    }

    /** The format requires the tensors to tile the data section exactly: no overlap, no gap, nothing after. */
    private static void checkContiguous(String source, List<SafetensorsEntry> entries, long dataLength) {
        List<SafetensorsEntry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(SafetensorsEntry::begin).thenComparingLong(SafetensorsEntry::end));
        long covered = 0;
        SafetensorsEntry previous = null;
        for (SafetensorsEntry e : byOffset) {
            if (e.begin() < covered) {
                throw new SafetensorsFormatException(source, "tensors '" + previous.name() + "' [" + previous.begin() + ", "
                        + previous.end() + "] and '" + e.name() + "' [" + e.begin() + ", " + e.end() + "] overlap");
            }
            if (e.begin() > covered) {
                throw new SafetensorsFormatException(source, "tensor '" + e.name() + "' begins at byte " + e.begin()
                        + " but the data before it ends at byte " + covered + "; safetensors data must be contiguous, without gaps");
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataLength) {
            throw new SafetensorsFormatException(source, "the tensors cover " + covered + " bytes of data but the file holds "
                    + dataLength + " bytes after the header; it has trailing bytes or a header that lies");
        }
    }

    private static String decodeUtf8(String source, ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(source, "header is not valid UTF-8");
        }
    }

    /** Reads until {@code into} is full or the file ends; returns the bytes read. */
    static int readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        int total = 0;
        while (into.hasRemaining()) {
            int n = channel.read(into, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
