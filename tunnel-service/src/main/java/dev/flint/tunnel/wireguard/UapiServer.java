package dev.flint.tunnel.wireguard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link Uapi} on {@code /var/run/wireguard/<interface>.sock}, where {@code wg} looks for
 * userspace implementations. The socket is private to root (0600), like wireguard-go's.
 */
public final class UapiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UapiServer.class);
    public static final Path DIRECTORY = Path.of("/var/run/wireguard");

    private final Path path;
    private final ServerSocketChannel server;
    private final Uapi uapi;
    private final Thread acceptor;
    private volatile boolean open = true;

    private UapiServer(Path path, ServerSocketChannel server, Uapi uapi) {
        this.path = path;
        this.server = server;
        this.uapi = uapi;
        this.acceptor = Thread.ofPlatform().daemon().name("wg-uapi-" + path.getFileName()).start(this::acceptLoop);
    }

    public static UapiServer start(PlainWireGuard device) throws IOException {
        return start(device, DIRECTORY.resolve(device.interfaceName() + ".sock"));
    }

    static UapiServer start(PlainWireGuard device, Path path) throws IOException {
        Files.createDirectories(path.getParent(), PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwxr-xr-x")));
        if (Files.exists(path)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                throw new IOException(path + " is in use: another WireGuard implementation serves "
                    + device.interfaceName());
            } catch (IOException stale) {
                if (stale.getMessage() != null && stale.getMessage().contains("is in use")) {
                    throw stale;
                }
                Files.delete(path);
            }
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        return new UapiServer(path, server, new Uapi(device));
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (open) {
            try {
                SocketChannel client = server.accept();
                Thread.ofPlatform().daemon().name("wg-uapi-client").start(() -> serve(client));
            } catch (IOException e) {
                if (open) {
                    LOG.warn("userspace API socket {} failed: {}", path, e.getMessage());
                }
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client;
             BufferedReader in = new BufferedReader(new InputStreamReader(
                 Channels.newInputStream(client), StandardCharsets.UTF_8));
             OutputStream out = Channels.newOutputStream(client)) {
            String op;
            while ((op = in.readLine()) != null) {
                String reply;
                List<String> lines = new ArrayList<>();
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    lines.add(line);
                }
                switch (op) {
                    case "get=1" -> reply = uapi.get();
                    case "set=1" -> {
                        int errno;
                        try {
                            errno = uapi.set(lines);
                        } catch (Uapi.Refused r) {
                            LOG.warn("userspace API set refused: {}", r.getMessage());
                            errno = r.errno;
                        }
                        reply = "errno=" + errno + "\n\n";
                    }
                    default -> {
                        LOG.warn("userspace API: unknown operation '{}'", op);
                        return;
                    }
                }
                out.write(reply.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("userspace API client went away: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing is best effort; the file is removed below either way.
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", path, e.getMessage());
        }
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
