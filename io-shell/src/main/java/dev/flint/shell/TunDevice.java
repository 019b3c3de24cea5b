package dev.flint.shell;

import java.io.IOException;

/**
 * A layer-3 tunnel device: whole IP packets in and out, in batches, straight into and out of
 * off-heap {@link PacketBatch} slots. Chosen per OS at start-up.
 */
public interface TunDevice extends AutoCloseable {

    String name();

    int mtu();

    /**
     * Fills {@code batch} from slot 0 with the packets that are ready, waiting up to
     * {@code timeoutMillis} for the first. Returns the number read (also set as the batch count);
     * 0 after the timeout; -1 once the device is closed.
     */
    int read(PacketBatch batch, int timeoutMillis) throws IOException;

    /** Writes packets {@code 0..batch.count()-1}; a packet the kernel rejects is counted and skipped. */
    void write(PacketBatch batch) throws IOException;

    /** Writes one packet from slot {@code slot} of {@code batch}. */
    void write(PacketBatch batch, int slot) throws IOException;

    /**
     * A descriptor that polls readable when {@link #read} has packets, so one thread can wait on the device and a
     * socket together; -1 if the device cannot be polled that way (the shell then reads it on a thread of its own).
     */
    default int pollDescriptor() {
        return -1;
    }

    /** Whether packets already read from the kernel (a split super-packet) wait in the device: read before waiting. */
    default boolean hasBuffered() {
        return false;
    }

    @Override
    void close();
}
