package dev.flint.tunnel.windows;

import java.util.Optional;

/** The executable a process runs, as Windows names it ({@code QueryFullProcessImageNameW}). */
@FunctionalInterface
public interface ProcessImages {

    /** The full Win32 path of process {@code pid}'s image, or empty when it cannot be opened (gone, or protected). */
    Optional<String> imagePath(long pid);
}
