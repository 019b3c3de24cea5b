package dev.flint.tunnel.cleanup;

import dev.flint.tunnel.dns.ResolvConfDns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes what a journal describes. Each step is independent and idempotent, so a repair that is
 * itself interrupted can simply run again; the journal is removed only when every step succeeded.
 */
public final class Repair {
    private static final Logger LOG = LoggerFactory.getLogger(Repair.class);

    /** Removes a network interface by name if it exists; true if it existed. */
    @FunctionalInterface
    public interface LinkRemover {
        boolean removeIfPresent(String interfaceName) throws IOException;
    }

    private final Path journalFile;
    private final LinkRemover links;

    public Repair(Path journalFile, LinkRemover links) {
        this.journalFile = journalFile;
        this.links = links;
    }

    /** Repairs from the journal if there is one; returns the sentences describing what failed. */
    public List<String> run() {
        List<String> failures = new ArrayList<>();
        Optional<CleanupJournal> journal;
        try {
            journal = CleanupJournal.read(journalFile);
        } catch (IOException e) {
            failures.add("Could not read the cleanup journal: " + e.getMessage());
            return failures;
        }
        if (journal.isEmpty()) {
            return failures;
        }
        CleanupJournal j = journal.get();
        LOG.info("Found a cleanup journal from a previous run; restoring DNS and removing {}", j.interfaceName());
        if (j.resolvConf().isPresent() && j.resolvConfBackup().isPresent()) {
            try {
                new ResolvConfDns(j.resolvConf().get(), j.resolvConfBackup().get()).deactivate();
            } catch (IOException e) {
                failures.add("Could not restore " + j.resolvConf().get() + ": " + e.getMessage());
            }
        }
        try {
            if (links.removeIfPresent(j.interfaceName())) {
                LOG.info("Removed the interface {} left by a previous run", j.interfaceName());
            }
        } catch (IOException e) {
            failures.add("Could not remove the interface " + j.interfaceName() + ": " + e.getMessage());
        }
        if (failures.isEmpty()) {
            try {
                Files.deleteIfExists(journalFile);
            } catch (IOException e) {
                failures.add("Could not delete the cleanup journal: " + e.getMessage());
            }
        }
        return failures;
    }
}
