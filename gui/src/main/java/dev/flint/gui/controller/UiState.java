package dev.flint.gui.controller;

import dev.flint.gui.settings.GeneralSettings;
import dev.flint.ipc.AdvancedSettings;
import dev.flint.ipc.ConnectedDevice;
import dev.flint.ipc.GatewayConnection;
import dev.flint.ipc.ManagedSettings;
import dev.flint.ipc.ResourceView;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of everything the tray and the windows draw. Immutable; a new one after every event.
 *
 * @param serviceProblem a sentence shown while the tunnel service is unreachable
 * @param notice a persistent sentence for the Overview (e.g. the token is kept in memory only)
 * @param deviceId the device id the service reported in its Hello
 * @param connections the session's gateway connections (path, RTT, bytes), empty when not signed in
 */
public record UiState(
        Phase phase,
        Optional<String> actorName,
        Optional<String> accountSlug,
        List<ResourceView> resources,
        List<ConnectedDevice> devices,
        GeneralSettings general,
        AdvancedSettings advanced,
        ManagedSettings managed,
        Optional<Update> update,
        Optional<String> serviceProblem,
        Optional<String> notice,
        Optional<String> deviceId,
        List<GatewayConnection> connections) {

    public UiState {
        resources = List.copyOf(resources);
        connections = List.copyOf(connections);
    }

    /** A newer release. */
    public record Update(String version, URI url) {
    }

    public URI effectiveAuthUrl() {
        return managed.authUrl() != null ? managed.authUrl() : advanced.authUrl();
    }

    public Optional<String> effectiveAccountSlug() {
        return managed.accountSlug() != null ? Optional.of(managed.accountSlug()) : general.slug();
    }

    public boolean connectOnStart() {
        return managed.connectOnStart() != null ? managed.connectOnStart() : general.connectOnStartEffective();
    }

    public boolean hideAdminPortal() {
        return Boolean.TRUE.equals(managed.hideAdminPortalMenuItem());
    }

    public boolean checkForUpdates() {
        return !Boolean.FALSE.equals(managed.checkForUpdates());
    }

    /** The gateway connection a resource goes through, if it has one. */
    public Optional<GatewayConnection> connectionOf(java.util.UUID resourceId) {
        return connections.stream().filter(c -> c.resourceIds().contains(resourceId)).findFirst();
    }

    public boolean signedIn() {
        return phase == Phase.SIGNED_IN;
    }
}
