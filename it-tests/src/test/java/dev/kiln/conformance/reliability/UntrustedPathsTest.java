package dev.kiln.conformance.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No path read from a data file is trusted: a checkpoint's state.json that points its tensor files
 * outside the checkpoint is refused, and a resumed run, whose state.json names its data directory,
 * writes nothing outside the run's own directory.
 */
@ExtendWith(ReliabilityExtension.class)
class UntrustedPathsTest {
    @TempDir
    Path tmp;

    @Test
    void aCheckpointCannotPointTheRunAtFilesOutsideItAndAResumeWritesOnlyIntoItsRun() throws IOException {
        Path data = IdxFiles.writeRandomImages(tmp.resolve("data"), 96, 32);
        Path run = tmp.resolve("run");
        KilnCommand.ok("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "32", "--checkpoint-every", "0",
                "--backend", "cpu", "--out", run.toString());
        Path checkpoint = run.resolve("checkpoint");
        Path state = checkpoint.resolve("state.json");
        String saved = Files.readString(state);
        Map<String, Object> fields = Json.parseObject(saved, state.toString());
        // a whole, loadable weights file outside the run: only the name check keeps the run from reading it
        Path outside = Files.copy(checkpoint.resolve((String) fields.get("weights")), tmp.resolve("outside.safetensors"));

        Map<String, String> before = filesOutside(run);
        assertRefused(state, fields, "weights", "../../outside.safetensors", checkpoint);
        assertRefused(state, fields, "optimizer", outside.toString(), checkpoint);

        Files.writeString(state, saved);
        KilnCommand.ok("train", "--resume", run.toString(), "--epochs", "2");
        assertEquals(before, filesOutside(run), "files outside the run directory changed");
    }

    private static void assertRefused(Path state, Map<String, Object> fields, String field, String name, Path checkpoint)
            throws IOException {
        Object kept = fields.put(field, name);
        Files.writeString(state, Json.write(fields));
        KilnCommand refused = KilnCommand.run("train", "--resume", checkpoint.getParent().toString(), "--epochs", "2");
        assertEquals(1, refused.exitCode(), refused.out());
        assertEquals("kiln train: " + state + ": \"" + field + "\" names '" + name + "', which is not a file of this checkpoint "
                + "(expected " + field + "-<step>.safetensors in " + checkpoint + "); the file was edited or is not from Kiln\n"
                + "(set KILN_DEBUG=1 to see the stack trace)\n", refused.err());
        fields.put(field, kept);
        ReliabilityLedger.BAD_INPUTS.incrementAndGet();
    }

    /** Every file under the temporary directory but outside {@code run}, with the SHA-256 of its bytes. */
    private Map<String, String> filesOutside(Path run) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(tmp)) {
            files.filter(Files::isRegularFile).filter(f -> !f.startsWith(run)).forEach(f -> {
                try {
                    out.put(tmp.relativize(f).toString(),
                            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return out;
    }
}
