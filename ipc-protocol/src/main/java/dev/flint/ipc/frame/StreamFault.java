package dev.flint.ipc.frame;

/**
 * Why the byte stream itself is broken. Frame boundaries are lost, so the only safe reaction is
 * to close the connection and log {@link #sentence()}.
 */
public sealed interface StreamFault {

    String sentence();

    /** The length prefix exceeds the frame limit. */
    record OversizeLength(long length, int maxBytes) implements StreamFault {
        public String sentence() {
            return "Frame length " + length + " exceeds the limit of " + maxBytes + " bytes";
        }
    }

    /** The length prefix has its top bit set (garbage, or a peer that is not speaking this protocol). */
    record NegativeLength(int length) implements StreamFault {
        public String sentence() {
            return "Frame length prefix 0x" + Integer.toHexString(length) + " is negative";
        }
    }

    /** The stream ended inside a frame (in its length prefix when {@code inHeader}). */
    record Truncated(long expectedBytes, long receivedBytes, boolean inHeader) implements StreamFault {
        public String sentence() {
            return "Stream ended inside a frame " + (inHeader ? "length prefix" : "payload") + " after "
                    + receivedBytes + " of " + expectedBytes + " bytes";
        }
    }
}
