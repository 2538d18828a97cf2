package dev.kiln.nn.io;

import dev.kiln.api.DType;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.errors.KilnException;
import dev.kiln.api.json.Json;
import dev.kiln.api.spi.Backend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes named tensors in the safetensors format (F32, F64, I32, I64, U8, BOOL), the
 * format PyTorch, JAX and Hugging Face use for weights that cannot run code when loaded. Writes
 * are atomic ({@link AtomicFiles}); reads validate the whole header before allocating tensors.
 */
public final class Safetensors {
    private Safetensors() {
    }

    /** The header of {@code file}, validated, without reading any tensor data. */
    public static SafetensorsHeader readHeader(Path file) {
        try (FileChannel channel = open(file)) {
            return SafetensorsHeader.read(file.toString(), channel);
        } catch (IOException e) {
            throw new KilnException("reading safetensors file " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** Every tensor of {@code file} on {@code backend}, in header order; the caller owns (closes) them. */
    public static Map<String, Tensor> load(Path file, Backend backend) {
        String source = file.toString();
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (FileChannel channel = open(file)) {
            SafetensorsHeader header = SafetensorsHeader.read(source, channel);
            for (SafetensorsEntry e : header.entries()) {
                out.put(e.name(), readTensor(source, channel, header.dataStart(), e, backend));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            out.values().forEach(Tensor::close);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new KilnException("reading safetensors file " + file + " failed: " + e.getMessage(), e);
        }
    }

    private static Tensor readTensor(String source, FileChannel channel, long dataStart, SafetensorsEntry e,
                                     Backend backend) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate((int) e.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        if (SafetensorsHeader.readFully(channel, bytes, dataStart + e.begin()) != e.byteLength()) {
            throw new SafetensorsFormatException(source, "tensor '" + e.name() + "' was cut short while reading; the file "
                    + "changed or was truncated during the read");
        }
        bytes.flip();
        if (e.dtype() == DType.BOOL) {
            checkBooleans(source, e, bytes);
        }
        Tensor t = Tensors.on(backend).empty(e.dtype(), e.shape().toArray());
        try {
            if (bytes.hasRemaining()) {
                backend.upload(bytes, t.buffer(), 0);
            }
            return t.detachFromScopes();
        } catch (RuntimeException failure) {
            t.close();
            throw failure;
        }
    }

    private static void checkBooleans(String source, SafetensorsEntry e, ByteBuffer bytes) {
        for (int i = 0; i < bytes.limit(); i++) {
            byte b = bytes.get(i);
            if (b != 0 && b != 1) {
                throw new SafetensorsFormatException(source, "tensor '" + e.name() + "' is BOOL but element " + i
                        + " is " + (b & 0xFF) + "; booleans must be 0 or 1");
            }
        }
    }

    /** Writes {@code tensors} (any backend, any layout) and string metadata to {@code file}, atomically. */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Map.Entry<String, Tensor>> ordered = new ArrayList<>(tensors.entrySet());
        // As the reference writer: wider dtypes first, so every tensor stays aligned to its element size.
        ordered.sort(Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> -SafetensorsDTypes.writeOrder(e.getValue().dtype()))
                .thenComparing(Map.Entry::getKey));
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(SafetensorsHeader.METADATA_KEY, new java.util.TreeMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : ordered) {
            String name = e.getKey();
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors: a tensor cannot be named " + SafetensorsHeader.METADATA_KEY);
            }
            Tensor t = e.getValue();
            long bytes = (long) t.numel() * t.dtype().byteSize();
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape().toArray()) {
                shape.add((long) d);
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", SafetensorsDTypes.nameOf(t.dtype()));
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, offset + bytes));
            header.put(name, info);
            offset += bytes;
        }
        byte[] json = paddedHeader(Json.writeCompact(header));
        AtomicFiles.write(file, channel -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).flip();
            writeFully(channel, length);
            writeFully(channel, ByteBuffer.wrap(json));
            for (Map.Entry<String, Tensor> e : ordered) {
                writeFully(channel, hostBytes(e.getValue()));
            }
        });
    }

    public static void save(Path file, Map<String, Tensor> tensors) {
        save(file, tensors, Map.of());
    }

    /** Header bytes padded with spaces to a multiple of 8, so the data section starts aligned. */
    private static byte[] paddedHeader(String json) {
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        int padded = (raw.length + 7) & ~7;
        byte[] out = java.util.Arrays.copyOf(raw, padded);
        java.util.Arrays.fill(out, raw.length, padded, (byte) ' ');
        return out;
    }

    private static ByteBuffer hostBytes(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(t.numel() * t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        if (t.numel() == 0) {
            return b;
        }
        Tensor c = t.contiguous();
        try {
            t.backend().download(c.buffer(), c.layout().offset(), b);
        } finally {
            if (c != t) {
                c.close();
            }
        }
        return b.clear();
    }

    private static void writeFully(FileChannel channel, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new KilnException("safetensors file " + file + " does not exist", e);
        }
    }
}
