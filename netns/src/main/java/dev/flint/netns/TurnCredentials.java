package dev.flint.netns;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials in the TURN REST scheme that coturn checks with {@code --use-auth-secret}:
 * username {@code <expiry unix seconds>:<salt>} (the shape Firezone's portal hands out), password
 * {@code base64(HMAC-SHA1(static-auth-secret, username))}. Firezone's own relay derives the password differently
 * (SHA-256 over expiry, secret and salt, portal reference §7); clients only pass username and password through,
 * so a portal emulator in front of coturn must use this derivation.
 */
public record TurnCredentials(String username, String password, Instant expiresAt) {

    /** The realm Firezone clients expect a relay to announce. */
    public static final String REALM = "firezone";

    public static TurnCredentials rest(String sharedSecret, Instant expiresAt, String salt) {
        if (salt.contains(":")) {
            throw new IllegalArgumentException("salt must not contain ':' (coturn splits the username there)");
        }
        String username = expiresAt.getEpochSecond() + ":" + salt;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(sharedSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] digest = mac.doFinal(username.getBytes(StandardCharsets.UTF_8));
            return new TurnCredentials(username, Base64.getEncoder().encodeToString(digest),
                Instant.ofEpochSecond(expiresAt.getEpochSecond()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    /** Firezone's salt for a device: unpadded base64 of SHA-256 over its public key (as the base64 string). */
    public static String saltForPublicKey(String publicKeyBase64) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(publicKeyBase64.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "TurnCredentials[" + username + ", expires " + expiresAt + "]";
    }
}
