package dev.flint.ipc.transport.windows;

import com.sun.jna.platform.win32.WinNT;
import dev.flint.ipc.transport.DuplexStream;
import dev.flint.ipc.transport.PeerIdentity;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connected pipe instance (either end). The handle is opened for overlapped I/O because on a
 * synchronous handle Windows serialises all I/O, so a reader blocked in ReadFile would also block
 * every writer. {@link #close()} cancels pending I/O first, which wakes blocked threads.
 */
public final class NamedPipeStream implements DuplexStream {
    private static final PipeApi.Kernel32 K = PipeApi.Kernel32.INSTANCE;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final WinNT.HANDLE handle;
    private final PeerIdentity peer;
    private final OverlappedIo reading;
    private final OverlappedIo writing;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    NamedPipeStream(WinNT.HANDLE handle, PeerIdentity peer) throws IOException {
        this.handle = handle;
        this.peer = peer;
        this.reading = new OverlappedIo(handle, BUFFER_BYTES);
        this.writing = new OverlappedIo(handle, BUFFER_BYTES);
    }

    /** For checks on the pipe itself, such as its owner. */
    WinNT.HANDLE handle() {
        return handle;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        readLock.lock();
        try {
            return closed.get() ? -1 : reading.read(buffer, offset, length);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public void writeFully(byte[] bytes) throws IOException {
        writeLock.lock();
        try {
            int offset = 0;
            while (offset < bytes.length) {
                int n = closed.get() ? -1 : writing.write(bytes, offset, bytes.length - offset);
                if (n < 0) {
                    throw new IOException("Pipe closed");
                }
                offset += n;
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public PeerIdentity peer() {
        return peer;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        K.CancelIoEx(handle, null);
        readLock.lock();
        writeLock.lock();
        try {
            reading.close();
            writing.close();
            K.CloseHandle(handle);
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }
}
