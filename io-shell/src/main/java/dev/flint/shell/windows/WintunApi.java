package dev.flint.shell.windows;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.UUID;

/**
 * The functions of {@code wintun.dll} (0.14) the tunnel device uses, one method per call, with the
 * handles typed and the packet pointers as sized {@link MemorySegment}s. {@link WintunDll} binds the
 * real DLL; tests drive {@link WintunTunDevice} with an in-memory ring instead.
 */
public interface WintunApi {

    /** {@code WINTUN_MIN_RING_CAPACITY} and {@code WINTUN_MAX_RING_CAPACITY}; capacities are powers of two. */
    int MIN_RING_CAPACITY = 0x20000;
    int MAX_RING_CAPACITY = 0x4000000;
    /** {@code WINTUN_MAX_IP_PACKET_SIZE}. */
    int MAX_IP_PACKET_SIZE = 0xFFFF;

    record Adapter(long handle) {}

    record Session(long handle) {}

    /** A Win32 event handle owned by the session; never closed by its user. */
    record Event(long handle) {}

    /** What {@code WintunReceivePacket} answered. */
    sealed interface Received {
        /** A packet in the ring; it must be handed back with {@link #releaseReceivePacket}. */
        record Packet(MemorySegment data) implements Received {}

        /** {@code ERROR_NO_MORE_ITEMS}: the ring is empty, wait on the read event. */
        record Empty() implements Received {}

        /** {@code ERROR_HANDLE_EOF}: the session has ended. */
        record Ended() implements Received {}

        /** Any other error, e.g. {@code ERROR_INVALID_DATA} for a corrupt ring. */
        record Failed(int error) implements Received {}
    }

    /** What {@code WintunAllocateSendPacket} answered. */
    sealed interface Allocated {
        /** Room in the ring, to be filled and passed to {@link #sendPacket}. */
        record Packet(MemorySegment data) implements Allocated {}

        /** {@code ERROR_BUFFER_OVERFLOW}: the ring is full. */
        record RingFull() implements Allocated {}

        /** {@code ERROR_HANDLE_EOF}: the session has ended. */
        record Ended() implements Allocated {}

        record Failed(int error) implements Allocated {}
    }

    /** The outcome of {@code WaitForSingleObject}. */
    enum Wait { SIGNALED, TIMED_OUT, FAILED }

    Adapter createAdapter(String name, String tunnelType, UUID requestedGuid) throws IOException;

    /** The adapter of this name if one exists. */
    Optional<Adapter> openAdapter(String name);

    /** Releases the handle; an adapter this process created is removed with it. */
    void closeAdapter(Adapter adapter);

    /** {@code WintunGetAdapterLUID}: the adapter's {@code NET_LUID}, for the IP Helper API. */
    long adapterLuid(Adapter adapter);

    /** Removes the driver when no adapter uses it any more; false if it is still in use. */
    boolean deleteDriver();

    Session startSession(Adapter adapter, int ringCapacity) throws IOException;

    void endSession(Session session);

    Event readWaitEvent(Session session);

    Received receivePacket(Session session);

    void releaseReceivePacket(Session session, MemorySegment packet);

    Allocated allocateSendPacket(Session session, int size);

    void sendPacket(Session session, MemorySegment packet);

    /** {@code WaitForSingleObject} on a session's event (kernel32). */
    Wait waitForSingleObject(Event event, int timeoutMillis);

    /** {@code SetEvent}: wakes a thread waiting on the event (kernel32). */
    void setEvent(Event event);
}
