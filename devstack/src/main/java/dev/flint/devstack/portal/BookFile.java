package dev.flint.devstack.portal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.DateTimeException;
import java.util.List;

/**
 * The files the emulator keeps what Firezone's portal keeps in its database in ({@link AddressBook},
 * {@link GrantBook}): one record per line, words separated by blanks, {@code #} comments.
 */
final class BookFile {
    /** Reads one record; throws {@link IllegalArgumentException} (or a date's exception) naming what is wrong. */
    interface Record {
        void read(String[] words);
    }

    private BookFile() {
    }

    /**
     * Hands every record of {@code file} to {@code record}; nothing if there is no file yet. A record that cannot be
     * read is an {@link IOException} naming the file and the line: a book is never half read.
     */
    static void read(Path file, Record record) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException none) {
            return;
        }
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                record.read(line.split("\\s+"));
            } catch (IllegalArgumentException | DateTimeException e) {
                throw new IOException(file + " line " + number + ": " + e.getMessage());
            }
        }
    }

    /**
     * Writes {@code text} whole to an owner-only temporary file renamed over {@code file}, so a crash never leaves
     * half a book and no other user reads one (an address book holds halves of secrets).
     */
    static void write(Path file, CharSequence text) {
        try {
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
