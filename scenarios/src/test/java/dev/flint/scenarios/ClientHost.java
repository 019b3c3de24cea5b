package dev.flint.scenarios;

import dev.flint.connlib.dns.DnsCodec;
import dev.flint.connlib.dns.DnsMessage;
import dev.flint.connlib.dns.RData;
import dev.flint.connlib.dns.RecordType;
import dev.flint.devstack.topology.PseudoRandomBytes;
import dev.flint.netns.Command;
import dev.flint.netns.NetworkNamespace;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user of the client machine does, from inside the client namespace: {@code curl} and {@code getent} (the
 * system resolver, so names go through Flint's DNS stub as the OS sends them), DNS queries to the stub over UDP and
 * TCP, and downloads read by a socket here that hash what they get and note when bytes stopped coming.
 */
final class ClientHost {
    static final Duration WAIT = ScenarioStack.WAIT;

    private final NetworkNamespace ns;

    ClientHost(NetworkNamespace ns) {
        this.ns = ns;
    }

    NetworkNamespace namespace() {
        return ns;
    }

    /**
     * Runs {@code task} on a thread of its own. Not the common pool: on two cores it has one thread, so a slow
     * download there would keep every later command's output readers waiting until it ends.
     */
    static <T> java.util.concurrent.CompletableFuture<T> inBackground(java.util.function.Supplier<T> task) {
        return java.util.concurrent.CompletableFuture.supplyAsync(task, command -> Thread.ofVirtual().start(command));
    }

    /** {@code curl -sS} with {@code args}; curl's own limit keeps a hang from lasting beyond {@code maxTime}. */
    Command.Result curl(Duration maxTime, String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", Long.toString(maxTime.toSeconds())));
        command.addAll(List.of(args));
        return run(maxTime, command.toArray(String[]::new));
    }

    /**
     * Runs {@code command} in the namespace under coreutils' {@code timeout}, which ends it and its children (a
     * pipeline's too) when {@code limit} has passed, so nothing it started outlives the step.
     */
    Command.Result run(Duration limit, String... command) {
        List<String> args = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(), "timeout", "-k", "5",
            Long.toString(limit.toSeconds())));
        args.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(args).start();
            java.util.concurrent.CompletableFuture<String> out = inBackground(() -> read(process.getInputStream()));
            java.util.concurrent.CompletableFuture<String> err = inBackground(() -> read(process.getErrorStream()));
            if (!process.waitFor(limit.toSeconds() + 15, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("'" + String.join(" ", command) + "' outlived its " + limit.toSeconds()
                    + " s limit");
            }
            return new Command.Result(process.exitValue(), out.join(), err.join());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The body of {@code url} fetched with curl, failing with curl's own sentence. */
    String get(String url) {
        Command.Result r = curl(WAIT, "--fail", url);
        if (!r.ok()) {
            throw new AssertionError("curl " + url + " failed (exit " + r.exitCode() + "): " + r.stderr());
        }
        return r.stdout();
    }

    /** Polls {@code url} with short curls until one succeeds, up to the generous deadline. */
    void awaitReachable(String what, String url) {
        String[] last = {""};
        ScenarioStack.await(what, () -> {
            Command.Result r = curl(Duration.ofSeconds(5), "--fail", url);
            last[0] = "curl exit " + r.exitCode() + ": " + r.stderr();
            return r.ok();
        }, () -> last[0]);
    }

    /** What {@code getent ahostsv4 name} answers: the addresses the system resolver found. */
    List<InetAddress> resolve(String name) {
        Command.Result r = ns.command("getent", "ahostsv4", name).runAllowingFailure();
        List<InetAddress> out = new ArrayList<>();
        r.stdout().lines().map(l -> l.split("\\s+")[0]).distinct().map(InetAddress::ofLiteral).forEach(out::add);
        return out;
    }

    /** The first nameserver of the namespace's resolv.conf: Flint's IPv4 sentinel while it is connected. */
    InetAddress nameserver() throws Exception {
        Matcher m = Pattern.compile("(?m)^nameserver (\\S+)").matcher(
            Files.readString(Path.of("/etc/netns", ns.name(), "resolv.conf")));
        if (!m.find()) {
            throw new AssertionError("no nameserver in the client's resolv.conf");
        }
        return InetAddress.ofLiteral(m.group(1));
    }

    /** An A query over UDP to {@code server}:53; the answer's addresses (empty for NXDOMAIN or no records). */
    List<InetAddress> queryUdp(InetAddress server, String name) throws Exception {
        return addresses(ns.call(() -> {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
                byte[] query = DnsCodec.encode(DnsMessage.query(ThreadLocalRandom.current().nextInt(0x10000), name,
                    RecordType.A));
                socket.send(new DatagramPacket(query, query.length, server, 53));
                byte[] buffer = new byte[4096];
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                socket.receive(reply);
                return Arrays.copyOf(buffer, reply.getLength());
            }
        }));
    }

    /** An A query over TCP (two-byte length prefix, RFC 1035 §4.2.2) to {@code server}:53. */
    List<InetAddress> queryTcp(InetAddress server, String name) throws Exception {
        return addresses(ns.call(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(server, 53), (int) Duration.ofSeconds(10).toMillis());
                socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
                byte[] query = DnsCodec.encode(DnsMessage.query(ThreadLocalRandom.current().nextInt(0x10000), name,
                    RecordType.A));
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeShort(query.length);
                out.write(query);
                out.flush();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] answer = new byte[in.readUnsignedShort()];
                in.readFully(answer);
                return answer;
            }
        }));
    }

    private static List<InetAddress> addresses(byte[] answer) {
        if (!(DnsCodec.decode(answer) instanceof DnsCodec.DecodeResult.Decoded(DnsMessage message))) {
            throw new AssertionError("the DNS answer could not be decoded");
        }
        return message.answers().stream().filter(r -> r.data() instanceof RData.A)
            .map(r -> ((RData.A) r.data()).address()).map(a -> (InetAddress) a).toList();
    }

    /** What a download got: bytes, their SHA-256, the longest time no byte came, how long it took, what broke it. */
    record Download(long bytes, String sha256, Duration longestStall, Duration took, String failure) {
        boolean complete(long expected) {
            return failure == null && bytes == expected;
        }
    }

    /**
     * {@code GET /random?n=N&seed=S} from the web server at {@code address}:80 over a socket in the client namespace,
     * hashing the body as it comes. While {@code slow} says so it reads slowly (16 KiB every 20 ms, about 6 Mbit/s),
     * so the one TCP connection spans whatever the scenario does meanwhile. Never throws: a broken download is a
     * result with its failure.
     */
    Download download(InetAddress address, String host, long n, long seed, BooleanSupplier slow) {
        long started = System.nanoTime();
        long last = started;
        long stall = 0;
        long body = -1;
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
            Socket socket = ns.call(() -> {
                Socket s = new Socket();
                s.setReceiveBufferSize(256 * 1024);
                s.connect(new InetSocketAddress(address, 80), (int) WAIT.toMillis());
                return s;
            });
            try (socket) {
                socket.setSoTimeout((int) WAIT.toMillis());
                OutputStream out = socket.getOutputStream();
                out.write(("GET /random?n=" + n + "&seed=" + seed + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[16 * 1024];
                StringBuilder head = new StringBuilder();
                for (int r = in.read(buffer); r >= 0; r = in.read(buffer)) {
                    long now = System.nanoTime();
                    stall = Math.max(stall, now - last);
                    last = now;
                    int start = 0;
                    if (body < 0) {
                        head.append(new String(buffer, 0, r, StandardCharsets.ISO_8859_1));
                        int end = head.indexOf("\r\n\r\n");
                        if (end < 0) {
                            continue;
                        }
                        start = r - (head.length() - end - 4);
                        body = 0;
                    }
                    digest.update(buffer, start, r - start);
                    body += r - start;
                    if (slow.getAsBoolean()) {
                        Thread.sleep(20);
                    }
                }
            }
            return new Download(Math.max(body, 0), HexFormat.of().formatHex(digest.digest()), Duration.ofNanos(stall),
                Duration.ofNanos(System.nanoTime() - started), null);
        } catch (Exception e) {
            return new Download(Math.max(body, 0), "", Duration.ofNanos(stall),
                Duration.ofNanos(System.nanoTime() - started), e.toString());
        }
    }

    /** Checks a download against the server's stream: every byte there, the digest right. */
    static void assertIntact(String what, Download d, long n, long seed) {
        if (!d.complete(n)) {
            throw new AssertionError(what + ": got " + d.bytes() + " of " + n + " bytes"
                + (d.failure() == null ? "" : ", then " + d.failure()));
        }
        String expected = PseudoRandomBytes.sha256(seed, n);
        if (!d.sha256().equals(expected)) {
            throw new AssertionError(what + ": all " + n + " bytes came but their SHA-256 is " + d.sha256()
                + ", not " + expected);
        }
    }

    /** Downloads with curl into sha256sum and returns the digest curl's bytes had, or throws with curl's error. */
    String curlSha256(String url, Duration maxTime) {
        Command.Result r = run(maxTime, "bash", "-c", "set -o pipefail; curl -sS --fail --max-time "
            + maxTime.toSeconds() + " '" + url + "' | sha256sum");
        if (!r.ok()) {
            throw new AssertionError("curl " + url + " failed (exit " + r.exitCode() + "): " + r.stderr());
        }
        return r.stdout().split("\\s+")[0];
    }
}
