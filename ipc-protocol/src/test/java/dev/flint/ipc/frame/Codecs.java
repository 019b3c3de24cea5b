package dev.flint.ipc.frame;

import dev.flint.ipc.GuiMessage;
import dev.flint.ipc.InstanceMessage;
import dev.flint.ipc.ServiceMessage;
import java.util.List;

/** The codec of whichever family a message belongs to, for tests that walk all families at once. */
final class Codecs {
    private Codecs() {}

    static final List<MessageCodec<?>> ALL =
            List.of(MessageCodec.serviceMessages(), MessageCodec.guiMessages(), MessageCodec.instanceMessages());

    static byte[] encode(Object message) {
        return switch (message) {
            case ServiceMessage m -> MessageCodec.serviceMessages().encode(m);
            case GuiMessage m -> MessageCodec.guiMessages().encode(m);
            case InstanceMessage m -> MessageCodec.instanceMessages().encode(m);
            default -> throw new IllegalArgumentException(message.getClass() + " is not a message");
        };
    }

    static MessageCodec<?> codecOf(Class<?> recordClass) {
        return ALL.stream()
                .filter(codec -> codec.family().isAssignableFrom(recordClass))
                .findFirst()
                .orElseThrow();
    }

    static DecodeResult<?> decode(Class<?> recordClass, byte[] payload) {
        return codecOf(recordClass).decode(payload);
    }
}
