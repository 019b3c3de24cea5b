package dev.flint.connlib.tunnel;

import dev.flint.connlib.dns.Upstream;
import dev.flint.connlib.portal.Resource;
import java.util.List;
import java.util.UUID;

/** What {@link ClientState} asks of the session around it; some of it reaches the shell ({@link ClientSessionEvent}). */
public sealed interface ClientEvent {
    /** Send {@code request_authorization} to the portal. */
    record RequestAuthorization(UUID resourceId, List<UUID> connectedGatewayIds) implements ClientEvent {}

    /** Remove the connection to this gateway (after a Goodbye either way). */
    record CloseConnection(UUID gatewayId) implements ClientEvent {}

    /** Reconfigure the TUN device (addresses, DNS, routes). */
    record TunConfigChanged(TunConfig config) implements ClientEvent, ClientSessionEvent {}

    /** The resource list shown to the user changed. */
    record ResourcesChanged(List<Resource> resources) implements ClientEvent, ClientSessionEvent {}

    /** Recurse a query to an upstream outside the tunnel; answer with {@link ClientState#handleUpstreamResult}. */
    record UpstreamDnsQuery(long queryId, Upstream upstream, DnsTransport transport, byte[] query)
            implements ClientEvent, ClientSessionEvent {}
}
