package dev.flint.tunnel.service;

import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.ServiceMessage;
import dev.flint.ipc.frame.DecodeResult;
import dev.flint.ipc.frame.MessageCodec;
import dev.flint.ipc.transport.IpcConnection;
import dev.flint.ipc.transport.UnixSocket;
import java.nio.file.Path;

/**
 * A GUI stand-in run as its own process: connects to the service socket, asks to connect after
 * {@code Hello} (with the token given as the second argument, if any), and prints the type of every
 * message it receives, each resource of a resource list, and finally {@code eof}.
 */
public final class TestGui {
    private TestGui() {
    }

    public static void main(String[] args) throws Exception {
        MessageCodec<ServiceMessage> names = MessageCodec.serviceMessages();
        String token = args.length > 1 ? args[1] : "test-token";
        try (IpcConnection<ServiceMessage, GuiMessage> connection =
                     IpcConnection.guiSide(UnixSocket.connect(Path.of(args[0])))) {
            while (true) {
                DecodeResult<ServiceMessage> result = connection.receive();
                if (result instanceof DecodeResult.Decoded<ServiceMessage>(ServiceMessage message)) {
                    System.out.println("received " + names.typeName(message));
                    if (message instanceof ServiceMessage.ResourcesUpdated updated) {
                        updated.resources().forEach(r -> System.out.println("resource " + r.name() + " ("
                                + r.status().name().toLowerCase(java.util.Locale.ROOT) + ")"));
                    }
                    if (message instanceof ServiceMessage.Disconnected disconnected) {
                        System.out.println("reason " + disconnected.reason() + " sign-in "
                                + disconnected.requiresSignIn());
                    }
                    System.out.flush();
                    if (message instanceof ServiceMessage.Hello) {
                        connection.send(new GuiMessage.Connect(token, false));
                    }
                } else if (!(result instanceof DecodeResult.Rejected)) {
                    break;
                }
            }
        }
        System.out.println("eof");
        System.out.flush();
    }
}
