package dev.flint.ipc.transport.windows;

import java.util.regex.Pattern;

/**
 * The security descriptor of a pipe, as SDDL. The descriptors never grant
 * {@code FILE_CREATE_PIPE_INSTANCE} (the pipe meaning of {@code FILE_APPEND_DATA}, part of
 * {@code FILE_GENERIC_WRITE}) to clients, so nobody but the server's account can add an instance
 * to the pipe and intercept a later client. Clients therefore open the pipe for
 * {@code GENERIC_READ | FILE_WRITE_DATA}, not {@code GENERIC_WRITE}.
 */
public record PipeSecurity(String sddl) {
    /** LocalSystem, the account the tunnel service runs as and the owner its pipe is created with. */
    public static final String LOCAL_SYSTEM_SID = "S-1-5-18";
    /** {@code FILE_GENERIC_READ | FILE_WRITE_DATA}: read, write data, synchronize; no new instances. */
    static final String CLIENT_RIGHTS = "0x12008b";
    private static final Pattern SID = Pattern.compile("S-1-\\d+(-\\d+)+");

    /**
     * The tunnel service's pipe: owned by LocalSystem (so a client can verify it talks to the real
     * service), full control for SYSTEM, read/write for interactively logged-on users. Network
     * logons and services running as other accounts get nothing.
     */
    public static PipeSecurity tunnelService() {
        return new PipeSecurity("O:SYD:P(A;;FA;;;SY)(A;;" + CLIENT_RIGHTS + ";;;IU)");
    }

    /**
     * Whether a pipe whose owner is {@code ownerSid} can be the tunnel service's. A process that
     * created the pipe name before the service (pipe squatting) owns its instance as its own user,
     * and an administrator's process as Administrators; only the service's pipe is LocalSystem's.
     */
    public static boolean ownedByTunnelService(String ownerSid) {
        return LOCAL_SYSTEM_SID.equals(ownerSid);
    }

    /** A per-user pipe (single instance): SYSTEM and the given user only. */
    public static PipeSecurity perUser(String userSid) {
        if (!SID.matcher(userSid).matches()) {
            throw new IllegalArgumentException("Not a SID string: " + userSid);
        }
        return new PipeSecurity("D:P(A;;FA;;;SY)(A;;FA;;;" + userSid + ")");
    }
}
