package dev.flint.ipc.frame;

import dev.flint.ipc.ProtocolVersion;
import dev.flint.ipc.ServiceMessage;

/** Why one well-delimited frame was rejected. The frame is dropped; the stream stays usable. */
public sealed interface FrameProblem {

    /** A sentence for the log (never contains field values, which may be secrets). */
    String sentence();

    /** The reply the service sends to a GUI whose frame it rejected. */
    default ServiceMessage.ProtocolError toProtocolError() {
        return switch (this) {
            case UnknownType u -> new ServiceMessage.ProtocolError(u.type(), null, sentence());
            case BadField b -> new ServiceMessage.ProtocolError(b.type(), b.field(), sentence());
            case MalformedJson m -> new ServiceMessage.ProtocolError(null, null, sentence());
            case MissingType m -> new ServiceMessage.ProtocolError(null, "type", sentence());
            case VersionMismatch v -> new ServiceMessage.ProtocolError("hello", null, sentence());
        };
    }

    /** The payload is not a single JSON object. */
    record MalformedJson(String detail) implements FrameProblem {
        public String sentence() {
            return "Frame is not a JSON object: " + detail;
        }
    }

    /** The object has no string {@code "type"} field. */
    record MissingType() implements FrameProblem {
        public String sentence() {
            return "Frame has no string \"type\" field";
        }
    }

    /** {@code "type"} names no message of the expected family. */
    record UnknownType(String type) implements FrameProblem {
        public String sentence() {
            return "Unknown message type \"" + type + "\"";
        }
    }

    /** A field is missing, of the wrong JSON type, or has an unacceptable value. {@code field} is a path like {@code resources[2].sites[0].id}. */
    record BadField(String type, String field, String detail) implements FrameProblem {
        public String sentence() {
            return "Message \"" + type + "\" has a bad field \"" + field + "\": " + detail;
        }
    }

    /**
     * A {@code hello} that this side cannot decode, from a peer speaking another protocol version.
     * {@link #sentence()} is the text for the user.
     */
    record VersionMismatch(int peerProtocol, String peerVersion, String ownVersion) implements FrameProblem {
        public String sentence() {
            return ProtocolVersion.mismatch(peerProtocol, peerVersion, ownVersion)
                    .orElse("The Flint tunnel service sent a greeting this app cannot read, although both speak protocol "
                            + peerProtocol + ".");
        }
    }
}
