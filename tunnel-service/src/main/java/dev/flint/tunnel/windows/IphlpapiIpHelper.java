package dev.flint.tunnel.windows;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * {@link IpHelper} and {@link IpChangeNotifications} on {@code iphlpapi.dll} through JNA, the one
 * binding of that DLL. Each row is initialised by Windows, then
 * the fields Flint sets are written over it ({@link IpHelperRows}). The DLL is bound on first use,
 * so this class links on every OS. Not yet run on Windows.
 */
public final class IphlpapiIpHelper implements IpHelper, IpChangeNotifications {
    static final int NO_ERROR = 0;
    static final int ERROR_NOT_FOUND = 1168;
    static final int ERROR_OBJECT_ALREADY_EXISTS = 5010;

    interface Functions extends Library {
        void InitializeUnicastIpAddressEntry(Pointer row);

        int CreateUnicastIpAddressEntry(Pointer row);

        int DeleteUnicastIpAddressEntry(Pointer row);

        void InitializeIpForwardEntry(Pointer row);

        int CreateIpForwardEntry2(Pointer row);

        int DeleteIpForwardEntry2(Pointer row);

        void InitializeIpInterfaceEntry(Pointer row);

        int GetIpInterfaceEntry(Pointer row);

        int SetIpInterfaceEntry(Pointer row);

        int NotifyIpInterfaceChange(short family, ChangeCallback callback, Pointer context, byte initialNotification,
                                    PointerByReference handle);

        int NotifyRouteChange2(short family, ChangeCallback callback, Pointer context, byte initialNotification,
                               PointerByReference handle);

        int CancelMibChangeNotify2(Pointer handle);

        int ConvertInterfaceAliasToLuid(WString alias, LongByReference luid);
    }

    /** {@code PIPINTERFACE_CHANGE_CALLBACK} and {@code PIPFORWARD_CHANGE_CALLBACK}: context, row, notification type. */
    interface ChangeCallback extends Callback {
        void invoke(Pointer context, Pointer row, int notificationType);
    }

    /** {@code AF_UNSPEC}: both families. */
    private static final short AF_UNSPEC = 0;

    private static final class Dll {
        static final Functions INSTANCE = Native.load("iphlpapi", Functions.class);
    }

    @Override
    public void createUnicastAddress(UnicastAddress address) throws IOException {
        Memory row = new Memory(IpHelperRows.UNICAST_ROW_SIZE);
        Dll.INSTANCE.InitializeUnicastIpAddressEntry(row);
        write(row, IpHelperRows.UNICAST_ROW_SIZE, b -> IpHelperRows.unicastAddress(b, address));
        check(Dll.INSTANCE.CreateUnicastIpAddressEntry(row), ERROR_OBJECT_ALREADY_EXISTS, "add the address " + address.address());
    }

    @Override
    public void deleteUnicastAddress(UnicastAddress address) throws IOException {
        Memory row = new Memory(IpHelperRows.UNICAST_ROW_SIZE);
        Dll.INSTANCE.InitializeUnicastIpAddressEntry(row);
        write(row, IpHelperRows.UNICAST_ROW_SIZE, b -> IpHelperRows.unicastAddress(b, address));
        check(Dll.INSTANCE.DeleteUnicastIpAddressEntry(row), ERROR_NOT_FOUND, "remove the address " + address.address());
    }

    @Override
    public void createRoute(Route route) throws IOException {
        Memory row = new Memory(IpHelperRows.FORWARD_ROW_SIZE);
        Dll.INSTANCE.InitializeIpForwardEntry(row);
        write(row, IpHelperRows.FORWARD_ROW_SIZE, b -> IpHelperRows.route(b, route));
        check(Dll.INSTANCE.CreateIpForwardEntry2(row), ERROR_OBJECT_ALREADY_EXISTS, "add the route " + route.destination());
    }

    @Override
    public void deleteRoute(Route route) throws IOException {
        Memory row = new Memory(IpHelperRows.FORWARD_ROW_SIZE);
        Dll.INSTANCE.InitializeIpForwardEntry(row);
        write(row, IpHelperRows.FORWARD_ROW_SIZE, b -> IpHelperRows.route(b, route));
        check(Dll.INSTANCE.DeleteIpForwardEntry2(row), ERROR_NOT_FOUND, "remove the route " + route.destination());
    }

    @Override
    public void setInterface(InterfaceSettings settings) throws IOException {
        Memory row = new Memory(IpHelperRows.INTERFACE_ROW_SIZE);
        Dll.INSTANCE.InitializeIpInterfaceEntry(row);
        write(row, IpHelperRows.INTERFACE_ROW_SIZE, b -> IpHelperRows.interfaceKey(b, settings));
        check(Dll.INSTANCE.GetIpInterfaceEntry(row), -1, "read the " + settings.family() + " interface settings");
        write(row, IpHelperRows.INTERFACE_ROW_SIZE, b -> IpHelperRows.interfaceSettings(b, settings));
        check(Dll.INSTANCE.SetIpInterfaceEntry(row), -1, "set MTU " + settings.mtu() + " and metric "
                + settings.metric() + " for " + settings.family());
    }

    @Override
    public Subscription interfaceChanges(java.util.function.Consumer<Change> onChange) throws IOException {
        return subscribe("NotifyIpInterfaceChange", IpHelperRows.INTERFACE_LUID, onChange, true);
    }

    @Override
    public Subscription routeChanges(java.util.function.Consumer<Change> onChange) throws IOException {
        return subscribe("NotifyRouteChange2", IpHelperRows.FORWARD_LUID, onChange, false);
    }

    private Subscription subscribe(String call, int luidOffset, java.util.function.Consumer<Change> onChange,
                                   boolean interfaces) throws IOException {
        // Held by the subscription: Windows calls it until cancelled, so it must never be collected.
        ChangeCallback callback = (context, row, type) ->
                onChange.accept(new Change(row == null ? 0 : row.getLong(luidOffset), Kind.of(type)));
        PointerByReference handle = new PointerByReference();
        int result = interfaces
                ? Dll.INSTANCE.NotifyIpInterfaceChange(AF_UNSPEC, callback, null, (byte) 0, handle)
                : Dll.INSTANCE.NotifyRouteChange2(AF_UNSPEC, callback, null, (byte) 0, handle);
        check(result, -1, "register for network changes (" + call + ")");
        return new Subscription() {
            private final ChangeCallback held = callback;
            private boolean cancelled;

            @Override
            public synchronized void close() {
                if (!cancelled && held != null) {
                    cancelled = true;
                    Dll.INSTANCE.CancelMibChangeNotify2(handle.getValue());
                }
            }
        };
    }

    @Override
    public java.util.OptionalLong luidOf(String alias) {
        LongByReference luid = new LongByReference();
        return Dll.INSTANCE.ConvertInterfaceAliasToLuid(new WString(alias), luid) == NO_ERROR
                ? java.util.OptionalLong.of(luid.getValue()) : java.util.OptionalLong.empty();
    }

    private static void write(Memory row, int size, Consumer<ByteBuffer> fields) {
        ByteBuffer buffer = row.getByteBuffer(0, size).order(ByteOrder.LITTLE_ENDIAN);
        fields.accept(buffer);
    }

    private static void check(int result, int harmless, String what) throws IOException {
        if (result != NO_ERROR && result != harmless) {
            throw new IOException("cannot " + what + " (Windows error " + result + ")");
        }
    }
}
