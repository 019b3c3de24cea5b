package dev.flint.tunnel.wireguard;

import dev.flint.connlib.net.IpPrefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.wireguard.WireGuardKey;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WgQuickConfigTest {

    static final String KEY_A = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
    static final String KEY_B = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
    static final String KEY_C = "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=";

    static WgQuickConfig valid(String text) {
        WgQuickConfig.Parsed p = WgQuickConfig.parse(text);
        assertThat(p).isInstanceOf(WgQuickConfig.Parsed.Valid.class);
        return ((WgQuickConfig.Parsed.Valid) p).config();
    }

    static WgQuickConfig.Parsed.Invalid invalid(String text) {
        WgQuickConfig.Parsed p = WgQuickConfig.parse(text);
        assertThat(p).isInstanceOf(WgQuickConfig.Parsed.Invalid.class);
        return (WgQuickConfig.Parsed.Invalid) p;
    }

    @Test
    void parsesAFullConfig() {
        WgQuickConfig c = valid("""
            # a comment
            [Interface]
            PrivateKey = %s
            Address = 10.0.0.1/24, fd00::1/64
            Address = 10.9.0.1
            ListenPort = 51820
            MTU = 1380

            [Peer]
            PublicKey = %s   # trailing comment
            PresharedKey = %s
            AllowedIPs = 10.0.0.2/32, 192.168.7.130/25,fd00::/64
            Endpoint = [fd00:1::2]:51821
            PersistentKeepalive = 25

            [peer]
            publickey = %s
            allowedips = 0.0.0.0/0
            endpoint = gateway.example:4500
            """.formatted(KEY_A, KEY_B, KEY_C, KEY_C.replace('T', 'U')));
        assertThat(c.iface().privateKey().toBase64()).isEqualTo(KEY_A);
        assertThat(c.iface().addresses()).map(IpPrefix::toString)
            .containsExactly("10.0.0.1/24", "fd00::1/64", "10.9.0.1/32");
        assertThat(c.iface().listenPort()).isEqualTo(OptionalInt.of(51820));
        assertThat(c.iface().mtu()).isEqualTo(OptionalInt.of(1380));
        assertThat(c.peers()).hasSize(2);
        WgQuickConfig.PeerSection p = c.peers().getFirst();
        assertThat(p.publicKey().toBase64()).isEqualTo(KEY_B);
        assertThat(p.presharedKey().map(WireGuardKey::toBase64)).contains(KEY_C);
        // Host bits of an AllowedIPs entry are cleared, as wg does.
        assertThat(p.allowedIps()).map(IpPrefix::toString)
            .containsExactly("10.0.0.2/32", "192.168.7.128/25", "fd00::/64");
        assertThat(p.endpoint()).contains(new PeerEndpoint("fd00:1::2", 51821));
        assertThat(p.persistentKeepalive()).isEqualTo(OptionalInt.of(25));
        WgQuickConfig.PeerSection q = c.peers().get(1);
        assertThat(q.endpoint()).contains(new PeerEndpoint("gateway.example", 4500));
        assertThat(q.presharedKey()).isEqualTo(Optional.empty());
        assertThat(q.persistentKeepalive()).isEmpty();
    }

    @Test
    void minimalConfigHasNoPeers() {
        WgQuickConfig c = valid("[Interface]\r\nPrivateKey=" + KEY_A + "\r\n");
        assertThat(c.peers()).isEmpty();
        assertThat(c.iface().addresses()).isEmpty();
        assertThat(c.iface().listenPort()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        unknown interface key     | DNS = 1.1.1.1                      | 3 | unknown key 'DNS' in [Interface]
        bad private key           | PrivateKey = abc                    | 3 | PrivateKey is not a WireGuard key
        duplicate private key     | PrivateKey = KEY_A                  | 3 | PrivateKey is given twice
        bad address               | Address = 10.0.0.300/24             | 3 | Address '10.0.0.300/24' is not
        address prefix too long   | Address = 10.0.0.1/33               | 3 | Address '10.0.0.1/33' is not
        v6 prefix too long        | Address = fd00::1/129               | 3 | Address 'fd00::1/129' is not
        address host name         | Address = host.example              | 3 | Address 'host.example' is not
        empty list entry          | Address = 10.0.0.1/24,,10.0.0.2     | 3 | Address has an empty entry
        port not a number         | ListenPort = fast                   | 3 | ListenPort 'fast' is not a number
        port out of range         | ListenPort = 70000                  | 3 | ListenPort 70000 is out of range
        mtu too small             | MTU = 100                           | 3 | MTU 100 is out of range
        fwmark bad                | FwMark = zz                         | 3 | FwMark 'zz' is not a 32-bit number
        line without equals       | PrivateKey                          | 3 | expected 'Key = Value'
        missing key               | = 5                                 | 3 | missing key before '='
        """)
    void interfaceErrorsNameTheLine(String name, String badLine, int line, String problem) {
        WgQuickConfig.Parsed.Invalid e = invalid("[Interface]\nPrivateKey = " + KEY_A + "\n"
            + badLine.replace("KEY_A", KEY_A) + "\n");
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.problem()).contains(problem);
        assertThat(e.message()).startsWith("line " + line + ": ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        unknown peer key          | Table = off                        | 7 | unknown key 'Table' in [Peer]
        bad public key            | PublicKey = not-base64-at-all      | 7 | PublicKey is not a WireGuard key
        short base64 key          | PresharedKey = AAAA                | 7 | PresharedKey is not a WireGuard key
        bad allowed ip            | AllowedIPs = 10.0.0.0/24, banana   | 7 | AllowedIPs entry 'banana' is not
        endpoint without port     | Endpoint = 10.0.0.1                | 7 | Endpoint '10.0.0.1' is not host:port
        endpoint port zero        | Endpoint = 10.0.0.1:0              | 7 | Endpoint '10.0.0.1:0' is not
        endpoint bare v6          | Endpoint = fd00::1:51820           | 7 | Endpoint 'fd00::1:51820' is not
        endpoint bad bracket      | Endpoint = [fd00::1]51820          | 7 | Endpoint '[fd00::1]51820' is not
        endpoint v4 in brackets   | Endpoint = [10.0.0.1]:51820        | 7 | Endpoint '[10.0.0.1]:51820' is not
        endpoint bad host         | Endpoint = a_b:51820               | 7 | Endpoint 'a_b:51820' is not
        keepalive not number      | PersistentKeepalive = soon         | 7 | PersistentKeepalive 'soon' is not a number
        keepalive too large       | PersistentKeepalive = 65536        | 7 | PersistentKeepalive 65536 is out of range
        duplicate endpoint        | Endpoint = 10.0.0.1:1;Endpoint = [fd00::1]:2 | 8 | Endpoint is given twice
        duplicate public key      | PublicKey = KEY_C                  | 7 | PublicKey is given twice
        """)
    void peerErrorsNameTheLine(String name, String badLines, int line, String problem) {
        WgQuickConfig.Parsed.Invalid e = invalid("[Interface]\nPrivateKey = " + KEY_A
            + "\n\n[Peer]\nPublicKey = " + KEY_B + "\nAllowedIPs = 10.9.0.0/16\n"
            + badLines.replace(";", "\n").replace("KEY_C", KEY_C) + "\n");
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.problem()).contains(problem);
    }

    @Test
    void structuralErrors() {
        assertThat(invalid("").message()).isEqualTo("the file has no [Interface] section");
        assertThat(invalid("[Interface]\nAddress = 10.0.0.1/24\n"))
            .isEqualTo(new WgQuickConfig.Parsed.Invalid(1, "[Interface] has no PrivateKey"));
        assertThat(invalid("PrivateKey = " + KEY_A + "\n").problem()).contains("before any [Interface]");
        assertThat(invalid("[Interface\n").problem()).contains("missing its closing ']'");
        assertThat(invalid("[Interface]\nPrivateKey = " + KEY_A + "\n[Wat]\n"))
            .isEqualTo(new WgQuickConfig.Parsed.Invalid(3, "unknown section [Wat] (expected [Interface] or [Peer])"));
        assertThat(invalid("[Interface]\nPrivateKey = " + KEY_A + "\n[Interface]\n").message())
            .isEqualTo("line 3: a second [Interface] section (the first is on line 1)");
        assertThat(invalid("[Interface]\nPrivateKey = " + KEY_A + "\n[Peer]\nAllowedIPs = 10.0.0.0/8\n[Peer]\n"))
            .isEqualTo(new WgQuickConfig.Parsed.Invalid(3, "[Peer] has no PublicKey"));
        assertThat(invalid("[Interface]\nPrivateKey = " + KEY_A + "\n[Peer]\nPublicKey = " + KEY_B
            + "\n[Peer]\nPublicKey = " + KEY_B + "\n"))
            .isEqualTo(new WgQuickConfig.Parsed.Invalid(6, "this PublicKey already belongs to an earlier [Peer]"));
    }

    @Test
    void keysAreTheEngineKeys() {
        WireGuardKey k = valid("[Interface]\nPrivateKey = " + KEY_A + "\n").iface().privateKey();
        assertThat(k).isEqualTo(WireGuardKey.fromBase64(KEY_A));
        assertThat(k.toBase64()).isEqualTo(KEY_A);
    }
}
