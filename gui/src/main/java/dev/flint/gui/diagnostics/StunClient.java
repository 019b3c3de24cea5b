package dev.flint.gui.diagnostics;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The few STUN (RFC 5389) and TURN (RFC 5766) transactions the connectivity check makes from an ordinary UDP
 * socket: a Binding request (optionally padded to test large datagrams), an authenticated Allocate with the
 * session's TURN credentials, and a Refresh with lifetime 0 that frees the allocation again. The GUI does not
 * depend on connlib, so this is a deliberately small codec of its own; every answer is read defensively.
 */
public final class StunClient {

    static final int MAGIC = 0x2112A442;
    static final int BINDING = 0x0001;
    static final int ALLOCATE = 0x0003;
    static final int REFRESH = 0x0004;
    static final int SUCCESS = 0x0100;
    static final int ERROR = 0x0110;
    static final int MAPPED_ADDRESS = 0x0001;
    static final int USERNAME = 0x0006;
    static final int MESSAGE_INTEGRITY = 0x0008;
    static final int ERROR_CODE = 0x0009;
    static final int LIFETIME = 0x000D;
    static final int REALM = 0x0014;
    static final int NONCE = 0x0015;
    static final int XOR_RELAYED_ADDRESS = 0x0016;
    static final int REQUESTED_TRANSPORT = 0x0019;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    /** Comprehension-optional and unassigned: a server must ignore it, so it only makes the datagram bigger. */
    static final int FILLER = 0x8FF0;

    private final DatagramSocket socket;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();

