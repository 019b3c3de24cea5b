package dev.flint.devstack.portal;

import dev.flint.connlib.ice.IceCredentials;
import dev.flint.connlib.wireguard.WireGuardKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-connection secrets the portal derives for a client and a gateway (portal reference §10): the
 * WireGuard pre-shared key and both sides' ICE credentials. Both are stable for a given pair of device ids and
 * public keys, which is what lets a peer reuse an existing connection.
 */
public final class PeerCredentials {

    private PeerCredentials() {
    }

    /** The ICE credentials of one authorization: the client (initiator) and the gateway (receiver). */
    public record IcePair(IceCredentials initiator, IceCredentials receiver) {
    }

    /**
     * {@code PBKDF2-HMAC-SHA256(client.psk_base ‖ gateway.psk_base, "WG_PSK|C_ID:…|G_ID:…|C_PK:…|G_PK:…", 1, 32)}.
     * One iteration and one block make PBKDF2 a single HMAC over {@code salt ‖ INT(1)}.
     */
    public static WireGuardKey psk(byte[] clientPskBase, byte[] gatewayPskBase, UUID clientId, UUID gatewayId,
                                   WireGuardKey clientKey, WireGuardKey gatewayKey) {
        byte[] password = new byte[clientPskBase.length + gatewayPskBase.length];
        System.arraycopy(clientPskBase, 0, password, 0, clientPskBase.length);
        System.arraycopy(gatewayPskBase, 0, password, clientPskBase.length, gatewayPskBase.length);
        String salt = "WG_PSK|C_ID:" + clientId + "|G_ID:" + gatewayId + "|C_PK:" + clientKey.toBase64() + "|G_PK:"
            + gatewayKey.toBase64();
        byte[] saltBytes = salt.getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[saltBytes.length + 4];
        System.arraycopy(saltBytes, 0, block, 0, saltBytes.length);
        block[block.length - 1] = 1;
        return WireGuardKey.fromBytes(hmacSha256(password, block));
    }

    /**
     * {@code h = base32_lower_nopad(sha256("<initiator_id>:<initiator_pk>:<receiver_id>:<receiver_pk>"))};
     * initiator {@code h[0..3]}/{@code h[4..25]}, receiver {@code h[26..29]}/{@code h[30..51]}.
     */
    public static IcePair ice(UUID initiatorId, WireGuardKey initiatorKey, UUID receiverId, WireGuardKey receiverKey) {
        String input = initiatorId + ":" + initiatorKey.toBase64() + ":" + receiverId + ":" + receiverKey.toBase64();
        String h = base32Lower(sha256(input.getBytes(StandardCharsets.UTF_8)));
        return new IcePair(new IceCredentials(h.substring(0, 4), h.substring(4, 26)),
            new IceCredentials(h.substring(26, 30), h.substring(30, 52)));
    }

    /** RFC 4648 base32, lower case, no padding (Elixir's {@code Base.encode32(case: :lower, padding: false)}). */
    static String base32Lower(byte[] data) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >>> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
