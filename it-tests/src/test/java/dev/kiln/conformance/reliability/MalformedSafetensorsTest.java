package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.Backends;
import dev.kiln.api.memory.MemoryStats;
import dev.kiln.api.spi.Backend;
import dev.kiln.conformance.Target;
import dev.kiln.nn.io.Safetensors;
import dev.kiln.nn.io.SafetensorsFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a safetensors file can be broken or lie, each refused with its exact message before
 * tensors are allocated, and pickle checkpoints refused outright (loading them could run code).
 */
@ExtendWith(ReliabilityExtension.class)
class MalformedSafetensorsTest {
    private final Backend cpu = Backends.select("cpu");

    @TempDir
    Path dir;

    /** A file of the given header length field, header text and number of zero data bytes. */
    private Path file(long headerLength, String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(json);
        Path p = dir.resolve("m.safetensors");
        Files.write(p, b.array());
        return p;
    }

    private Path file(String header, int dataBytes) throws IOException {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private String refusal(Path p) {
        ReliabilityLedger.BAD_INPUTS.incrementAndGet();
        return assertThrows(SafetensorsFormatException.class, () -> Safetensors.load(p, cpu)).getMessage();
    }

    private void assertRefused(Path p, String problem) {
        assertEquals("safetensors file " + p + ": " + problem, refusal(p));
    }

    @Test
    void headerLengthPastTheEndOfTheFile() throws IOException {
        Path p = file(1000, "{}", 8);
        assertRefused(p, "header length 1000 bytes reaches past the end of the file (18 bytes); the file is truncated or corrupt");
    }

    @Test
    void headerLengthAboveTheCap() throws IOException {
        assertRefused(file(200_000_000, "{}", 0), "header length 200000000 bytes is above the limit of 100000000 bytes; "
                + "the file is corrupt or not a safetensors file");
        assertRefused(file(-1, "{}", 0), "header length 18446744073709551615 bytes is above the limit of 100000000 bytes; "
                + "the file is corrupt or not a safetensors file");
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[] {3, 0, 0});
        assertRefused(p, "the file has 3 bytes, fewer than the 8-byte header length; it is truncated or not a safetensors file");
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",}}", 0),
                "header is not valid JSON: expected a string key but found '}' at character 20");
        assertRefused(file("{\"a\":1,\"a\":2}", 0), "header is not valid JSON: duplicate key \"a\" at character 7");
        assertRefused(file("{\"a\":[1,2]", 0), "header is not valid JSON: expected ',' or '}' but found end of input at character 10");
        assertRefused(file("{\"a\":01}", 0), "header is not valid JSON: number with a leading zero at character 6");
        assertRefused(file("{\"a\":\"x\ty\"}", 0), "header is not valid JSON: control character U+0009 inside a string at character 7");
        assertRefused(file("{} x", 0), "header is not valid JSON: unexpected 'x' after the end of the JSON value at character 3");
        assertRefused(file("[]", 0), "header does not start with '{'; the file is not a safetensors file");
        assertRefused(file("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}", 0),
                "header is not valid JSON: nesting deeper than 64 levels at character 69");
    }

    @Test
    void headerThatIsNotUtf8() throws IOException {
        Path p = dir.resolve("latin1.safetensors");
        byte[] bytes = {2, 0, 0, 0, 0, 0, 0, 0, '{', (byte) 0xE9};
        Files.write(p, bytes);
        assertRefused(p, "header is not valid UTF-8");
    }

    @Test
    void overlappingOffsets() throws IOException {
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
                "tensors 'a' [0, 8] and 'b' [4, 12] overlap");
    }

    @Test
    void gapBetweenTensors() throws IOException {
        assertRefused(file("{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 20),
                "tensor 'b' begins at byte 12 but the data before it ends at byte 8; safetensors data must be contiguous, without gaps");
    }

    @Test
    void offsetsPastTheEndOfTheData() throws IOException {
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4),
                "tensor 'a' has data_offsets [0, 8] past the end of the data (4 bytes); the file is truncated or its header lies");
    }

    @Test
    void offsetsThatEndBeforeTheyBegin() throws IOException {
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8),
                "tensor 'a' has data_offsets [8, 0] that end before they begin");
    }

    @Test
    void trailingBytesAfterTheLastTensor() throws IOException {
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12),
                "the tensors cover 8 bytes of data but the file holds 12 bytes after the header; it has trailing bytes or a header that lies");
    }

    @Test
    void unknownAndUnsupportedDtypes() throws IOException {
        String fix = "which Kiln does not read (it reads F32, F64, I32, I64, U8, BOOL); convert the tensor before saving, "
                + "e.g. tensor.float() in PyTorch";
        assertRefused(file("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
                "tensor 'a' has dtype \"F16\", " + fix);
        assertRefused(file("{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
                "tensor 'a' has dtype \"Q7\", " + fix);
    }

    @Test
    void shapeAndByteLengthThatDisagree() throws IOException {
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20),
                "tensor 'a' has shape [2, 3] F32, which needs 24 bytes, but its data_offsets [0, 20] hold 20 bytes");
    }

    @Test
    void headerThatAsksForTerabytes() throws IOException {
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,4000000000000]}}", 16),
                "tensor 'a' has data_offsets [0, 4000000000000] past the end of the data (16 bytes); the file is truncated "
                        + "or its header lies");
        assertRefused(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", 8),
                "tensor 'a' has shape [4611686018427387904, 4], which needs more than 2^63 bytes");
        assertRefused(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[0,3000000000],\"data_offsets\":[0,0]}}", 0),
                "tensor 'a' has shape [0, 3000000000] with a dimension above 2147483647, more than a Kiln tensor holds");
    }

    @ParameterizedTest
    @MethodSource("dev.kiln.conformance.Targets#backends")
    void headersAskingForGigabytesOrTerabytesAreRefusedBeforeAnythingIsAllocated(Target target) throws IOException {
        assumeTrue(target.available(), () -> target + ": " + target.unavailableReason());
        Backend backend = target.backend();
        backend.synchronize();
        MemoryStats before = backend.memory();
        Path p = file(99_999_999, "{}", 0);
        assertEquals("safetensors file " + p + ": header length 99999999 bytes reaches past the end of the file (10 bytes); the file"
                + " is truncated or corrupt", HeapBudget.refusedWithin(SafetensorsFormatException.class, () -> Safetensors.load(p, backend)));
        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,4000000000000]}}", 16);
        assertEquals("safetensors file " + p + ": tensor 'w' has data_offsets [0, 4000000000000] past the end of the data (16 bytes);"
                + " the file is truncated or its header lies",
                HeapBudget.refusedWithin(SafetensorsFormatException.class, () -> Safetensors.load(p, backend)));
        backend.synchronize();
        MemoryStats after = backend.memory();
        assertEquals(before.deviceAllocations(), after.deviceAllocations(), target + ": the device was asked for memory");
        assertEquals(before.liveBytes(), after.liveBytes(), target + ": live bytes changed");
        ReliabilityLedger.BAD_INPUTS.addAndGet(2);
    }

    @Test
    void malformedEntries() throws IOException {
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8),
                "tensor 'a' field \"shape\" must be an array of non-negative integers, found -2");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8),
                "tensor 'a' field \"data_offsets\" must be an array of 2 non-negative integers");
        assertRefused(file("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "tensor 'a' has no string field \"dtype\"");
        assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"strides\":[1]}}", 8),
                "tensor 'a' has an unknown field \"strides\"; expected only dtype, shape and data_offsets");
        assertRefused(file("{\"a\":[1]}", 0), "tensor 'a' must be an object with dtype, shape and data_offsets");
        assertRefused(file("{\"__metadata__\":{\"epoch\":3}}", 0), "\"__metadata__\" value of \"epoch\" must be a string");
    }

    @Test
    void booleansOtherThanZeroAndOne() throws IOException {
        Path p = file("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        byte[] bytes = Files.readAllBytes(p);
        bytes[bytes.length - 1] = 2;
        Files.write(p, bytes);
        assertRefused(p, "tensor 'm' is BOOL but element 1 is 2; booleans must be 0 or 1");
    }

    @Test
    void pickleCheckpointsAreRefusedWithHowToConvert() throws IOException {
        Path zip = dir.resolve("model.pt");
        Files.write(zip, new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0});
        assertEquals("safetensors file " + zip + ": this is a PyTorch checkpoint (a zip archive holding a pickle), not "
                + "safetensors. Kiln does not load pickle files because unpickling can run arbitrary code. Convert it once in "
                + "Python: import torch; from safetensors.torch import save_file; save_file(torch.load('" + zip
                + "', weights_only=True), 'model.safetensors')", refusal(zip));
        Path pickle = dir.resolve("model.bin");
        Files.write(pickle, new byte[] {(byte) 0x80, 2, '}', 'q', 0, '(', 'X', 1, 0, 0, 0});
        assertEquals("safetensors file " + pickle + ": this is a Python pickle (protocol 2), not safetensors. Kiln does not "
                + "load pickle files because unpickling can run arbitrary code. Convert it once in Python: import torch; "
                + "from safetensors.torch import save_file; save_file(torch.load('" + pickle
                + "', weights_only=True), 'model.safetensors')", refusal(pickle));
    }

    @Test
    void aSafetensorsHeaderWhoseLengthLooksLikeAPickleIsStillRead() throws IOException {
        // 640 = 0x280: the length field starts 0x80 0x02, the pickle protocol 2 magic.
        String header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}";
        Path p = file(640, header + " ".repeat(640 - header.length()), 0);
        assertEquals(1, Safetensors.readHeader(p).entries().size());
    }
}
