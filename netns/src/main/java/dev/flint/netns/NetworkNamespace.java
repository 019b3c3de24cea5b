package dev.flint.netns;

import dev.flint.connlib.net.InetLiteral;
import dev.flint.connlib.net.IpPrefix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A named Linux network namespace ({@code ip netns}). Commands run inside it with {@code ip netns exec}, which also
 * bind-mounts {@code /etc/netns/<name>/resolv.conf} over {@code /etc/resolv.conf} for them. Create namespaces
 * through a {@link Topology} so they are deleted again.
 */
public final class NetworkNamespace {

    private static final Path NETNS_ETC = Path.of("/etc/netns");

    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /** Creates the namespace and brings its loopback up. */
    public static NetworkNamespace create(String name) {
        if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("bad namespace name: " + name);
        }
        Command.of("ip", "netns", "add", name).run();
        NetworkNamespace namespace = new NetworkNamespace(name);
        try {
            namespace.ip("link", "set", "lo", "up");
        } catch (RuntimeException e) {
            namespace.delete();
            throw e;
        }
        return namespace;
    }

    /** A handle on an existing namespace (for example one recorded in a state file); nothing is created. */
    public static NetworkNamespace existing(String name) {
        return new NetworkNamespace(name);
    }

    /** The names in {@code ip netns list}. */
    public static List<String> list() {
        return Command.of("ip", "netns", "list").run().lines()
            .map(line -> line.split("\\s+", 2)[0])
            .filter(s -> !s.isBlank())
            .toList();
    }

    public String name() {
        return name;
    }

    public boolean exists() {
        return Files.exists(Path.of("/run/netns", name));
    }

    /** {@code ip -n <ns> <args>}: iproute2 inside this namespace. */
    public String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(Arrays.asList(args));
        return Command.of(command).run();
    }

    /** A command that runs inside this namespace. */
    public Command command(String... args) {
        return Command.of(args).inNamespace(name);
    }

    /** Runs a command inside this namespace to completion and returns its stdout. */
    public String exec(String... args) {
        return command(args).run();
    }

    /**
     * Starts a long-running process inside the namespace. Its output goes to the log at debug and is kept (the last
     * lines) for error messages; {@link NamespaceProcess#close()} stops it.
     */
    public NamespaceProcess start(String label, List<String> command) {
        return NamespaceProcess.start(this, label, command, null);
    }

    /**
     * Starts a process that outlives this JVM (its own session, output appended to {@code logFile}), for
     * {@code flint devstack up}; stop it by pid with {@link NamespaceProcess#stop(long, Instant)}.
     */
    public NamespaceProcess startDetached(String label, List<String> command, Path logFile) {
        return NamespaceProcess.start(this, label, command, logFile);
    }

    /**
     * Runs {@code task} on a fresh platform thread that has entered this namespace, and returns its result.
     * Sockets created inside the task (a {@code DatagramSocket}, {@code DatagramChannel}, {@code SocketChannel}, a
     * bound {@code ServerSocket}, a Netty channel constructed there) belong to this namespace for their whole life
     * and may be used from any thread afterwards; connections opened later by other threads (an
     * {@code HttpClient}'s) do not. A {@code java.net.Socket} creates its descriptor on connect or bind, so connect
     * it inside the task. The same holds for TUN devices (opened and named inside the task, the interface appears
     * in this namespace) and netlink sockets.
     */
    public <T> T call(Callable<T> task) throws Exception {
        Path nsFile = Path.of("/run/netns", name);
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        // A new thread each time: the namespace switch dies with the thread and never leaks into a pool.
        Thread thread = Thread.ofPlatform().name("netns-" + name).start(() -> {
            try {
                NamespaceEntry.enter(nsFile);
                result.set(task.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        thread.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    /** A UDP socket bound to {@code address} in this namespace (port 0: any free port). */
    public DatagramSocket openUdpSocket(InetSocketAddress address) {
        try {
            return call(() -> new DatagramSocket(address));
        } catch (Exception e) {
            throw new IllegalStateException("cannot open a UDP socket on " + address + " in " + name, e);
        }
    }

    /** Writes {@code /etc/netns/<ns>/resolv.conf}, which processes started in this namespace see as theirs. */
    public void writeResolvConf(List<InetAddress> nameservers, List<String> searchDomains) {
        StringBuilder text = new StringBuilder("# written by flint devstack for namespace ").append(name).append('\n');
        if (!searchDomains.isEmpty()) {
            text.append("search ").append(String.join(" ", searchDomains)).append('\n');
        }
        for (InetAddress server : nameservers) {
            text.append("nameserver ").append(InetLiteral.format(server))
                .append('\n');
        }
        try {
            Path dir = NETNS_ETC.resolve(name);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("resolv.conf"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Turns this namespace into a router: IPv4 and IPv6 forwarding on. */
    public void enableForwarding() {
        exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
    }

    public void addAddress(String device, IpPrefix address) {
        if (address.isIpv6()) {
            // nodad: the address is usable at once instead of after duplicate address detection (~2 s).
            ip("-6", "addr", "add", address.toString(), "dev", device, "nodad");
        } else {
            ip("addr", "add", address.toString(), "dev", device);
        }
    }

    public void setUp(String device) {
        ip("link", "set", device, "up");
    }

    /** A route to {@code destination} through the gateway {@code via}. */
    public void addRoute(IpPrefix destination, InetAddress via) {
        ip(family(destination.address()), "route", "add", destination.network().toString(), "via",
            InetLiteral.format(via));
    }

    /** A route to {@code destination} directly on {@code device}. */
    public void addRoute(IpPrefix destination, String device) {
        ip(family(destination.address()), "route", "add", destination.network().toString(), "dev", device);
    }

    /** The default route (of {@code via}'s family) through {@code via}. */
    public void addDefaultRoute(InetAddress via) {
        ip(family(via), "route", "add", "default", "via",
            InetLiteral.format(via));
    }

    /** Loads an nftables ruleset (the text {@code nft -f} reads) into this namespace. */
    public void nft(String ruleset) {
        command("nft", "-f", "-").withStdin(ruleset).run();
    }

    /** The pids of every process that lives in this namespace ({@code ip netns pids}). */
    public List<Long> pids() {
        Command.Result result = Command.of("ip", "netns", "pids", name).runAllowingFailure();
        if (!result.ok()) {
            return List.of();
        }
        return result.stdout().lines().filter(s -> !s.isBlank()).map(s -> Long.parseLong(s.strip())).toList();
    }

    /** Whether something here listens on {@code port} (any address), per {@code ss}. */
    public boolean isListening(Transport transport, int port) {
        return listeningSockets(transport).stream().anyMatch(local -> local.endsWith(":" + port));
    }

    /** Whether something here listens on {@code address} exactly or on the wildcard address with its port. */
    public boolean isListening(Transport transport, InetSocketAddress address) {
        String host = InetLiteral.format(address.getAddress());
        String port = ":" + address.getPort();
        boolean v6 = address.getAddress() instanceof Inet6Address;
        List<String> accepted = v6 ? List.of("[" + host + "]" + port, "[::]" + port, "*" + port)
            // A Java server bound to an IPv4 address on a dual-stack socket shows as the mapped IPv6 address.
            : List.of(host + port, "[::ffff:" + host + "]" + port, "0.0.0.0" + port, "[::]" + port, "*" + port);
        return listeningSockets(transport).stream().anyMatch(accepted::contains);
    }

    /** The local addresses ({@code ss} notation) of listening sockets. */
    private List<String> listeningSockets(Transport transport) {
        String flag = transport == Transport.UDP ? "-Hlnu" : "-Hlnt";
        return command("ss", flag).runAllowingFailure().stdout().lines()
            .map(line -> line.trim().split("\\s+"))
            .filter(cols -> cols.length >= 4)
            .map(cols -> cols[3].replaceFirst("%[^\\]:]*", ""))
            .toList();
    }

    /** Waits (polling {@code ss}) until something listens on {@code port}; throws if it does not within {@code timeout}. */
    public void awaitListening(Transport transport, int port, Duration timeout, NamespaceProcess owner) {
        awaitListening(() -> isListening(transport, port), transport + " port " + port, timeout, owner);
    }

    /** Waits until something listens on {@code address} (or the wildcard with its port). */
    public void awaitListening(Transport transport, InetSocketAddress address, Duration timeout,
            NamespaceProcess owner) {
        String text = address.getAddress() instanceof Inet6Address
            ? "[" + InetLiteral.format(address.getAddress()) + "]:" + address.getPort()
            : address.getAddress().getHostAddress() + ":" + address.getPort();
        awaitListening(() -> isListening(transport, address), transport + " " + text, timeout, owner);
    }

    private void awaitListening(BooleanSupplier listening, String what, Duration timeout,
            NamespaceProcess owner) {
        Instant deadline = Instant.now().plus(timeout);
        while (!listening.getAsBoolean()) {
            if (owner != null && !owner.isAlive()) {
                throw new IllegalStateException(owner.label() + " exited (" + owner.exitCode() + ") before listening on "
                    + what + " in " + name + ":\n" + owner.recentOutput());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("nothing listens on " + what + " in " + name + " after " + timeout
                    + (owner == null ? "" : ":\n" + owner.recentOutput()));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** Transport of a listening socket. */
    public enum Transport { UDP, TCP }

    /**
     * Deletes the namespace: kills whatever still runs in it (a namespace with processes would outlive
     * {@code ip netns delete} and keep its interfaces), deletes it, and removes {@code /etc/netns/<ns>}. Missing
     * pieces are fine, so this is safe to repeat.
     */
    public void delete() {
        for (long pid : pids()) {
            NamespaceProcess.stop(pid, null);
        }
        if (exists()) {
            Command.Result result = Command.of("ip", "netns", "delete", name).runAllowingFailure();
            if (!result.ok() && exists()) {
                throw new CommandFailedException(List.of("ip", "netns", "delete", name), result.exitCode(),
                    result.stderr());
            }
        }
        new Created.Directory(NETNS_ETC.resolve(name)).remove();
    }

    /** The interface names in this namespace. */
    public List<String> links() {
        return Arrays.stream(ip("-o", "link", "show").split("\n"))
            .filter(line -> !line.isBlank())
            .map(line -> line.split(":\\s+", 3)[1].split("@", 2)[0])
            .collect(Collectors.toList());
    }

    private static String family(InetAddress address) {
        return address instanceof Inet6Address ? "-6" : "-4";
    }

    @Override
    public String toString() {
        return name;
    }
}
