package dev.flint.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flint.netns.Command;
import dev.flint.netns.NatType;
import dev.flint.netns.NetworkNamespace;
import dev.flint.devstack.topology.Role;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A connection moving between the relay and the direct path while a TCP download runs through the tunnel: the direct
 * path is blocked on the internet at first (data flows over the relay), then opens (the connection moves to it), then
 * dies (the NATs forget their mappings and the direct path is blocked again: back to the relay) and opens again. The
 * same WireGuard session carries on throughout, so the download never breaks.
 */
@Tag("privileged")
class PathChangeTest {
    private static final int DOWNLOAD = 64 * 1024 * 1024;
    /** The internet is a bridge: its ports' traffic is filtered in the bridge family, not in inet's forward hook. */
    private static final String BLOCK = """
        table bridge flint_block_direct {
          chain forward {
            type filter hook forward priority filter; policy accept;
            ip saddr 198.18.0.2 ip daddr 198.18.0.3 drop
            ip saddr 198.18.0.3 ip daddr 198.18.0.2 drop
            ip6 saddr 2001:db8:18::2 ip6 daddr 2001:db8:18::3 drop
            ip6 saddr 2001:db8:18::3 ip6 daddr 2001:db8:18::2 drop
          }
        }
        """;

    @Test
    void theConnectionMovesBetweenRelayAndDirectPathWithoutBreakingADownload() throws Exception {
        GatewayStack.assumeSupported();
        assumeTrue(Command.of("sh", "-c", "command -v conntrack").runAllowingFailure().ok(), "needs conntrack");
        try (GatewayStack stack = GatewayStack.up(NatType.PORT_RESTRICTED_CONE, NatType.PORT_RESTRICTED_CONE)) {
            NetworkNamespace internet = stack.namespace(Role.INTERNET);
            internet.nft(BLOCK);
            try (TunnelClient alice = new TunnelClient(stack.namespace(Role.CLIENT), stack.token("alice@flint.test"),
                     "paths", "tun-paths")) {
                AtomicBoolean slow = new AtomicBoolean(true);
                CompletableFuture<Long> download = CompletableFuture.supplyAsync(() -> download(stack, slow));
                awaitPath(stack, "relay", "the first connection, over the relay while the direct path is blocked");

                internet.exec("nft", "delete", "table", "bridge", "flint_block_direct");
                awaitPath(stack, "direct path", "the move to the direct path once it opened");

                internet.nft(BLOCK);
                stack.namespace(Role.CLIENT_NAT).exec("conntrack", "-F");
                stack.namespace(Role.GATEWAY_NAT).exec("conntrack", "-F");
                awaitPath(stack, "relay", "the fall-back to the relay after the direct path died");

                internet.exec("nft", "delete", "table", "bridge", "flint_block_direct");
                awaitPath(stack, "direct path", "the move back to the direct path once it worked again");

                slow.set(false);
                assertThat(download.get(GatewayStack.WAIT.toSeconds() * 4, TimeUnit.SECONDS))
                    .as("every byte of the download, through all four paths").isEqualTo(DOWNLOAD);
                assertThat(alice.stopped.get()).isNull();
                assertThat(stack.gateway().recentOutput()).doesNotContain("failed:");
            } finally {
                // For whoever reads a failure: every path the gateway reported.
                java.nio.file.Files.writeString(java.nio.file.Path.of("target", "PathChangeTest-gateway.log"),
                    stack.gateway().recentOutput());
            }
        }
    }

    private static void awaitPath(GatewayStack stack, String path, String what) throws InterruptedException {
        TunnelClient.await(what, () -> path.equals(stack.lastPath()));
    }

    /** Reads {@code /bytes} slowly while {@code slow} is set, so the one TCP connection spans every path change. */
    private static long download(GatewayStack stack, AtomicBoolean slow) {
        try {
            Socket socket = stack.namespace(Role.CLIENT).call(() -> {
                Socket s = new Socket();
                s.setReceiveBufferSize(64 * 1024);
                s.connect(new InetSocketAddress(InetAddress.ofLiteral("172.20.0.10"), 80),
                    (int) GatewayStack.WAIT.toMillis());
                return s;
            });
            try (socket) {
                socket.setSoTimeout((int) GatewayStack.WAIT.toMillis());
                OutputStream out = socket.getOutputStream();
                out.write(("GET /bytes?n=" + DOWNLOAD + " HTTP/1.0\r\nHost: 172.20.0.10\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[16 * 1024];
                long body = -1;
                StringBuilder head = new StringBuilder();
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    int start = 0;
                    if (body < 0) {
                        head.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                        int end = head.indexOf("\r\n\r\n");
                        if (end < 0) {
                            continue;
                        }
                        start = n - (head.length() - end - 4);
                        body = 0;
                    }
                    body += n - start;
                    if (slow.get()) {
                        TimeUnit.MILLISECONDS.sleep(20);
                    }
                }
                return body;
            }
        } catch (Exception e) {
            throw new AssertionError("the download through the tunnel broke: " + e, e);
        }
    }
}
