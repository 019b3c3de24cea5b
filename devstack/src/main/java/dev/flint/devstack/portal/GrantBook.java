package dev.flint.devstack.portal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The grants the portal has confirmed, kept across restarts as Firezone's portal keeps them in its database: a
 * gateway that rejoins a restarted portal is told in its {@code init} which authorizations still hold, and keeps
 * their connections and flows; an emulator that forgot them would have the gateway revoke every one. The file has
 * one line per grant: {@code <client id> <user id> <resource id> <gateway id> <expires at, ISO-8601>}.
 */
final class GrantBook {
    private final Optional<Path> file;
    private final List<Grant> loaded;

    private GrantBook(Optional<Path> file, List<Grant> loaded) {
        this.file = file;
        this.loaded = loaded;
    }

    /** Grants kept in memory only: a restarted emulator starts without any. */
    static GrantBook inMemory() {
        return new GrantBook(Optional.empty(), List.of());
    }

    /**
     * The grant book in {@code file}, created on the first grant if absent. A line that cannot be read is an error
     * naming the line: a grant silently dropped would cut a client's flows at the next gateway join.
     */
    static GrantBook open(Path file) throws IOException {
        List<Grant> grants = new ArrayList<>();
        BookFile.read(file, words -> {
            if (words.length != 5) {
                throw new IllegalArgumentException(
                    "expected '<client id> <user id> <resource id> <gateway id> <expires at>'");
            }
            grants.add(new Grant(UUID.fromString(words[0]), UUID.fromString(words[1]), UUID.fromString(words[2]),
                UUID.fromString(words[3]), Instant.parse(words[4])));
        });
        return new GrantBook(Optional.of(file), List.copyOf(grants));
    }

    /** The grants the book held when opened. */
    List<Grant> loaded() {
        return loaded;
    }

    /** Writes {@code grants} whole to a temporary file renamed over the old one, so a crash never leaves half a book. */
    void save(Collection<Grant> grants) {
        if (file.isEmpty()) {
            return;
        }
        Path target = file.get();
        StringBuilder text = new StringBuilder(
            "# Grants the devstack portal confirmed (client, user, resource, gateway, expiry); kept across restarts.\n");
        for (Grant g : grants) {
            text.append(g.clientId()).append(' ').append(g.userId()).append(' ').append(g.resourceId()).append(' ')
                .append(g.gatewayId()).append(' ').append(g.expiresAt()).append('\n');
        }
        BookFile.write(target, text);
    }
}
