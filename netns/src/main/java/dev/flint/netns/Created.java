package dev.flint.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Something a {@link Topology} created and must remove. Plain data, so a topology built by one process
 * ({@code devstack up}) can be torn down by another ({@code devstack down}) from a state file.
 */
public sealed interface Created {

    /** Removes the thing; safe to call when it is already gone. */
    void remove();

    /** A network namespace, with everything inside it. */
    record Namespace(String name) implements Created {
        @Override
        public void remove() {
            NetworkNamespace.existing(name).delete();
        }
    }

    /** A process; {@code startedAt} (nullable) guards against stopping a reused pid. */
    record Process(String label, String namespace, long pid, Instant startedAt) implements Created {
        @Override
        public void remove() {
            NamespaceProcess.stop(pid, startedAt);
        }
    }

    /** A directory and everything in it. */
    record Directory(Path path) implements Created {
        @Override
        public void remove() {
            if (!Files.exists(path)) {
                return;
            }
            try (var files = Files.walk(path)) {
                for (Path each : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(each);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A file or an empty directory. */
    record File(Path path) implements Created {
        @Override
        public void remove() {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
