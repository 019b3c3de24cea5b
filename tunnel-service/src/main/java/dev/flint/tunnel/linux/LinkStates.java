package dev.flint.tunnel.linux;

import static dev.flint.shell.linux.RtNetlink.IFF_LOWER_UP;
import static dev.flint.shell.linux.RtNetlink.IFF_RUNNING;
import static dev.flint.shell.linux.RtNetlink.IFF_UP;

import dev.flint.shell.linux.RtNetlink;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Every link's state flags (up, running, carrier) by interface index, read from sysfs: what the network change monitor
 * compares a link notification with, so the first notification of a link that only toggled promiscuous mode is not
 * taken for a network change.
 */
final class LinkStates {
    private LinkStates() {
    }

    /** The links under {@code sysClassNet}; a link whose files cannot be read is left out (it will count once). */
    static Map<Integer, Integer> read(Path sysClassNet) {
        Map<Integer, Integer> links = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(sysClassNet)) {
            for (Path link : dirs) {
                try {
                    int index = Integer.parseInt(text(link.resolve("ifindex")));
                    int flags = Integer.decode(text(link.resolve("flags"))) & IFF_UP;
                    String operstate = text(link.resolve("operstate"));
                    if ((flags & IFF_UP) != 0 && (operstate.equals("up") || operstate.equals("unknown"))) {
                        flags |= IFF_RUNNING;
                    }
                    if ((flags & IFF_UP) != 0 && "1".equals(carrier(link))) {
                        flags |= IFF_LOWER_UP;
                    }
                    links.put(index, flags & RtNetlink.LINK_STATE_FLAGS);
                } catch (IOException | NumberFormatException unreadable) {
                    // Gone meanwhile, or not a link: its first notification counts, as before.
                }
            }
        } catch (IOException noSysfs) {
            // No sysfs (a container without it): every link's first notification counts.
        }
        return links;
    }

    private static String carrier(Path link) {
        try {
            return text(link.resolve("carrier"));
        } catch (IOException down) {
            return "0"; // the kernel refuses to read carrier of a link that is down
        }
    }

    private static String text(Path file) throws IOException {
        return Files.readString(file).trim();
    }
}
