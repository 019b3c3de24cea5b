package dev.flint.shell.linux;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two network namespaces joined by a veth pair, each end with two IPv4 and two IPv6 addresses:
 * {@code a} has 10.201.0.1, 10.201.0.11, fd00:201::1, fd00:201::11; {@code b} the same ending in 2
 * and 12. The first of each family is the one the kernel picks as source by itself. Neighbours are permanent entries (fixed MACs), so no datagram waits on ARP or neighbour
 * discovery, and IPv6 addresses skip duplicate address detection. Names carry the process id, so
 * builds running side by side on one machine do not collide; the ends are created inside their
 * namespaces and vanish with them.
 */
final class NamespacePair implements AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    static final String A4 = "10.201.0.1";
    static final String A4_SECOND = "10.201.0.11";
    static final String B4 = "10.201.0.2";
    static final String B4_SECOND = "10.201.0.12";
    static final String A6 = "fd00:201::1";
    static final String A6_SECOND = "fd00:201::11";
    static final String B6 = "fd00:201::2";
    static final String B6_SECOND = "fd00:201::12";
    private static final String MAC_A = "02:00:00:00:02:0a";
    private static final String MAC_B = "02:00:00:00:02:0b";

    final String a;
    final String b;

    private NamespacePair(String a, String b) {
        this.a = a;
        this.b = b;
    }

    static NamespacePair create() throws IOException {
        String base = "flint-udp-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        NamespacePair pair = new NamespacePair(base + "-a", base + "-b");
        boolean done = false;
        try {
            run("ip", "netns", "add", pair.a);
            run("ip", "netns", "add", pair.b);
            run("ip", "-n", pair.a, "link", "add", "veth-a", "address", MAC_A, "type", "veth",
                "peer", "name", "veth-b", "address", MAC_B, "netns", pair.b);
            pair.configure(pair.a, "veth-a", MAC_B, List.of(A4, A4_SECOND), List.of(A6, A6_SECOND),
                List.of(B4, B4_SECOND), List.of(B6, B6_SECOND));
            pair.configure(pair.b, "veth-b", MAC_A, List.of(B4, B4_SECOND), List.of(B6, B6_SECOND),
                List.of(A4, A4_SECOND), List.of(A6, A6_SECOND));
            awaitUp(pair.a, "veth-a");
            awaitUp(pair.b, "veth-b");
            done = true;
            return pair;
        } finally {
            if (!done) {
                pair.close();
            }
        }
    }

    private void configure(String ns, String dev, String peerMac, List<String> v4, List<String> v6,
            List<String> peer4, List<String> peer6) throws IOException {
        run("ip", "-n", ns, "link", "set", "lo", "up");
        for (String address : v4) {
            run("ip", "-n", ns, "addr", "add", address + "/24", "dev", dev);
        }
        // The second IPv6 address is deprecated so the kernel's own source choice is the first,
        // as it is for IPv4 (the first address of a subnet is primary); both still receive and
        // can be named as a source.
        run("ip", "-n", ns, "addr", "add", v6.get(0) + "/64", "dev", dev, "nodad");
        run("ip", "-n", ns, "addr", "add", v6.get(1) + "/64", "dev", dev, "nodad", "preferred_lft", "0");
        run("ip", "-n", ns, "link", "set", dev, "up");
        List<String> peers = new ArrayList<>(peer4);
        peers.addAll(peer6);
        for (String peer : peers) {
            run("ip", "-n", ns, "neigh", "replace", peer, "lladdr", peerMac, "dev", dev, "nud", "permanent");
        }
    }

    /** Sets the MTU of {@code a}'s end of the cable. */
    void setMtuOfA(int mtu) throws IOException {
        run("ip", "-n", a, "link", "set", "veth-a", "mtu", Integer.toString(mtu));
    }

    <T> T inA(Callable<T> body) throws Exception {
        return NetworkNamespaceThreads.call(a, body);
    }

    <T> T inB(Callable<T> body) throws Exception {
        return NetworkNamespaceThreads.call(b, body);
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (String ns : List.of(a, b)) {
            try {
                if (java.nio.file.Files.exists(java.nio.file.Path.of("/run/netns", ns))) {
                    run("ip", "netns", "delete", ns);
                }
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Waits until {@code dev} in {@code ns} is operationally up. The kernel's link watch turns a new veth's carrier on,
     * and gives it its queueing discipline, on a work queue of its own, up to a second after both ends are up and
     * later on a loaded machine; until then every datagram sent is dropped without an error. A wait for the kernel,
     * with a deadline far beyond what it takes.
     */
    private static void awaitUp(String ns, String dev) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String link = "";
        while (System.nanoTime() < deadline) {
            link = run("ip", "-n", ns, "-o", "link", "show", "dev", dev);
            if (link.contains("state UP")) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + dev + " in " + ns, e);
            }
        }
        throw new IOException(dev + " in " + ns + " was not up 30 s after it was set up: " + link.strip());
    }

    private static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output.strip());
        }
        return output;
    }
}
