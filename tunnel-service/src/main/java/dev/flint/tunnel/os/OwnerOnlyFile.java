package dev.flint.tunnel.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates a file readable only as {@code mode} says where the file system has POSIX modes (Linux,
 * macOS); on Windows the file inherits the ACL of the service's {@code %ProgramData%} directory,
 * which the service's LocalSystem account and administrators own.
 */
public final class OwnerOnlyFile {
    private OwnerOnlyFile() {
    }

    /** Creates {@code file} (which must not exist) with {@code mode}, e.g. {@code rw-------}, where modes exist. */
    public static void create(Path file, String mode) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        } else {
            Files.createFile(file);
        }
    }
}
