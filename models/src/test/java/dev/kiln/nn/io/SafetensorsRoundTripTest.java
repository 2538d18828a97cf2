package dev.kiln.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import dev.kiln.api.spi.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    private final Backend cpu = Backends.select("cpu");
    private final Tensors on = Tensors.on(cpu);

    @TempDir
    Path dir;

    @Test
    void everyDtypeViewAndEmptyTensorComesBackUnchanged() {
        Tensor base = on.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Map<String, Tensor> saved = new LinkedHashMap<>();
        saved.put("transposed", base.transpose(0, 1));
        saved.put("f64", on.of(new double[] {Math.PI, -0.0, Double.MIN_VALUE}, 3));
        saved.put("i32", on.of(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 2, 2));
        saved.put("i64", on.of(new long[] {Long.MIN_VALUE, 1L << 40}, 2));
        saved.put("u8", on.of(DType.U8, new double[] {0, 7, 255}, 3));
        saved.put("bool", on.of(new boolean[] {true, false, true}, 3));
        saved.put("scalar", on.scalar(DType.F32, -3.5));
        saved.put("empty", on.zeros(DType.F32, 0, 4));
        Path file = dir.resolve("all.safetensors");

        Safetensors.save(file, saved, Map.of("epoch", "3", "note", "line\nbreak \"quoted\""));
        Map<String, Tensor> loaded = Safetensors.load(file, cpu);

        assertEquals(saved.keySet(), loaded.keySet());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, loaded.get("transposed").toFloatArray());
        assertEquals(Shape.of(3, 2), loaded.get("transposed").shape());
        assertArrayEquals(new double[] {Math.PI, -0.0, Double.MIN_VALUE}, loaded.get("f64").toDoubleArray());
        assertArrayEquals(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, loaded.get("i32").toIntArray());
        assertArrayEquals(new long[] {Long.MIN_VALUE, 1L << 40}, loaded.get("i64").toLongArray());
        assertArrayEquals(new int[] {0, 7, 255}, loaded.get("u8").toIntArray());
        assertArrayEquals(new int[] {1, 0, 1}, loaded.get("bool").toIntArray());
        assertEquals(DType.BOOL, loaded.get("bool").dtype());
        assertEquals(Shape.scalar(), loaded.get("scalar").shape());
        assertEquals(-3.5, loaded.get("scalar").item());
        assertEquals(Shape.of(0, 4), loaded.get("empty").shape());
        assertEquals(Map.of("epoch", "3", "note", "line\nbreak \"quoted\""), Safetensors.readHeader(file).metadata());
        loaded.values().forEach(Tensor::close);
        saved.values().forEach(Tensor::close);
        base.close();
    }

    @Test
    void savingOverAnExistingFileReplacesItAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("w.safetensors");
        try (Tensor a = on.of(new float[] {1, 2}, 2); Tensor b = on.of(new float[] {3, 4, 5}, 3)) {
            Safetensors.save(file, Map.of("w", a));
            Safetensors.save(file, Map.of("w", b));
        }
        Map<String, Tensor> loaded = Safetensors.load(file, cpu);
        assertArrayEquals(new float[] {3, 4, 5}, loaded.get("w").toFloatArray());
        loaded.get("w").close();
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void theDataSectionStartsAlignedToEightBytes() {
        Path file = dir.resolve("aligned.safetensors");
        try (Tensor a = on.of(new double[] {1}, 1)) {
            Safetensors.save(file, Map.of("a_name_of_odd_length", a));
        }
        assertEquals(0, Safetensors.readHeader(file).dataStart() % 8);
    }
}
