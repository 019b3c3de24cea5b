package dev.flint.ipc.transport.windows;

/** A local named pipe path, {@code \\.\pipe\<name>}; the name may not contain a backslash. */
public record PipeName(String path) {
    private static final String PREFIX = "\\\\.\\pipe\\";
    /** Win32 limit for the whole path, in characters. */
    private static final int MAX_LENGTH = 256;

    public PipeName {
        if (!path.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new IllegalArgumentException("Not a local pipe path (must start with \\\\.\\pipe\\): " + path);
        }
        String name = path.substring(PREFIX.length());
        if (name.isEmpty() || name.indexOf('\\') >= 0 || path.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Bad pipe name: " + path);
        }
    }

    public static PipeName of(String name) {
        return new PipeName(PREFIX + name);
    }

    public String name() {
        return path.substring(PREFIX.length());
    }
}
