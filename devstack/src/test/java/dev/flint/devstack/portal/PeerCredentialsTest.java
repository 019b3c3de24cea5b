package dev.flint.devstack.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.wireguard.WireGuardKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

class PeerCredentialsTest {

    static final WireGuardKey CLIENT_KEY = WireGuardKey.fromBase64("fiAjSBWDgQfD1CFJkTwOf4zg+1QhH0eTT+oLaVIMpH8=");
    static final WireGuardKey GATEWAY_KEY = WireGuardKey.fromBase64("uMBCkAxTewfSgypIyxdQ18uCi84HLtKmQJy0wvQrYWY=");
    static final UUID CLIENT = UUID.fromString("3abd725a-733b-4801-ac16-72f26cd98a24");
    static final UUID GATEWAY = UUID.fromString("d263d490-a0bb-452a-8990-01d27a1f1144");

    @Test
    void base32MatchesRfc4648Vectors() {
        assertThat(PeerCredentials.base32Lower("".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(PeerCredentials.base32Lower("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("my");
        assertThat(PeerCredentials.base32Lower("fo".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxq");
        assertThat(PeerCredentials.base32Lower("foob".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxw6yq");
        assertThat(PeerCredentials.base32Lower("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxw6ytboi");
    }

    @Test
    void iceCredentialsAreSlicesOfTheHashAndStable() {
        PeerCredentials.IcePair ice = PeerCredentials.ice(CLIENT, CLIENT_KEY, GATEWAY, GATEWAY_KEY);
        String h = PeerCredentials.base32Lower(PeerCredentials.sha256((CLIENT + ":" + CLIENT_KEY.toBase64() + ":"
            + GATEWAY + ":" + GATEWAY_KEY.toBase64()).getBytes(StandardCharsets.UTF_8)));
        assertThat(h).hasSize(52);
        assertThat(ice.initiator().ufrag()).hasSize(4).isEqualTo(h.substring(0, 4));
        assertThat(ice.initiator().password()).hasSize(22).isEqualTo(h.substring(4, 26));
        assertThat(ice.receiver().ufrag()).hasSize(4).isEqualTo(h.substring(26, 30));
        assertThat(ice.receiver().password()).hasSize(22).isEqualTo(h.substring(30, 52));
        assertThat(PeerCredentials.ice(CLIENT, CLIENT_KEY, GATEWAY, GATEWAY_KEY)).isEqualTo(ice);
        assertThat(PeerCredentials.ice(CLIENT, GATEWAY_KEY, GATEWAY, CLIENT_KEY)).isNotEqualTo(ice);
    }

    @Test
    void pskIsOneIterationOfPbkdf2HmacSha256() throws Exception {
        // ASCII psk bases, so the JDK's char[]-password PBKDF2 sees the same bytes.
        byte[] clientBase = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        byte[] gatewayBase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".getBytes(StandardCharsets.US_ASCII);
        String salt = "WG_PSK|C_ID:" + CLIENT + "|G_ID:" + GATEWAY + "|C_PK:" + CLIENT_KEY.toBase64() + "|G_PK:"
            + GATEWAY_KEY.toBase64();
        char[] password = (new String(clientBase, StandardCharsets.US_ASCII)
            + new String(gatewayBase, StandardCharsets.US_ASCII)).toCharArray();
        byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec(password, salt.getBytes(StandardCharsets.UTF_8), 1, 256)).getEncoded();
        WireGuardKey psk = PeerCredentials.psk(clientBase, gatewayBase, CLIENT, GATEWAY, CLIENT_KEY, GATEWAY_KEY);
        assertThat(psk.toBase64()).isEqualTo(Base64.getEncoder().encodeToString(expected));
    }
}
