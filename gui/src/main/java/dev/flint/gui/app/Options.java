package dev.flint.gui.app;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Command-line options of {@code flint-gui}. Every option also has an environment variable, so a
 * desktop entry or the devstack can set them without changing the command.
 */
public record Options(
        Command command,
        Optional<String> deepLink,
        Path serviceSocket,
        Optional<Path> dataDir,
        boolean registerDeepLinks,
        Optional<URI> releasesUrl,
        Optional<Path> snapshot,
        Optional<String> error) {

    public enum Command { RUN, VERSION, HELP, OPEN_DEEP_LINK }

    public static final Path DEFAULT_SOCKET = Path.of("/run/dev.flint.client/tunnel.sock");

    public static final String USAGE = """
            Usage: flint-gui [OPTIONS]
                   flint-gui open-deep-link URL
                   flint-gui --version | --help

            Starts Flint's tray app, or hands a sign-in link to the running one.

            Options:
              --service-socket PATH  the tunnel service's socket (FLINT_TUNNEL_SOCKET;
                                     default /run/dev.flint.client/tunnel.sock)
              --data-dir DIR         keep settings, session and logs under DIR (FLINT_GUI_DATA_DIR)
              --no-deep-links        do not register the sign-in link handler for this user
              --releases-url URL     check this URL for new versions (FLINT_RELEASES_URL; off if unset)
              --snapshot FILE        write a PNG of the window once it has drawn a stable state
                                     (for smoke tests)
            """;

    public static Options parse(List<String> args, java.util.Map<String, String> env) {
        Command cmd = Command.RUN;
        String link = null;
        Path socket = env.containsKey("FLINT_TUNNEL_SOCKET") ? Path.of(env.get("FLINT_TUNNEL_SOCKET")) : DEFAULT_SOCKET;
        Path data = env.containsKey("FLINT_GUI_DATA_DIR") ? Path.of(env.get("FLINT_GUI_DATA_DIR")) : null;
        boolean deepLinks = true;
        URI releases = env.containsKey("FLINT_RELEASES_URL") ? URI.create(env.get("FLINT_RELEASES_URL")) : null;
        Path snapshot = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String next = i + 1 < args.size() ? args.get(i + 1) : null;
            switch (a) {
                case "--version", "-V" -> cmd = Command.VERSION;
                case "--help", "-h" -> cmd = Command.HELP;
                case "--no-deep-links" -> deepLinks = false;
                case "open-deep-link", "--service-socket", "--data-dir", "--releases-url", "--snapshot" -> {
                    if (next == null) {
                        return error(a + " needs a value");
                    }
                    i++;
                    switch (a) {
                        case "open-deep-link" -> {
                            cmd = Command.OPEN_DEEP_LINK;
                            link = next;
                        }
                        case "--service-socket" -> socket = Path.of(next);
                        case "--data-dir" -> data = Path.of(next);
                        case "--releases-url" -> releases = URI.create(next);
                        default -> snapshot = Path.of(next);
                    }
                }
                default -> {
                    return error("unknown argument '" + a + "'");
                }
            }
        }
        return new Options(cmd, Optional.ofNullable(link), socket, Optional.ofNullable(data), deepLinks,
                Optional.ofNullable(releases), Optional.ofNullable(snapshot), Optional.empty());
    }

    private static Options error(String sentence) {
        return new Options(Command.HELP, Optional.empty(), DEFAULT_SOCKET, Optional.empty(), false, Optional.empty(),
                Optional.empty(), Optional.of(sentence));
    }
}
