package dev.flint.tunnel.windows;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * {@link IpHelper} on {@code iphlpapi.dll} through JNA. Each row is initialised by Windows, then
 * the fields Flint sets are written over it ({@link IpHelperRows}). The DLL is bound on first use,
 * so this class links on every OS. Not yet run on Windows.
 */
public final class IphlpapiIpHelper implements IpHelper {
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
    }

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
