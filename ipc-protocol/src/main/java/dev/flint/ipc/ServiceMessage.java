package dev.flint.ipc;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;
import java.util.UUID;

/**
 * Messages the tunnel service sends to the GUI. The service speaks first, with {@link Hello}.
 * Each record's {@link JsonTypeName} is its wire {@code "type"}; field names are snake_case.
 */
public sealed interface ServiceMessage {

    /**
     * First frame on every connection. {@code protocol_version} and {@code service_version} keep
     * their names and meaning in every protocol version, so a GUI can always say what mismatched.
     */
    @JsonTypeName("hello")
    record Hello(int protocolVersion, String serviceVersion, String deviceId,
                 AdvancedSettings advancedSettings, ManagedSettings managedSettings) implements ServiceMessage {
        public Hello {
            if (protocolVersion < 1) {
                throw new InvalidFieldException("protocol_version", "must be at least 1, got " + protocolVersion);
            }
            InvalidFieldException.requireNonBlank(serviceVersion, "service_version");
            InvalidFieldException.requireNonBlank(deviceId, "device_id");
            InvalidFieldException.requireNonNull(advancedSettings, "advanced_settings");
            InvalidFieldException.requireNonNull(managedSettings, "managed_settings");
        }
    }

    /** Reply to {@link GuiMessage.Connect}: {@code error} is null on success, else a sentence for the user. */
    @JsonTypeName("connect_result")
    record ConnectResult(String error) implements ServiceMessage {
        public static ConnectResult ok() {
            return new ConnectResult(null);
        }

        public static ConnectResult failed(String sentence) {
            return new ConnectResult(InvalidFieldException.requireNonBlank(sentence, "error"));
        }

        public boolean succeeded() {
            return error == null;
        }
    }

    /** The session ended on its own (token rejected, fatal error). The service already cleaned up. */
    @JsonTypeName("disconnected")
    record Disconnected(String reason, boolean requiresSignIn) implements ServiceMessage {
        public Disconnected {
            InvalidFieldException.requireNonNull(reason, "reason");
        }
    }

    /** The resource list changed; resources are in display order. */
    @JsonTypeName("resources_updated")
    record ResourcesUpdated(List<ResourceView> resources, List<ConnectedDevice> connectedDevices)
            implements ServiceMessage {
        public ResourcesUpdated {
            resources = InvalidFieldException.requireElements(resources, "resources");
            connectedDevices = InvalidFieldException.requireElements(connectedDevices, "connected_devices");
        }
    }

    /**
     * The session's gateway connections: path, RTT, bytes, last handshake. Sent when a connection or an
     * authorization changes and every two seconds while any connection exists; an empty list when none is left.
     * New in protocol 2.
     */
    @JsonTypeName("connections_updated")
    record ConnectionsUpdated(List<GatewayConnection> connections) implements ServiceMessage {
        public ConnectionsUpdated {
            connections = InvalidFieldException.requireElements(connections, "connections");
        }
    }

    /**
     * Reply to {@link GuiMessage.RunDiagnostics}: what only the service knows or can test. {@code stub} (a query
     * to the tunnel's DNS stub) and {@code resource} (one request to the resource asked about) are null when not
     * run; {@code tunnel_mtu} is null without a session. New in protocol 2.
     *
     * @param dnsControl how the service points the system at the tunnel's DNS ({@code systemd-resolved},
     *                   {@code etc-resolv-conf}, {@code nrpt}, {@code scutil}, {@code disabled})
     * @param dnsServers the DNS servers (the stub's sentinel addresses) the system was given; empty when none
     */
    @JsonTypeName("diagnostics_result")
    record DiagnosticsResult(String dnsControl, List<String> dnsServers, ProbeResult stub, String tunnelInterface,
                             Integer tunnelMtu, List<RelayView> relays, ProbeResult resource) implements ServiceMessage {
        public DiagnosticsResult {
            InvalidFieldException.requireNonBlank(dnsControl, "dns_control");
            dnsServers = InvalidFieldException.requireElements(dnsServers, "dns_servers");
            InvalidFieldException.requireNonBlank(tunnelInterface, "tunnel_interface");
            relays = InvalidFieldException.requireElements(relays, "relays");
        }
    }

    /** No gateway could serve the resource. Sent once per resource and reason per session. */
    @JsonTypeName("gateway_unreachable")
    record GatewayUnreachable(UUID resourceId, GatewayUnreachableReason reason) implements ServiceMessage {
        public GatewayUnreachable {
            InvalidFieldException.requireNonNull(resourceId, "resource_id");
            InvalidFieldException.requireNonNull(reason, "reason");
        }
    }

    /** Reply to {@link GuiMessage.ApplyAdvancedSettings}: exactly one of the saved settings or an error sentence. */
    @JsonTypeName("advanced_settings_applied")
    record AdvancedSettingsApplied(AdvancedSettings settings, String error) implements ServiceMessage {
        public AdvancedSettingsApplied {
            if ((settings == null) == (error == null)) {
                throw new InvalidFieldException(settings == null ? "settings" : "error",
                        "exactly one of settings and error must be set");
            }
        }

        public static AdvancedSettingsApplied ok(AdvancedSettings saved) {
            return new AdvancedSettingsApplied(InvalidFieldException.requireNonNull(saved, "settings"), null);
        }

        public static AdvancedSettingsApplied failed(String sentence) {
            return new AdvancedSettingsApplied(null, InvalidFieldException.requireNonBlank(sentence, "error"));
        }

        public boolean succeeded() {
            return error == null;
        }
    }

    /** Reply to {@link GuiMessage.ClearLogs}: {@code error} is null on success. */
    @JsonTypeName("logs_cleared")
    record LogsCleared(String error) implements ServiceMessage {
        public static LogsCleared ok() {
            return new LogsCleared(null);
        }

        public static LogsCleared failed(String sentence) {
            return new LogsCleared(InvalidFieldException.requireNonBlank(sentence, "error"));
        }

        public boolean succeeded() {
            return error == null;
        }
    }

    /** Reply to {@link GuiMessage.Disconnect}; always sent, even when nothing was connected. */
    @JsonTypeName("disconnected_gracefully")
    record DisconnectedGracefully() implements ServiceMessage {}

    /** The service is stopping (signal or service manager); the GUI should sign out its tray and quit. */
    @JsonTypeName("terminating_gracefully")
    record TerminatingGracefully() implements ServiceMessage {}

    /**
     * Reply to a frame the service could not use. {@code frame_type} is the peer's {@code "type"} if
     * it could be read, {@code field} the offending field if known; {@code detail} says what was wrong.
     * The connection stays open.
     */
    @JsonTypeName("protocol_error")
    record ProtocolError(String frameType, String field, String detail) implements ServiceMessage {
        public ProtocolError {
            InvalidFieldException.requireNonBlank(detail, "detail");
        }
    }
}