    /** @param socket an unconnected socket; the same one for every request, so NAT mappings can be compared */
    public StunClient(DatagramSocket socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** The answer to one request: the parsed response and how long it took, or why there was none. */
    public sealed interface Result {
        record Answered(Response response, Duration rtt) implements Result {
        }

        record NoAnswer(String why) implements Result {
        }
    }

    /** The attributes of a response the check reads. */
    public record Response(int type, Optional<InetSocketAddress> mapped, Optional<InetSocketAddress> relayed,
                           Optional<Integer> errorCode, Optional<String> errorReason, Optional<String> realm,
                           Optional<byte[]> nonce) {
        public boolean success() {
            return (type & 0x0110) == SUCCESS;
        }
    }

    /** A Binding request, padded to {@code size} bytes when that is more than the bare 20-byte header. */
    public Result binding(InetSocketAddress server, int size) {
        Message m = new Message(BINDING, random);
        if (size > 24) {
            m.attribute(FILLER, new byte[(size - 24) & ~3]);
        }
        return transact(server, m, 3);
    }

    /**
     * Tries a TURN allocation with the long-term credentials: the first request learns realm and nonce from
     * the 401, the second is signed. On success the allocation is freed at once (Refresh, lifetime 0).
     */
    public Result allocate(InetSocketAddress server, String username, String password) {
        Result first = transact(server, new Message(ALLOCATE, random).attribute(REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}), 2);
        if (!(first instanceof Result.Answered(Response r, Duration rtt)) || r.success()
                || r.errorCode().orElse(0) != 401 || r.realm().isEmpty() || r.nonce().isEmpty()) {
            return first;
        }
        byte[] key = longTermKey(username, r.realm().get(), password);
        Message signed = new Message(ALLOCATE, random).attribute(REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0});
        auth(signed, username, r.realm().get(), r.nonce().get(), key);
        Result second = transact(server, signed, 2);
        if (second instanceof Result.Answered(Response ok, Duration t) && ok.success()) {
            Message free = new Message(REFRESH, random).attribute(LIFETIME, new byte[4]);
            auth(free, username, r.realm().get(), r.nonce().get(), key);
            transact(server, free, 1);
        }
        return second;
    }

    private static void auth(Message m, String username, String realm, byte[] nonce, byte[] key) {
        m.attribute(USERNAME, username.getBytes(StandardCharsets.UTF_8));
        m.attribute(REALM, realm.getBytes(StandardCharsets.UTF_8));
        m.attribute(NONCE, nonce);
        m.integrity(key);
    }

    static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5").digest((username + ":" + realm + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }

    private Result transact(InetSocketAddress server, Message m, int attempts) {
        byte[] bytes = m.bytes();
        byte[] buffer = new byte[2048];
        long start = System.nanoTime();
        try {
            for (int attempt = 0; attempt < attempts; attempt++) {
                socket.send(new DatagramPacket(bytes, bytes.length, server));
                long deadline = System.nanoTime() + timeout.toNanos();
                while (true) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        break;
                    }
                    socket.setSoTimeout((int) Math.max(1, left));
                    DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(in);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    Optional<Response> r = parse(Arrays.copyOf(in.getData(), in.getLength()), m.transactionId);
                    if (r.isPresent()) {
                        return new Result.Answered(r.get(), Duration.ofNanos(System.nanoTime() - start));
                    }
                }
                start = System.nanoTime(); // the RTT of the attempt that was answered, not of the whole wait
            }
            return new Result.NoAnswer("no answer from " + address(server) + " after " + attempts
                    + (attempts == 1 ? " try" : " tries") + " of " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return new Result.NoAnswer("cannot send to " + address(server) + ": " + e.getMessage());
        }
    }

    /** The response to {@code transactionId}, or empty for anything else (another transaction, garbage). */
    static Optional<Response> parse(byte[] b, byte[] transactionId) {
        if (b.length < 20 || (b[0] & 0xC0) != 0) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        int type = buf.getShort() & 0xFFFF;
        int length = buf.getShort() & 0xFFFF;
        if (buf.getInt() != MAGIC || 20 + length > b.length
                || !Arrays.equals(b, 8, 20, transactionId, 0, 12)) {
            return Optional.empty();
        }
        InetSocketAddress mapped = null;
        InetSocketAddress xorMapped = null;
        InetSocketAddress relayed = null;
        Integer code = null;
        String reason = null;
        String realm = null;
        byte[] nonce = null;
        int pos = 20;
        while (pos + 4 <= 20 + length) {
            int at = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            int len = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            int value = pos + 4;
            if (value + len > 20 + length) {
                return Optional.empty();
            }
            switch (at) {
                case MAPPED_ADDRESS -> mapped = address(b, value, len, false, transactionId);
                case XOR_MAPPED_ADDRESS -> xorMapped = address(b, value, len, true, transactionId);
                case XOR_RELAYED_ADDRESS -> relayed = address(b, value, len, true, transactionId);
                case ERROR_CODE -> {
                    if (len >= 4) {
                        code = (b[value + 2] & 0x07) * 100 + (b[value + 3] & 0xFF);
                        reason = new String(b, value + 4, len - 4, StandardCharsets.UTF_8);
                    }
                }
                case REALM -> realm = new String(b, value, len, StandardCharsets.UTF_8);
                case NONCE -> nonce = Arrays.copyOfRange(b, value, value + len);
                default -> {
                }
            }
            pos = value + ((len + 3) & ~3);
        }
        return Optional.of(new Response(type, Optional.ofNullable(xorMapped != null ? xorMapped : mapped),
                Optional.ofNullable(relayed), Optional.ofNullable(code), Optional.ofNullable(reason),
                Optional.ofNullable(realm), Optional.ofNullable(nonce)));
    }

    private static InetSocketAddress address(byte[] b, int at, int len, boolean xor, byte[] transactionId) {
        if (len < 8) {
            return null;
        }
        int family = b[at + 1];
        int port = ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
        int size = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (size < 0 || len < 4 + size) {
            return null;
        }
        byte[] ip = Arrays.copyOfRange(b, at + 4, at + 4 + size);
        if (xor) {
            port ^= MAGIC >>> 16;
            byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC).put(transactionId).array();
            for (int i = 0; i < size; i++) {
                ip[i] ^= mask[i];
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (IOException e) {
            return null;
        }
    }

    static String address(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** A request being built: header, attributes, and MESSAGE-INTEGRITY computed over what precedes it. */
    static final class Message {
        final byte[] transactionId = new byte[12];
        private final int type;
        private final ByteBuffer body = ByteBuffer.allocate(2048);

        Message(int type, SecureRandom random) {
            this.type = type;
            random.nextBytes(transactionId);
        }

        Message attribute(int attributeType, byte[] value) {
            body.putShort((short) attributeType).putShort((short) value.length).put(value);
            for (int pad = (4 - value.length % 4) % 4; pad > 0; pad--) {
                body.put((byte) 0);
            }
            return this;
        }

        /** RFC 5389 §15.4: HMAC-SHA1 over the message with the length already counting the integrity attribute. */
        void integrity(byte[] key) {
            byte[] before = header(body.position() + 24);
            byte[] input = new byte[20 + body.position()];
            System.arraycopy(before, 0, input, 0, 20);
            System.arraycopy(body.array(), 0, input, 20, body.position());
            try {
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(new SecretKeySpec(key, "HmacSHA1"));
                attribute(MESSAGE_INTEGRITY, mac.doFinal(input));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
            }
        }

        private byte[] header(int length) {
            return ByteBuffer.allocate(20).putShort((short) type).putShort((short) length).putInt(MAGIC)
                    .put(transactionId).array();
        }

        byte[] bytes() {
            byte[] out = new byte[20 + body.position()];
            System.arraycopy(header(body.position()), 0, out, 0, 20);
            System.arraycopy(body.array(), 0, out, 20, body.position());
            return out;
        }
    }
}
