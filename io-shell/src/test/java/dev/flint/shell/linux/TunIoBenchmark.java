package dev.flint.shell.linux;

import dev.flint.netns.NetworkNamespace;
import dev.flint.netns.Topology;
import dev.flint.shell.PacketBatch;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Packets per second through a TUN device in a network namespace, per-packet calls through JNA
 * versus the foreign function API. Not a test: run it as root (see BENCHMARKS.md for the command).
 *
 * <ul>
 *   <li>write: 1400-byte IPv4/UDP packets written into the TUN (the kernel routes and drops them);
 *   <li>read: a sender thread in the namespace floods 1400-byte datagrams routed into the TUN, the
 *       reader drains them in batches of 64 — reads per second counts packets the reader got.
 * </ul>
 */
public final class TunIoBenchmark {

    private TunIoBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (Topology net = Topology.create("wgb")) {
            NetworkNamespace ns = net.namespace("bench");
            InNamespace.call(ns, () -> {
                for (int round = 0; round < 2; round++) {
                    for (LinuxTunDevice.PacketIo io : LinuxTunDevice.PacketIo.values()) {
                        double w = writes(io, seconds);
                        double r = reads(io, seconds);
                        if (round == 1) {
                            System.out.printf("%-4s write %,10.0f packets/s   read %,10.0f packets/s%n", io, w, r);
                        }
                    }
                }
                return null;
            });
        }
    }

    static LinuxTunDevice up(LinuxTunDevice.PacketIo io) throws Exception {
        LinuxTunDevice tun = LinuxTunDevice.open("flb0", 1500, io);
        try (RtNetlink nl = RtNetlink.open()) {
            int index = RtNetlink.linkIndex("flb0");
            nl.addAddress(index, InetAddress.getByName("10.88.0.1"), 24);
            nl.setTxQueueLength(index, 10000);
            nl.setLinkUp(index);
        }
        return tun;
    }

    static double writes(LinuxTunDevice.PacketIo io, int seconds) throws Exception {
        try (LinuxTunDevice tun = up(io); PacketBatch batch = new PacketBatch(64, 2048)) {
            byte[] packet = new byte[1400];
            ByteBuffer p = ByteBuffer.wrap(packet);
            p.put(0, (byte) 0x45).putShort(2, (short) 1400).put(8, (byte) 64).put(9, (byte) 17);
            p.put(12, new byte[]{10, 88, 0, 1}).put(16, new byte[]{10, 88, 0, 9});
            p.putShort(20, (short) 4000).putShort(22, (short) 9).putShort(24, (short) 1380);
            for (int i = 0; i < 64; i++) {
                batch.add(ByteBuffer.wrap(packet));
            }
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long count = 0;
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                tun.write(batch);
                count += 64;
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    static double reads(LinuxTunDevice.PacketIo io, int seconds) throws Exception {
        try (LinuxTunDevice tun = up(io); PacketBatch batch = new PacketBatch(64, 2048)) {
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = Thread.ofPlatform().start(() -> {
                try (DatagramChannel ch = DatagramChannel.open()) {
                    ch.connect(new InetSocketAddress("10.88.0.9", 9));
                    ByteBuffer data = ByteBuffer.allocateDirect(1372);
                    while (sending.get()) {
                        data.clear();
                        ch.write(data);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long count = 0;
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                int n = tun.read(batch, 100);
                count += Math.max(n, 0);
            }
            double rate = count / ((System.nanoTime() - start) / 1e9);
            sending.set(false);
            sender.join();
            return rate;
        }
    }
}
