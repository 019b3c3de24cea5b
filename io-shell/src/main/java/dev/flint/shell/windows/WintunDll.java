package dev.flint.shell.windows;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@link WintunApi} on the real {@code wintun.dll}, loaded by absolute path (the installer puts it
 * beside {@code flint-tunnel.exe}), never through the DLL search order. Nothing is loaded until
 * {@link #load} is called, so this class compiles and links everywhere. Not yet run on Windows.
 */
public final class WintunDll implements WintunApi {
    static final int ERROR_HANDLE_EOF = 38;
    static final int ERROR_BUFFER_OVERFLOW = 111;
    static final int ERROR_NO_MORE_ITEMS = 259;
    /**
     * WireGuard LLC's signed builds (amd64, arm64) that the installer ships, as pinned in
     * {@code packaging/src/windows/wintun.sha256}: the service runs as LocalSystem and will not
     * load any other DLL under that name.
     */
    static final Set<String> PINNED_SHA256 = Set.of(
            "e5da8447dc2c320edc0fc52fa01885c103de8c118481f683643cacc3220dafce",
            "f7ba89005544be9d85231a9e0d5f23b2d15b3311667e2dad0debd344918a3f80");
    private static final int WAIT_OBJECT_0 = 0;
    private static final int WAIT_TIMEOUT = 0x102;

    /** The exported functions, as {@code wintun.h} declares them. */
    interface Functions extends Library {
        Pointer WintunCreateAdapter(WString name, WString tunnelType, byte[] requestedGuid);

        Pointer WintunOpenAdapter(WString name);

        void WintunCloseAdapter(Pointer adapter);

        boolean WintunDeleteDriver();

        void WintunGetAdapterLUID(Pointer adapter, LongByReference luid);

        Pointer WintunStartSession(Pointer adapter, int capacity);

        void WintunEndSession(Pointer session);

        Pointer WintunGetReadWaitEvent(Pointer session);

        Pointer WintunReceivePacket(Pointer session, IntByReference packetSize);

        void WintunReleaseReceivePacket(Pointer session, Pointer packet);

        Pointer WintunAllocateSendPacket(Pointer session, int packetSize);

        void WintunSendPacket(Pointer session, Pointer packet);
    }

    private final Functions dll;
    // One per thread: the receive path is single-threaded per device, but nothing here relies on it.
    private final ThreadLocal<IntByReference> size = ThreadLocal.withInitial(IntByReference::new);

    private WintunDll(Functions dll) {
        this.dll = dll;
    }

    /** Loads {@code dll} (an absolute path) if it is one of the pinned builds. */
    public static WintunDll load(Path dll) throws IOException {
        if (!dll.isAbsolute() || !Files.isRegularFile(dll)) {
            throw new IOException("wintun.dll is missing at " + dll + "; reinstall Flint");
        }
        String sha256 = sha256(dll);
        if (!PINNED_SHA256.contains(sha256)) {
            throw new IOException(dll + " is not the wintun.dll Flint ships (SHA-256 " + sha256 + "); reinstall Flint");
        }
        try {
            return new WintunDll(Native.load(dll.toString(), Functions.class));
        } catch (UnsatisfiedLinkError e) {
            throw new IOException("cannot load " + dll + ": " + e.getMessage());
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The DLL beside the running executable, where the MSI installs it. */
    public static Path besideExecutable() {
        return ProcessHandle.current().info().command().map(Path::of).map(Path::getParent)
                .orElse(Path.of(".").toAbsolutePath()).resolve("wintun.dll");
    }

    /** A {@code GUID} as it lies in memory: Data1 to Data3 little-endian, Data4 as written. */
    static byte[] guidBytes(UUID uuid) {
        long high = uuid.getMostSignificantBits();
        long low = uuid.getLeastSignificantBits();
        byte[] guid = new byte[16];
        int data1 = (int) (high >>> 32);
        short data2 = (short) (high >>> 16);
        short data3 = (short) high;
        for (int i = 0; i < 4; i++) {
            guid[i] = (byte) (data1 >>> (8 * i));
        }
        guid[4] = (byte) data2;
        guid[5] = (byte) (data2 >>> 8);
        guid[6] = (byte) data3;
        guid[7] = (byte) (data3 >>> 8);
        for (int i = 0; i < 8; i++) {
            guid[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return guid;
    }

    private static Pointer pointer(long handle) {
        return new Pointer(handle);
    }

    @Override
    public Adapter createAdapter(String name, String tunnelType, UUID requestedGuid) throws IOException {
        Pointer adapter = dll.WintunCreateAdapter(new WString(name), new WString(tunnelType), guidBytes(requestedGuid));
        if (adapter == null) {
            throw new IOException("cannot create the Wintun adapter " + name + " (Windows error " + Native.getLastError() + ")");
        }
        return new Adapter(Pointer.nativeValue(adapter));
    }

    @Override
    public Optional<Adapter> openAdapter(String name) {
        Pointer adapter = dll.WintunOpenAdapter(new WString(name));
        return adapter == null ? Optional.empty() : Optional.of(new Adapter(Pointer.nativeValue(adapter)));
    }

    @Override
    public void closeAdapter(Adapter adapter) {
        dll.WintunCloseAdapter(pointer(adapter.handle()));
    }

    @Override
    public long adapterLuid(Adapter adapter) {
        LongByReference luid = new LongByReference();
        dll.WintunGetAdapterLUID(pointer(adapter.handle()), luid);
        return luid.getValue();
    }

    @Override
    public boolean deleteDriver() {
        return dll.WintunDeleteDriver();
    }

    @Override
    public Session startSession(Adapter adapter, int ringCapacity) throws IOException {
        Pointer session = dll.WintunStartSession(pointer(adapter.handle()), ringCapacity);
        if (session == null) {
            throw new IOException("cannot start a Wintun session (Windows error " + Native.getLastError() + ")");
        }
        return new Session(Pointer.nativeValue(session));
    }

    @Override
    public void endSession(Session session) {
        dll.WintunEndSession(pointer(session.handle()));
    }

    @Override
    public Event readWaitEvent(Session session) {
        return new Event(Pointer.nativeValue(dll.WintunGetReadWaitEvent(pointer(session.handle()))));
    }

    @Override
    public Received receivePacket(Session session) {
        IntByReference packetSize = size.get();
        Pointer packet = dll.WintunReceivePacket(pointer(session.handle()), packetSize);
        if (packet == null) {
            int error = Native.getLastError();
            return switch (error) {
                case ERROR_NO_MORE_ITEMS -> new Received.Empty();
                case ERROR_HANDLE_EOF -> new Received.Ended();
                default -> new Received.Failed(error);
            };
        }
        return new Received.Packet(MemorySegment.ofAddress(Pointer.nativeValue(packet))
                .reinterpret(Integer.toUnsignedLong(packetSize.getValue())));
    }

    @Override
    public void releaseReceivePacket(Session session, MemorySegment packet) {
        dll.WintunReleaseReceivePacket(pointer(session.handle()), pointer(packet.address()));
    }

    @Override
    public Allocated allocateSendPacket(Session session, int packetSize) {
        Pointer packet = dll.WintunAllocateSendPacket(pointer(session.handle()), packetSize);
        if (packet == null) {
            int error = Native.getLastError();
            return switch (error) {
                case ERROR_BUFFER_OVERFLOW -> new Allocated.RingFull();
                case ERROR_HANDLE_EOF -> new Allocated.Ended();
                default -> new Allocated.Failed(error);
            };
        }
        return new Allocated.Packet(MemorySegment.ofAddress(Pointer.nativeValue(packet)).reinterpret(packetSize));
    }

    @Override
    public void sendPacket(Session session, MemorySegment packet) {
        dll.WintunSendPacket(pointer(session.handle()), pointer(packet.address()));
    }

    @Override
    public Wait waitForSingleObject(Event event, int timeoutMillis) {
        int result = Kernel32.INSTANCE.WaitForSingleObject(new WinNT.HANDLE(pointer(event.handle())), timeoutMillis);
        return switch (result) {
            case WAIT_OBJECT_0 -> Wait.SIGNALED;
            case WAIT_TIMEOUT -> Wait.TIMED_OUT;
            default -> Wait.FAILED;
        };
    }

    @Override
    public void setEvent(Event event) {
        Kernel32.INSTANCE.SetEvent(new WinNT.HANDLE(pointer(event.handle())));
    }
}
