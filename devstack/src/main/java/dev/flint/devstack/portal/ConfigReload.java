package dev.flint.devstack.portal;

import dev.flint.connlib.portal.PortalToClient;
import dev.flint.connlib.portal.PortalToGateway;
import dev.flint.connlib.portal.Resource;
import dev.flint.connlib.portal.Site;
import dev.flint.devstack.portal.PortalConfig.Account;
import dev.flint.devstack.portal.PortalConfig.RelayEntry;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switches to a new config and tells connected devices what changed, as the portal pushes an admin's edits: users
 * gone lose their session, grants that no longer hold are revoked at the gateway, clients hear of resources gained,
 * changed or lost, and every device of relays that went away or came.
 */
final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    private final ConfigView view;
    private final Devices devices;
    private final Authorizations authorizations;

    ConfigReload(ConfigView view, Devices devices, Authorizations authorizations) {
        this.view = Objects.requireNonNull(view);
        this.devices = Objects.requireNonNull(devices);
        this.authorizations = Objects.requireNonNull(authorizations);
    }

    void reload(PortalConfig next) {
        PortalConfig previous = view.config();
        view.apply(next);
        for (DeviceSession s : List.copyOf(devices.clients())) {
            Optional<Account> account = next.account(s.account.id());
            if (account.isEmpty() || account.get().user(s.user.id()).isEmpty()) {
                devices.expire(s);
            }
        }
        authorizations.reconcile(previous, next);
        for (DeviceSession s : devices.clients()) {
            if (s.joined) {
                pushResourceChanges(s, next);
            }
        }
        List<RelayEntry> before = view.chosenRelays(previous);
        if (!before.equals(view.chosenRelays(next)) || !previous.relaySecret().equals(next.relaySecret())) {
            tellRelays(before, view.chosenRelays(next));
        }
        LOG.info("config reloaded: {} account(s), {} relay(s)", next.accounts().size(), next.relays().size());
    }

    /**
     * A relay stopped answering (or answers again): Firezone's relays hold a connection to the portal, which tells
     * every device {@code relays_presence} when one goes, so devices move their connections to another relay at once
     * instead of waiting for their own timeouts. The emulator learns it from {@link RelayWatch}'s probes.
     */
    void relayPresence(UUID relayId, boolean answering) {
        List<RelayEntry> before = view.chosenRelays(view.config());
        if (view.relayAnswers(relayId, answering)) {
            LOG.info("relay {} {}; telling every device", relayId, answering ? "answers again" : "stopped answering");
            tellRelays(before, view.chosenRelays(view.config()));
        }
    }

    /** Tells every joined device its relays now, and which of those it had are gone. */
    private void tellRelays(List<RelayEntry> before, List<RelayEntry> now) {
        Set<UUID> kept = new HashSet<>();
        now.forEach(r -> kept.add(r.id()));
        List<UUID> gone = before.stream().map(RelayEntry::id).filter(id -> !kept.contains(id)).toList();
        for (DeviceSession s : devices.clients()) {
            if (s.joined) {
                s.push(new PortalToClient.RelaysPresence(gone, view.relaysFor(s)));
            }
        }
        for (DeviceSession s : devices.gateways()) {
            if (s.joined) {
                s.push(new PortalToGateway.RelaysPresence(gone, view.relaysFor(s)));
            }
        }
    }

    private void pushResourceChanges(DeviceSession client, PortalConfig next) {
        Account account = next.account(client.account.id()).orElse(null);
        if (account == null) {
            return;
        }
        Map<UUID, Resource> fresh = new LinkedHashMap<>();
        for (Resource r : ConfigView.render(account, client)) {
            fresh.put(r.id(), r);
        }
        for (UUID id : List.copyOf(client.visible.keySet())) {
            Resource old = client.visible.get(id);
            Resource now = fresh.get(id);
            if (now == null || !sitesOf(old).equals(sitesOf(now))) {
                // A resource moving between sites is deleted first, then created (as the portal does).
                client.push(new PortalToClient.ResourceDeleted(id));
                client.visible.remove(id);
            }
        }
        for (Resource r : fresh.values()) {
            if (!r.equals(client.visible.get(r.id()))) {
                client.push(new PortalToClient.ResourceCreatedOrUpdated(r));
                client.visible.put(r.id(), r);
            }
        }
    }

    private static List<Site> sitesOf(Resource r) {
        return switch (r) {
            case Resource.Dns d -> d.sites();
            case Resource.Cidr c -> c.sites();
            case Resource.Internet i -> i.sites();
            default -> List.of();
        };
    }
}
