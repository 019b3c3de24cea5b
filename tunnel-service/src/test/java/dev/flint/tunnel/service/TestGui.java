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
 * {@code Hello}, and prints the type of every message it receives (then {@code eof}).
 */
public final class TestGui {
    private TestGui() {
    }

    public static void main(String[] args) throws Exception {
        MessageCodec<ServiceMessage> names = MessageCodec.serviceMessages();
        try (IpcConnection<ServiceMessage, GuiMessage> connection =
                     IpcConnection.guiSide(UnixSocket.connect(Path.of(args[0])))) {
            while (true) {
                DecodeResult<ServiceMessage> result = connection.receive();
                if (result instanceof DecodeResult.Decoded<ServiceMessage>(ServiceMessage message)) {
                    System.out.println("received " + names.typeName(message));
                    System.out.flush();
                    if (message instanceof ServiceMessage.Hello) {
                        connection.send(new GuiMessage.Connect("test-token", false));
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
