package dev.flint.tunnel.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.ClientCertificate;
import dev.flint.tunnel.os.OwnerOnlyFile;
import dev.flint.tunnel.os.ServicePaths;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The service's persistent files: the device id and the advanced settings. */
public final class StateFiles {
    private static final Logger LOG = LoggerFactory.getLogger(StateFiles.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ServicePaths paths;
    private final Optional<String> group;

    public StateFiles(ServicePaths paths, Optional<String> group) {
        this.paths = paths;
        this.group = group;
    }

    /**
     * The persistent device id, created on first use. Mode 0640 with the GUI's group so the GUI can
     * read it; a file that does not hold a UUID is replaced (and the replacement logged).
     */
    public UUID deviceId() throws IOException {
        Path file = paths.deviceIdFile();
        try {
            return UUID.fromString(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException absent) {
            // first start
        } catch (IllegalArgumentException damaged) {
            LOG.warn("The device id file {} is damaged; creating a new device id", file);
        }
        UUID id = UUID.randomUUID();
        writeAtomically(file, id.toString().getBytes(StandardCharsets.US_ASCII), "rw-r-----");
        return id;
    }

    /** The stored advanced settings, or the defaults when there are none or they do not validate. */
    public AdvancedSettings advancedSettings() {
        Path file = paths.advancedSettingsFile();
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(file));
            JsonNode c = node.path("client_certificate");
            ClientCertificate certificate = c.isObject() ? new ClientCertificate(c.path("certificate").asText(),
                    c.hasNonNull("key") ? c.get("key").asText() : null,
                    c.hasNonNull("password_file") ? c.get("password_file").asText() : null) : null;
            return new AdvancedSettings(URI.create(node.path("auth_url").asText()),
                    URI.create(node.path("api_url").asText()), node.path("log_filter").asText(), certificate);
        } catch (NoSuchFileException absent) {
            return AdvancedSettings.defaults();
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Ignoring the advanced settings in {} ({}); using the defaults", file, e.getMessage());
            return AdvancedSettings.defaults();
        }
    }

    public void saveAdvancedSettings(AdvancedSettings settings) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("auth_url", settings.authUrl().toString());
        node.put("api_url", settings.apiUrl().toString());
        node.put("log_filter", settings.logFilter());
        if (settings.clientCertificate() != null) {
            ObjectNode c = node.putObject("client_certificate");
            c.put("certificate", settings.clientCertificate().certificate());
            c.put("key", settings.clientCertificate().key());
            c.put("password_file", settings.clientCertificate().passwordFile());
        }
        writeAtomically(paths.advancedSettingsFile(), JSON.writeValueAsBytes(node), "rw-------");
    }

    private void writeAtomically(Path file, byte[] content, String mode) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        OwnerOnlyFile.create(temporary, mode);
        if (mode.charAt(3) == 'r' && group.isPresent()) {
            try {
                GroupPrincipal principal = file.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(group.get());
                Files.getFileAttributeView(temporary, PosixFileAttributeView.class).setGroup(principal);
            } catch (UserPrincipalNotFoundException noGroup) {
                // Without the group only root reads the file, which is still correct.
            }
        }
        Files.write(temporary, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
