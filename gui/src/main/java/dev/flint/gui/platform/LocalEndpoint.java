package dev.flint.gui.platform;

import dev.flint.gui.settings.PrivateFiles;
import dev.flint.ipc.transport.DuplexStream;
import dev.flint.ipc.transport.PeerIdentity;
import dev.flint.ipc.transport.UnixSocket;
import dev.flint.ipc.transport.windows.NamedPipeClient;
import dev.flint.ipc.transport.windows.NamedPipeServer;
import dev.flint.ipc.transport.windows.PipeName;
import dev.flint.ipc.transport.windows.PipeSecurity;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A local endpoint the GUI talks over, by OS: a Unix socket on Linux and macOS, a named pipe on
 * Windows. The tunnel service's endpoint is connected to only; the single-instance endpoint is also
 * listened on by the first GUI of a user. Both ends are {@link DuplexStream}s, so the frames on top
 * are the same everywhere.
 */
public interface LocalEndpoint {

    /** A listening endpoint. */
    interface Listener extends AutoCloseable {
        DuplexStream accept() throws IOException;

        @Override
        void close();
    }

    DuplexStream connect() throws IOException;

    /** Listens; only the single-instance endpoint is ever listened on by the GUI. */
    Listener listen() throws IOException;

    /** The path or pipe name, for messages and logs. */
    String describe();

    /**
     * The tunnel service's Unix socket, or the GUI's own per-user one: a stale socket of a crashed
     * GUI is replaced (the caller holds the launch lock, so it is its own) and the new one is 0600.
     */
    static LocalEndpoint unixSocket(Path socket) {
        return new LocalEndpoint() {
            @Override
            public DuplexStream connect() throws IOException {
                return UnixSocket.connect(socket);
            }

            @Override
            public Listener listen() throws IOException {
                PrivateFiles.createPrivateDirectories(socket.getParent());
                Files.deleteIfExists(socket);
                ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                server.bind(UnixDomainSocketAddress.of(socket));
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
                return new Listener() {
                    @Override
                    public DuplexStream accept() throws IOException {
                        return new ChannelStream(server.accept());
                    }

                    @Override
                    public void close() {
                        try {
                            server.close();
                            Files.deleteIfExists(socket);
                        } catch (IOException ignored) {
                            // A socket file left behind is replaced by the next first instance.
                        }
                    }
                };
            }

            @Override
            public String describe() {
                return socket.toString();
            }
        };
    }

    /** The tunnel service's pipe: refused unless LocalSystem owns it (a squatter's pipe is not the service). */
    static LocalEndpoint servicePipe(PipeName name) {
        return new LocalEndpoint() {
            @Override
            public DuplexStream connect() throws IOException {
                return NamedPipeClient.connectToService(name);
            }

            @Override
            public Listener listen() {
                throw new UnsupportedOperationException("the tunnel service's pipe is the service's to create");
            }

            @Override
            public String describe() {
                return name.path();
            }
        };
    }

    /**
     * A user's own pipe (single instance on Windows): its name carries the user's SID, so each user
     * of the machine has one, and its DACL admits SYSTEM and that user only.
     */
    static LocalEndpoint userPipe(String userSid) {
        PipeName name = WindowsInstancePipe.name(userSid);
        PipeSecurity security = PipeSecurity.perUser(userSid);
        return new LocalEndpoint() {
            @Override
            public DuplexStream connect() throws IOException {
                return NamedPipeClient.connect(name);
            }

            @Override
            public Listener listen() throws IOException {
                NamedPipeServer server = NamedPipeServer.create(name, security);
                return new Listener() {
                    @Override
                    public DuplexStream accept() throws IOException {
                        return server.accept();
                    }

                    @Override
                    public void close() {
                        server.close();
                    }
                };
            }

            @Override
            public String describe() {
                return name.path();
            }
        };
    }

    /** The per-user pipe's name, {@code \\.\pipe\dev.flint.client_gui_<SID>.ipc}. */
    final class WindowsInstancePipe {
        private WindowsInstancePipe() {
        }

        public static PipeName name(String userSid) {
            PipeSecurity.perUser(userSid); // refuses anything that is not a SID before it becomes part of a name
            return PipeName.of(dev.flint.ipc.transport.IpcEndpoints.APP_ID + "_gui_" + userSid + ".ipc");
        }
    }

    /** A connected JDK socket channel as a {@link DuplexStream}. */
    final class ChannelStream implements DuplexStream {
        private final SocketChannel channel;

        public ChannelStream(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return channel.read(ByteBuffer.wrap(buffer, offset, length));
        }

        @Override
        public void writeFully(byte[] bytes) throws IOException {
            ByteBuffer out = ByteBuffer.wrap(bytes);
            while (out.hasRemaining()) {
                channel.write(out);
            }
        }

        @Override
        public PeerIdentity peer() {
            return new PeerIdentity.Unknown();
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing a channel we are done with.
            }
        }
    }
}
