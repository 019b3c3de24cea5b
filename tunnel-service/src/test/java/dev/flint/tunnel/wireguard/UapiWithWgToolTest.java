package dev.flint.tunnel.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.connlib.wireguard.WireGuardKey;
import dev.flint.netns.Command;
import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The real {@code wg} tool reading and changing a Flint interface through the userspace API socket. */
@Tag("privileged")
class UapiWithWgToolTest {

    static final SecureRandom RANDOM = new SecureRandom();
    Topology net;
    NetworkNamespace ns;
    PlainWireGuard device;
    UapiServer server;
    String ifname;
    Path dir;
    final WireGuardKey ours = WireGuardKey.generatePrivate(RANDOM);
    final WireGuardKey peer1 = WireGuardKey.generatePrivate(RANDOM).publicKey();
    final WireGuardKey peer2 = WireGuardKey.generatePrivate(RANDOM).publicKey();

    @BeforeEach
    void start() throws Exception {
        WireGuardLab.assumeSupported();
        net = Topology.create("wgu");
        ns = net.namespace("u");
        ifname = net.prefix().value() + "u";
        dir = Files.createTempDirectory("flint-uapi-");
        String config = """
            [Interface]
            PrivateKey = %s
            Address = 10.50.0.1/24, fd50::1/64
            ListenPort = 51900

            [Peer]
            PublicKey = %s
            AllowedIPs = 10.50.0.2/32, 10.60.0.0/16
            Endpoint = 127.0.0.1:9
            """.formatted(ours.toBase64(), peer1.toBase64());
        WgQuickConfig parsed = ((WgQuickConfig.Parsed.Valid) WgQuickConfig.parse(config)).config();
        ns.call(() -> {
            device = PlainWireGuard.start(parsed, ifname);
            server = UapiServer.start(device);
            return null;
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (device != null) {
            device.close();
        }
        if (net != null) {
            net.close();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    List<String[]> dump() {
        List<String[]> rows = new ArrayList<>();
        for (String line : Command.of("wg", "show", ifname, "dump").run().strip().split("\n")) {
            rows.add(line.split("\t"));
        }
        return rows;
    }

    String[] peerRow(WireGuardKey key) {
        return dump().stream().skip(1).filter(r -> r[0].equals(key.toBase64())).findFirst()
            .orElseThrow(() -> new AssertionError("no peer " + key + " in " + Arrays.deepToString(dump().toArray())));
    }

    Path keyFile(String name, WireGuardKey key) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, key.toBase64() + "\n");
        return f;
    }

    void wg(String... args) {
        List<String> cmd = new ArrayList<>(List.of("wg"));
        cmd.addAll(List.of(args));
        Command.of(cmd).run();
    }

    @Test
    void showsTheConfiguredInterface() {
        String[] iface = dump().getFirst();
        assertThat(iface[0]).isEqualTo(ours.toBase64());
        assertThat(iface[1]).isEqualTo(ours.publicKey().toBase64());
        assertThat(iface[2]).isEqualTo("51900");
        assertThat(iface[3]).isEqualTo("off");
        String[] p = peerRow(peer1);
        assertThat(p[1]).isEqualTo("(none)");
        assertThat(p[2]).isEqualTo("127.0.0.1:9");
        assertThat(p[3]).isEqualTo("10.50.0.2/32,10.60.0.0/16");
        assertThat(p[4]).isEqualTo("0");
        assertThat(p[7]).isEqualTo("off");
        assertThat(Command.of("wg", "show", ifname).run()).contains("peer: " + peer1.toBase64())
            .contains("allowed ips: 10.50.0.2/32, 10.60.0.0/16");
        assertThat(Command.of("wg", "show", "interfaces").run()).contains(ifname);
    }

    @Test
    void setsInterfaceFields() throws Exception {
        wg("set", ifname, "listen-port", "51901", "fwmark", "0x42");
        String[] iface = dump().getFirst();
        assertThat(iface[2]).isEqualTo("51901");
        assertThat(iface[3]).isEqualTo("0x42");
        // The new port really is the one in use.
        assertThat(ns.exec("ss", "-Hlun")).contains(":51901").doesNotContain(":51900 ");
        wg("set", ifname, "fwmark", "0");
        assertThat(dump().getFirst()[3]).isEqualTo("off");

        WireGuardKey fresh = WireGuardKey.generatePrivate(RANDOM);
        wg("set", ifname, "private-key", keyFile("fresh.key", fresh).toString());
        assertThat(dump().getFirst()[1]).isEqualTo(fresh.publicKey().toBase64());
        assertThat(peerRow(peer1)[3]).isEqualTo("10.50.0.2/32,10.60.0.0/16");
    }

    @Test
    void addsChangesAndRemovesPeers() throws Exception {
        WireGuardKey psk = WireGuardKey.generatePreshared(RANDOM);
        wg("set", ifname, "peer", peer2.toBase64(), "allowed-ips", "10.70.0.0/16,fd70::/64",
            "endpoint", "[::1]:9", "persistent-keepalive", "25", "preshared-key", keyFile("p.psk", psk).toString());
        String[] p = peerRow(peer2);
        assertThat(p[1]).isEqualTo(psk.toBase64());
        assertThat(p[2]).isEqualTo("[::1]:9");
        assertThat(p[3]).isEqualTo("10.70.0.0/16,fd70::/64");
        assertThat(p[7]).isEqualTo("25");

        // allowed-ips replaces the list; an address another peer had moves to this one.
        wg("set", ifname, "peer", peer2.toBase64(), "allowed-ips", "10.60.0.0/16", "persistent-keepalive", "off");
        assertThat(peerRow(peer2)[3]).isEqualTo("10.60.0.0/16");
        assertThat(peerRow(peer2)[7]).isEqualTo("off");
        assertThat(peerRow(peer1)[3]).isEqualTo("10.50.0.2/32");
        assertThat(device.allowedIps(device.peerEntry(peer2).orElseThrow().peer)).hasSize(1);

        wg("set", ifname, "peer", peer1.toBase64(), "endpoint", "127.0.0.1:7");
        assertThat(peerRow(peer1)[2]).isEqualTo("127.0.0.1:7");

        wg("set", ifname, "peer", peer2.toBase64(), "remove");
        assertThat(dump()).hasSize(2);
        assertThat(device.peerEntry(peer2)).isEmpty();
    }

    @Test
    void setconfReplacesAllPeers() throws Exception {
        Path conf = dir.resolve("wg.conf");
        Files.writeString(conf, """
            [Interface]
            PrivateKey = %s
            ListenPort = 51902

            [Peer]
            PublicKey = %s
            AllowedIPs = 10.80.0.0/24
            """.formatted(ours.toBase64(), peer2.toBase64()));
        wg("setconf", ifname, conf.toString());
        List<String[]> rows = dump();
        assertThat(rows).hasSize(2);
        assertThat(rows.getFirst()[2]).isEqualTo("51902");
        assertThat(rows.get(1)[0]).isEqualTo(peer2.toBase64());
        assertThat(rows.get(1)[3]).isEqualTo("10.80.0.0/24");
    }

    @Test
    void refusesBadRequestsWithEinval() {
        Uapi uapi = new Uapi(device);
        for (List<String> bad : List.of(
                List.of("bogus=1"),
                List.of("listen_port=70000"),
                List.of("private_key=zz"),
                List.of("public_key=" + "ab".repeat(32), "allowed_ip=10.0.0.0/40"),
                List.of("public_key=" + "ab".repeat(32), "endpoint=nowhere"),
                List.of("public_key=" + "ab".repeat(32), "remove=maybe"),
                List.of("public_key=" + "ab".repeat(32), "persistent_keepalive_interval=-1"),
                List.of("replace_peers=false"))) {
            assertThatThrownBy(() -> uapi.set(bad)).as(bad.toString()).isInstanceOf(Uapi.Refused.class)
                .satisfies(e -> assertThat(((Uapi.Refused) e).errno).isEqualTo(Uapi.EINVAL));
        }
        assertThatThrownBy(() -> uapi.set(List.of("public_key=" + "ab".repeat(32), "protocol_version=2")))
            .isInstanceOf(Uapi.Refused.class);
        // Nothing of the refused requests stuck, beyond what came before the bad line.
        assertThat(device.peerEntries()).hasSize(1);
    }
}
