package dev.kiln.nn.io;

import dev.kiln.api.errors.KilnException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;

/**
 * Writes output files so that a crash never leaves a half-written file under the final name: the
 * content goes to a temporary file in the same directory, is forced to disk, and is then renamed
 * over the target in one atomic step. Readers see either the previous file or the new one.
 * <p>The file gets the permissions of any file the user creates (0666 less the umask, e.g. 0644),
 * or keeps those of the file it replaces, so replacing a private file does not widen access.
 */
public final class AtomicFiles {
    /** Writes the whole content of one file into an open channel. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /** Replaces {@code target} with what {@code content} writes, atomically. */
    public static void write(Path target, Content content) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            // Same directory: a rename is only atomic within one file system.
            temp = createTemp(dir, absolute.getFileName().toString());
            copyPermissions(absolute, temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(channel);
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            forceDirectory(dir);
        } catch (AtomicMoveNotSupportedException e) {
            throw new KilnException("cannot write " + absolute + " atomically: the file system of " + dir
                    + " does not support atomic renames; write to a local disk instead", e);
        } catch (IOException e) {
            throw new KilnException("writing " + absolute + " failed: " + e.getMessage()
                    + "; the previous file (if any) is unchanged", e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    /**
     * A new, empty hidden file next to the target. Unlike {@code Files.createTempFile}, which makes
     * files 0600, it is created with the default mode, so the umask decides as for any other file.
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        while (true) {
            Path candidate = dir.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(candidate);
            } catch (FileAlreadyExistsException e) {
                // another writer picked the same name: draw again
            }
        }
    }

    /** Gives {@code temp} the POSIX permissions of an existing {@code target}; nothing to do on other systems or for a new file. */
    private static void copyPermissions(Path target, Path temp) throws IOException {
        if (Files.exists(target) && Files.getFileStore(target).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target));
        }
    }

    /** Makes the rename itself durable; some platforms cannot open a directory, and then the rename is left to the OS. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open directories; its rename is durable once the file content is.
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // The temporary file has a name no reader looks for; leaving it is harmless.
        }
    }
}
