package dev.kiln.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.errors.KilnException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aWriterThatFailsHalfwayLeavesThePreviousFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("out.txt");
        AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap("first".getBytes(StandardCharsets.UTF_8))));
        KilnException e = assertThrows(KilnException.class, () -> AtomicFiles.write(target, ch -> {
            ch.write(ByteBuffer.wrap("half of the seco".getBytes(StandardCharsets.UTF_8)));
            throw new IOException("disk full");
        }));
        assertEquals("writing " + target.toAbsolutePath() + " failed: disk full; the previous file (if any) is unchanged", e.getMessage());
        assertEquals("first", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
    }

    @Test
    void createsMissingParentDirectories() throws IOException {
        Path target = dir.resolve("a/b/out.txt");
        AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8))));
        assertEquals("x", Files.readString(target));
    }

    @Test
    void aNewFileGetsTheSamePermissionsAsAnyFileTheUserCreates() throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class), "needs POSIX permissions");
        // The reference: a file created the ordinary way, so the umask decides (0644 under the usual 022).
        Path reference = Files.createFile(dir.resolve("reference"));
        Path target = dir.resolve("out.txt");
        AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8))));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(reference)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void replacingAFileKeepsItsPermissions() throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class), "needs POSIX permissions");
        Path target = dir.resolve("private.safetensors");
        for (String mode : List.of("rw-------", "rw-r-----", "rw-rw-r--")) {
            Files.write(target, new byte[] {1});
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
            AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8))));
            assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
            assertEquals("new", Files.readString(target));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "no temporary file is left behind");
        }
    }
}
