package dev.flint.devstack.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.connlib.phoenix.ChannelEvent;
import dev.flint.devstack.tls.TestCa;
import dev.flint.shell.portal.DeviceIdentity;
import dev.flint.shell.portal.PortalConnection;
import dev.flint.shell.portal.UserAgent;
import dev.flint.shell.tls.ClientIdentity;
import dev.flint.shell.tls.TlsSettings;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Firezone 1.5.17's device certificate: the portal's mutual-TLS listener, Flint's PortalConnection presenting it. */
class MutualTlsPortalTest {

    @TempDir
    Path dir;

    EventLoopGroup group;
    PortalEmulator portal;
    TestCa ca;
    URI mtls;

    @BeforeEach
    void start() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        portal = PortalEmulator.start(PortalConfigReader.parse(PortalMain.sample())
            .withListen(new InetSocketAddress(loopback, 0)));
        ca = TestCa.create("devstack test CA");
        TestCa.Files server = ca.server("portal", List.of(loopback), List.of()).written(dir, "portal");
        ca.writeTrust(dir.resolve("ca.pem"), dir.resolve("ca.p12"));
        InetSocketAddress bound = portal.listenMutualTls(new InetSocketAddress(loopback, 0), server.certificate(),
            server.key(), dir.resolve("ca.pem"));
        mtls = URI.create("wss://127.0.0.1:" + bound.getPort() + "/");
    }

    @AfterEach
    void stop() {
        portal.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ChannelEvent firstOutcome(TlsSettings tls) throws Exception {
        LinkedBlockingQueue<ChannelEvent> events = new LinkedBlockingQueue<>();
        String token = portal.issueToken("demo", "alice@flint.test", "n0nce");
        DeviceIdentity device = new DeviceIdentity(UUID.randomUUID().toString(), "laptop", "A".repeat(43) + "=");
        try (PortalConnection connection = PortalConnection.client(mtls, device, token, UserAgent.detect("0.1.0"),
                group, events::add, tls.portalContext())) {
            connection.start();
            ChannelEvent e = events.poll(20, TimeUnit.SECONDS);
            return e;
        }
    }

    @Test
    void aClientCertificateFromPemJoinsThePortal() throws Exception {
        TestCa.Files client = ca.client("device-1").written(dir, "client");
        ClientIdentity identity = ClientIdentity.load(client.certificate().toString(), client.key(), null);
        assertThat(firstOutcome(new TlsSettings(identity, List.of(ca.certificate()))))
            .isEqualTo(new ChannelEvent.Joined("client"));
    }

    @Test
    void withoutAClientCertificateTheHandshakeFailsAndIsRetriedNotASignOut() throws Exception {
        assertThat(firstOutcome(new TlsSettings(null, List.of(ca.certificate()))))
            .isInstanceOf(ChannelEvent.Disconnected.class);
    }

    @Test
    void aPkcs12FileWithItsPasswordIsReadAndABadOneIsNamed() throws Exception {
        TestCa.Issued issued = ca.client("device-2");
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("device", issued.key(), "s3cret".toCharArray(),
            new java.security.cert.Certificate[] {issued.certificate(), issued.ca()});
        Path p12 = dir.resolve("device.p12");
        try (var out = java.nio.file.Files.newOutputStream(p12)) {
            store.store(out, "s3cret".toCharArray());
        }
        Path password = dir.resolve("password");
        java.nio.file.Files.writeString(password, "s3cret\n");
        ClientIdentity identity = ClientIdentity.load(p12.toString(), null, password);
        assertThat(identity.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=device-2");
        assertThat(firstOutcome(new TlsSettings(identity, List.of(ca.certificate()))))
            .isEqualTo(new ChannelEvent.Joined("client"));

        java.nio.file.Files.writeString(password, "wrong\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClientIdentity.load(p12.toString(), null, password))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wrong password");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClientIdentity.load(dir.resolve("none.pem").toString(),
            null, null)).hasMessageContaining("does not exist");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClientIdentity.load("pkcs11:" + dir.resolve("p11.cfg"),
            null, null)).hasMessageContaining("SunPKCS11 configuration");
    }
}
