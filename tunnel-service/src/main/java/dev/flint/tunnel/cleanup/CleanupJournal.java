package dev.flint.tunnel.cleanup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.tunnel.dns.DnsMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * What a running session changed in the OS and a later process must undo if this one dies: the
 * interface it created and how DNS was redirected. Written (atomically, 0600) before the change
 * is made and deleted only after the change is undone, so a crash at any point leaves either no
 * journal or one that over-describes the damage — and {@link Repair} tolerates the latter.
 */
public record CleanupJournal(String interfaceName, DnsMode dnsMode, Optional<Path> resolvConf,
                             Optional<Path> resolvConfBackup) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public void write(Path file) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("interface", interfaceName);
        node.put("dns_mode", dnsMode.cliName());
        resolvConf.ifPresent(p -> node.put("resolv_conf", p.toString()));
        resolvConfBackup.ifPresent(p -> node.put("resolv_conf_backup", p.toString()));
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        dev.flint.tunnel.os.OwnerOnlyFile.create(temporary, "rw-------");
        Files.write(temporary, JSON.writeValueAsBytes(node), StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads a journal; empty when there is none. A journal that cannot be understood is reported
     * as an exception so the caller can log it and still fall back to the default repair.
     */
    public static Optional<CleanupJournal> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException none) {
            return Optional.empty();
        }
        JsonNode node = JSON.readTree(bytes);
        if (node == null || !node.path("interface").isTextual()) {
            throw new IOException("cleanup journal " + file + " has no interface name");
        }
        DnsMode mode = DnsMode.parse(node.path("dns_mode").asText())
                .orElseThrow(() -> new IOException("cleanup journal " + file + " names an unknown DNS mode"));
        return Optional.of(new CleanupJournal(node.get("interface").asText(), mode,
                text(node, "resolv_conf").map(Path::of), text(node, "resolv_conf_backup").map(Path::of)));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
