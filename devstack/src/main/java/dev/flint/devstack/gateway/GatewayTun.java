package dev.flint.devstack.gateway;

import dev.flint.shell.PacketBatch;
import dev.flint.shell.linux.LinuxTunDevice;
import dev.flint.shell.linux.RtNetlink;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The gateway's TUN device: MTU 1280, routes for the client tunnel ranges into it, the tunnel addresses the
 * portal assigns, one reader thread handing packets to the gateway, and writes of packets for the resource
 * network. The interface, its addresses and routes disappear when it is closed.
 */
final class GatewayTun implements AutoCloseable {
    static final int MTU = 1280;
    /** Where clients' tunnel addresses live: replies to them are routed into the TUN. */
    static final List<Route> CLIENT_RANGES = List.of(
        new Route(InetAddress.ofLiteral("100.64.0.0"), 10),
        new Route(InetAddress.ofLiteral("fd00:2021:1111::"), 107));
    private static final int BATCH = 64;

    record Route(InetAddress address, int prefixLength) {
    }

    private final LinuxTunDevice device;
    private final int index;
    private final PacketBatch readBatch = new PacketBatch(BATCH, MTU + 64);
    private final PacketBatch writeBatch = new PacketBatch(1, 65535);
    private final Set<InetAddress> addresses = new HashSet<>();
    private Thread reader;
    private volatile boolean running = true;

    private GatewayTun(LinuxTunDevice device, int index) {
        this.device = device;
        this.index = index;
    }

    /** Creates the device, brings it up and routes the client ranges into it. */
    static GatewayTun open(String name) throws IOException {
        LinuxTunDevice device = LinuxTunDevice.open(name, MTU, LinuxTunDevice.PacketIo.FFM);
        try (RtNetlink netlink = RtNetlink.open()) {
            int index = RtNetlink.linkIndex(device.name());
            netlink.setMtu(index, MTU);
            netlink.setLinkUp(index);
            for (Route r : CLIENT_RANGES) {
                netlink.addRoute(index, r.address(), r.prefixLength());
            }
            return new GatewayTun(device, index);
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    String name() {
        return device.name();
    }

    /** Adds the portal's tunnel addresses (host routes); addresses already there are left alone. */
    synchronized void assign(List<InetAddress> tunnelAddresses) throws IOException {
        try (RtNetlink netlink = RtNetlink.open()) {
            for (InetAddress a : tunnelAddresses) {
                if (addresses.add(a)) {
                    netlink.addAddress(index, a, a.getAddress().length * 8);
                }
            }
        }
    }

    /** Starts the reader thread; each read batch is handed over as copies. */
    void startReading(Consumer<List<byte[]>> packets) {
        reader = Thread.ofPlatform().name("tun-" + device.name()).daemon().start(() -> {
            while (running) {
                try {
                    int n = device.read(readBatch, 500);
                    if (n < 0) {
                        return;
                    }
                    List<byte[]> batch = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        ByteBuffer slot = readBatch.buffer(i);
                        byte[] copy = new byte[readBatch.length(i)];
                        slot.get(0, copy);
                        batch.add(copy);
                    }
                    if (!batch.isEmpty()) {
                        packets.accept(batch);
                    }
                } catch (IOException | RuntimeException e) {
                    if (running) {
                        System.err.println("gateway: reading " + device.name() + " failed: " + e.getMessage());
                    }
                }
            }
        });
    }

    /** Writes one packet towards the resource network. */
    synchronized void write(byte[] packet) throws IOException {
        writeBatch.clear();
        if (writeBatch.add(ByteBuffer.wrap(packet))) {
            device.write(writeBatch);
        }
    }

    @Override
    public void close() {
        running = false;
        device.close();
        if (reader != null) {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        readBatch.close();
        synchronized (this) {
            writeBatch.close();
        }
    }
}
