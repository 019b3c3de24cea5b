package dev.flint.ipc;

import java.util.Optional;

/**
 * The IPC protocol version. Bump {@link #CURRENT} whenever a message or field changes in a way an
 * older peer would reject or misread; adding a new message type also needs a bump, because older
 * peers answer unknown types with a protocol error.
 */
public final class ProtocolVersion {
    /**
     * 2: {@code connections_updated}, {@code run_diagnostics} / {@code diagnostics_result}, the resource status
     * {@code connecting}, {@code connect_now}, and the client certificate in the advanced and managed settings.
     */
    public static final int CURRENT = 2;

    private ProtocolVersion() {}

    /**
     * The sentence a GUI shows when the service it reached speaks another protocol version, or empty
     * when the versions match.
     */
    public static Optional<String> mismatch(int serviceProtocol, String serviceVersion, String guiVersion) {
        if (serviceProtocol == CURRENT) {
            return Optional.empty();
        }
        String newer = serviceProtocol > CURRENT ? "Update the Flint app" : "Update the Flint tunnel service";
        return Optional.of("The Flint tunnel service is version " + serviceVersion + " and speaks IPC protocol "
                + serviceProtocol + "; this Flint app is version " + guiVersion + " and speaks protocol " + CURRENT
                + ". " + newer + " so both come from the same release.");
    }

    /** {@link #mismatch(int, String, String)} for a received {@link ServiceMessage.Hello}. */
    public static Optional<String> mismatch(ServiceMessage.Hello hello, String guiVersion) {
        return mismatch(hello.protocolVersion(), hello.serviceVersion(), guiVersion);
    }
}
