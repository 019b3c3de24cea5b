package dev.flint.connlib.stun;

import dev.flint.connlib.stun.StunAttribute.*;
import dev.flint.connlib.stun.StunDecodeResult.Invalid;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and decodes STUN messages (RFC 8489). Decoding never throws: anything malformed comes
 * back as {@link Invalid} naming the offending field.
 */
public final class StunCodec {
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_LENGTH = 20;
    private static final int FINGERPRINT_XOR = 0x5354554e;
    private static final int MAX_USERNAME = 513;
    private static final int MAX_TEXT = 763;

    private StunCodec() {
    }

    /**
     * The cheap test used to demultiplex a datagram: message type's top two bits zero, the magic
     * cookie, and a length field that matches the datagram exactly.
     */
    public static boolean looksLikeStun(byte[] b, int off, int len) {
        if (len < HEADER_LENGTH || off < 0 || off + len > b.length) {
            return false;
        }
        return (b[off] & 0xC0) == 0 && u32(b, off + 4) == MAGIC_COOKIE && u16(b, off + 2) + HEADER_LENGTH == len;
    }

    public static StunDecodeResult decode(byte[] b) {
        return decode(b, 0, b.length);
    }

    public static StunDecodeResult decode(byte[] data, int off, int len) {
        if (data == null || off < 0 || len < 0 || off + len > data.length) {
            return new Invalid("datagram", "bounds outside the buffer");
        }
        if (len < HEADER_LENGTH) {
            return new Invalid("header", "shorter than 20 bytes");
        }
        byte[] b = Arrays.copyOfRange(data, off, off + len);
        int type = u16(b, 0);
        if ((type & 0xC000) != 0) {
            return new Invalid("message type", "top two bits not zero");
        }
        int length = u16(b, 2);
        if (u32(b, 4) != MAGIC_COOKIE) {
            return new Invalid("magic cookie", "not 0x2112A442");
        }
        if ((length & 3) != 0) {
            return new Invalid("message length", "not a multiple of 4");
        }
        if (length + HEADER_LENGTH != len) {
            return new Invalid("message length", "says " + length + " but " + (len - HEADER_LENGTH) + " bytes follow");
        }
        int method = (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
        int classBits = ((type & 0x0010) >> 4) | ((type & 0x0100) >> 7);
        TransactionId id = new TransactionId(Arrays.copyOfRange(b, 8, 20));

        List<StunAttribute> attributes = new ArrayList<>();
        int pos = HEADER_LENGTH;
        int integrityOffset = -1;
        boolean sawFingerprint = false;
        while (pos < len) {
            if (pos + 4 > len) {
                return new Invalid("attribute header", "truncated at offset " + pos);
            }
            int attrType = u16(b, pos);
            int attrLen = u16(b, pos + 2);
            int valueStart = pos + 4;
            int padded = (attrLen + 3) & ~3;
            if (valueStart + padded > len) {
                return new Invalid(attributeName(attrType), "length " + attrLen + " runs past the message");
            }
            if (sawFingerprint) {
                return new Invalid("FINGERPRINT", "is not the last attribute");
            }
            if (attrType == StunAttribute.FINGERPRINT) {
                if (attrLen != 4) {
                    return new Invalid("FINGERPRINT", "length must be 4");
                }
                int expected = fingerprint(b, pos);
                if (u32(b, valueStart) != expected) {
                    return new Invalid("FINGERPRINT", "CRC32 does not match");
                }
                attributes.add(new Fingerprint(expected));
                sawFingerprint = true;
            } else if (integrityOffset >= 0) {
                // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored.
            } else {
                Object decoded = decodeAttribute(attrType, b, valueStart, attrLen, id);
                if (decoded instanceof Invalid invalid) {
                    return invalid;
                }
                if (attrType == StunAttribute.MESSAGE_INTEGRITY) {
                    integrityOffset = pos;
                }
                attributes.add((StunAttribute) decoded);
            }
            pos = valueStart + padded;
        }
        StunMessage message = new StunMessage(StunClass.of(classBits), method, id, attributes);
        return new ReceivedStun(message, b, integrityOffset);
    }

    private static Object decodeAttribute(int type, byte[] b, int at, int len, TransactionId id) {
        String name = attributeName(type);
        return switch (type) {
            case StunAttribute.MAPPED_ADDRESS, StunAttribute.ALTERNATE_SERVER -> {
                Object a = address(name, b, at, len, null);
                if (a instanceof Invalid) {
                    yield a;
                }
                InetSocketAddress s = (InetSocketAddress) a;
                yield type == StunAttribute.MAPPED_ADDRESS ? new MappedAddress(s) : new AlternateServer(s);
            }
            case StunAttribute.XOR_MAPPED_ADDRESS, StunAttribute.XOR_PEER_ADDRESS, StunAttribute.XOR_RELAYED_ADDRESS -> {
                Object a = address(name, b, at, len, id);
                if (a instanceof Invalid) {
                    yield a;
                }
                InetSocketAddress s = (InetSocketAddress) a;
                yield switch (type) {
                    case StunAttribute.XOR_MAPPED_ADDRESS -> new XorMappedAddress(s);
                    case StunAttribute.XOR_PEER_ADDRESS -> new XorPeerAddress(s);
                    default -> new XorRelayedAddress(s);
                };
            }
            case StunAttribute.USERNAME -> len > MAX_USERNAME ? new Invalid(name, "longer than 513 bytes")
                    : new Username(text(b, at, len));
            case StunAttribute.REALM, StunAttribute.NONCE, StunAttribute.SOFTWARE -> {
                if (len > MAX_TEXT) {
                    yield new Invalid(name, "longer than 763 bytes");
                }
                String t = text(b, at, len);
                yield switch (type) {
                    case StunAttribute.REALM -> new Realm(t);
                    case StunAttribute.NONCE -> new Nonce(t);
                    default -> new Software(t);
                };
            }
            case StunAttribute.MESSAGE_INTEGRITY -> len != 20 ? new Invalid(name, "length must be 20")
                    : new MessageIntegrity(Arrays.copyOfRange(b, at, at + 20));
            case StunAttribute.ERROR_CODE -> {
                if (len < 4) {
                    yield new Invalid(name, "shorter than 4 bytes");
                }
                int cls = b[at + 2] & 0x07;
                int number = b[at + 3] & 0xFF;
                if (cls < 3 || cls > 6 || number > 99) {
                    yield new Invalid(name, "class " + cls + " number " + number + " out of range");
                }
                yield new ErrorCode(cls * 100 + number, text(b, at + 4, len - 4));
            }
            case StunAttribute.UNKNOWN_ATTRIBUTES -> {
                if ((len & 1) != 0) {
                    yield new Invalid(name, "odd length");
                }
                List<Integer> types = new ArrayList<>();
                for (int i = 0; i < len; i += 2) {
                    types.add(u16(b, at + i));
                }
                yield new UnknownAttributes(types);
            }
            case StunAttribute.CHANNEL_NUMBER -> len != 4 ? new Invalid(name, "length must be 4")
                    : new ChannelNumber(u16(b, at));
            case StunAttribute.LIFETIME -> len != 4 ? new Invalid(name, "length must be 4")
                    : new Lifetime(u32(b, at) & 0xFFFFFFFFL);
            case StunAttribute.DATA -> new Data(Arrays.copyOfRange(b, at, at + len));
            case StunAttribute.REQUESTED_TRANSPORT -> len != 4 ? new Invalid(name, "length must be 4")
                    : new RequestedTransport(b[at] & 0xFF);
            case StunAttribute.REQUESTED_ADDRESS_FAMILY, StunAttribute.ADDITIONAL_ADDRESS_FAMILY -> {
                if (len != 4) {
                    yield new Invalid(name, "length must be 4");
                }
                AddressFamily f = AddressFamily.ofCode(b[at] & 0xFF);
                if (f == null) {
                    yield new Invalid(name, "unknown family " + (b[at] & 0xFF));
                }
                yield type == StunAttribute.REQUESTED_ADDRESS_FAMILY ? new RequestedAddressFamily(f)
                        : new AdditionalAddressFamily(f);
            }
            case StunAttribute.DONT_FRAGMENT -> len != 0 ? new Invalid(name, "must be empty") : new DontFragment();
            case StunAttribute.PRIORITY -> len != 4 ? new Invalid(name, "length must be 4")
                    : new Priority(u32(b, at) & 0xFFFFFFFFL);
            case StunAttribute.USE_CANDIDATE -> len != 0 ? new Invalid(name, "must be empty") : new UseCandidate();
            case StunAttribute.ICE_CONTROLLING -> len != 8 ? new Invalid(name, "length must be 8")
                    : new IceControlling(u64(b, at));
            case StunAttribute.ICE_CONTROLLED -> len != 8 ? new Invalid(name, "length must be 8")
                    : new IceControlled(u64(b, at));
            default -> new Unknown(type, Arrays.copyOfRange(b, at, at + len));
        };
    }

    private static Object address(String name, byte[] b, int at, int len, TransactionId xorWith) {
        if (len < 4) {
            return new Invalid(name, "shorter than 4 bytes");
        }
        AddressFamily family = AddressFamily.ofCode(b[at + 1] & 0xFF);
        if (family == null) {
            return new Invalid(name, "unknown address family " + (b[at + 1] & 0xFF));
        }
        int addrLen = family == AddressFamily.IPV4 ? 4 : 16;
        if (len != 4 + addrLen) {
            return new Invalid(name, "length " + len + " does not fit " + family);
        }
        int port = u16(b, at + 2);
        byte[] addr = Arrays.copyOfRange(b, at + 4, at + 4 + addrLen);
        if (xorWith != null) {
            port ^= MAGIC_COOKIE >>> 16;
            xor(addr, xorWith);
        }
        return new InetSocketAddress(inetAddress(addr), port);
    }

    private static void xor(byte[] addr, TransactionId id) {
        for (int i = 0; i < addr.length; i++) {
            int mask = i < 4 ? (MAGIC_COOKIE >>> (24 - 8 * i)) & 0xFF : id.byteAt(i - 4) & 0xFF;
            addr[i] ^= (byte) mask;
        }
    }

    private static InetAddress inetAddress(byte[] addr) {
        try {
            return InetAddress.getByAddress(addr);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    /** Encodes without MESSAGE-INTEGRITY or FINGERPRINT. */
    public static byte[] encode(StunMessage message) {
        return encode(message, null, false);
    }

    /**
     * Encodes {@code message}, then appends MESSAGE-INTEGRITY under {@code key} (when not null)
     * and FINGERPRINT (when asked). Attributes of those two kinds in the message are skipped.
     */
    public static byte[] encode(StunMessage message, IntegrityKey key, boolean fingerprint) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        int m = message.method();
        int c = message.messageClass().bits();
        int type = (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7);
        put16(out, type);
        put16(out, 0);
        put32(out, MAGIC_COOKIE);
        out.writeBytes(message.transactionId().bytes());
        for (StunAttribute a : message.attributes()) {
            if (a instanceof MessageIntegrity || a instanceof Fingerprint) {
                continue;
            }
            byte[] value = value(a, message.transactionId());
            put16(out, a.type());
            put16(out, value.length);
            out.writeBytes(value);
            out.writeBytes(new byte[((value.length + 3) & ~3) - value.length]);
        }
        byte[] b = out.toByteArray();
        if (key != null) {
            int at = b.length;
            b = Arrays.copyOf(b, at + 24);
            setLength(b, b.length);
            set16(b, at, StunAttribute.MESSAGE_INTEGRITY);
            set16(b, at + 2, 20);
            System.arraycopy(hmac(key, b, at), 0, b, at + 4, 20);
        }
        if (fingerprint) {
            int at = b.length;
            b = Arrays.copyOf(b, at + 8);
            setLength(b, b.length);
            set16(b, at, StunAttribute.FINGERPRINT);
            set16(b, at + 2, 4);
            set32(b, at + 4, fingerprint(b, at));
        }
        setLength(b, b.length);
        return b;
    }

    private static byte[] value(StunAttribute a, TransactionId id) {
        return switch (a) {
            case MappedAddress(var s) -> addressValue(s, null);
            case AlternateServer(var s) -> addressValue(s, null);
            case XorMappedAddress(var s) -> addressValue(s, id);
            case XorPeerAddress(var s) -> addressValue(s, id);
            case XorRelayedAddress(var s) -> addressValue(s, id);
            case Username(var v) -> v.getBytes(StandardCharsets.UTF_8);
            case Realm(var v) -> v.getBytes(StandardCharsets.UTF_8);
            case Nonce(var v) -> v.getBytes(StandardCharsets.UTF_8);
            case Software(var v) -> v.getBytes(StandardCharsets.UTF_8);
            case ErrorCode(var code, var reason) -> {
                byte[] r = reason.getBytes(StandardCharsets.UTF_8);
                byte[] v = new byte[4 + r.length];
                v[2] = (byte) (code / 100);
                v[3] = (byte) (code % 100);
                System.arraycopy(r, 0, v, 4, r.length);
                yield v;
            }
            case UnknownAttributes(var types) -> {
                byte[] v = new byte[types.size() * 2];
                for (int i = 0; i < types.size(); i++) {
                    set16(v, 2 * i, types.get(i));
                }
                yield v;
            }
            case ChannelNumber(var n) -> new byte[] {(byte) (n >> 8), (byte) n, 0, 0};
            case Lifetime(var s) -> int32((int) s);
            case Data(var v) -> v;
            case RequestedTransport(var p) -> new byte[] {(byte) p, 0, 0, 0};
            case RequestedAddressFamily(var f) -> new byte[] {(byte) f.code(), 0, 0, 0};
            case AdditionalAddressFamily(var f) -> new byte[] {(byte) f.code(), 0, 0, 0};
            case DontFragment() -> new byte[0];
            case Priority(var p) -> int32((int) p);
            case UseCandidate() -> new byte[0];
            case IceControlling(var t) -> int64(t);
            case IceControlled(var t) -> int64(t);
            case MessageIntegrity(var h) -> h;
            case Fingerprint(var crc) -> int32(crc);
            case Unknown(var t, var v) -> v;
        };
    }

    private static byte[] addressValue(InetSocketAddress s, TransactionId xorWith) {
        byte[] addr = s.getAddress().getAddress();
        byte[] v = new byte[4 + addr.length];
        v[1] = (byte) (s.getAddress() instanceof Inet4Address ? 0x01 : 0x02);
        int port = s.getPort();
        if (xorWith != null) {
            port ^= MAGIC_COOKIE >>> 16;
            xor(addr, xorWith);
        }
        set16(v, 2, port);
        System.arraycopy(addr, 0, v, 4, addr.length);
        return v;
    }

    /** HMAC-SHA1 over the message up to {@code integrityAt}, with the length field covering MI. */
    static byte[] hmac(IntegrityKey key, byte[] message, int integrityAt) {
        byte[] input = Arrays.copyOf(message, integrityAt);
        setLength(input, integrityAt + 24);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            // An empty HMAC key equals a block of zeros (RFC 2104); SecretKeySpec refuses empty keys.
            byte[] k = key.raw().length == 0 ? new byte[64] : key.raw();
            mac.init(new SecretKeySpec(k, "HmacSHA1"));
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required by every JDK", e);
        }
    }

    /** CRC-32 of the message up to {@code fingerprintAt}, with the length field covering FINGERPRINT. */
    private static int fingerprint(byte[] message, int fingerprintAt) {
        byte[] input = Arrays.copyOf(message, fingerprintAt);
        setLength(input, fingerprintAt + 8);
        CRC32 crc = new CRC32();
        crc.update(input);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    static String attributeName(int type) {
        return switch (type) {
            case StunAttribute.MAPPED_ADDRESS -> "MAPPED-ADDRESS";
            case StunAttribute.USERNAME -> "USERNAME";
            case StunAttribute.MESSAGE_INTEGRITY -> "MESSAGE-INTEGRITY";
            case StunAttribute.ERROR_CODE -> "ERROR-CODE";
            case StunAttribute.UNKNOWN_ATTRIBUTES -> "UNKNOWN-ATTRIBUTES";
            case StunAttribute.CHANNEL_NUMBER -> "CHANNEL-NUMBER";
            case StunAttribute.LIFETIME -> "LIFETIME";
            case StunAttribute.XOR_PEER_ADDRESS -> "XOR-PEER-ADDRESS";
            case StunAttribute.DATA -> "DATA";
            case StunAttribute.REALM -> "REALM";
            case StunAttribute.NONCE -> "NONCE";
            case StunAttribute.XOR_RELAYED_ADDRESS -> "XOR-RELAYED-ADDRESS";
            case StunAttribute.REQUESTED_ADDRESS_FAMILY -> "REQUESTED-ADDRESS-FAMILY";
            case StunAttribute.REQUESTED_TRANSPORT -> "REQUESTED-TRANSPORT";
            case StunAttribute.DONT_FRAGMENT -> "DONT-FRAGMENT";
            case StunAttribute.XOR_MAPPED_ADDRESS -> "XOR-MAPPED-ADDRESS";
            case StunAttribute.PRIORITY -> "PRIORITY";
            case StunAttribute.USE_CANDIDATE -> "USE-CANDIDATE";
            case StunAttribute.ADDITIONAL_ADDRESS_FAMILY -> "ADDITIONAL-ADDRESS-FAMILY";
            case StunAttribute.SOFTWARE -> "SOFTWARE";
            case StunAttribute.ALTERNATE_SERVER -> "ALTERNATE-SERVER";
            case StunAttribute.FINGERPRINT -> "FINGERPRINT";
            case StunAttribute.ICE_CONTROLLED -> "ICE-CONTROLLED";
            case StunAttribute.ICE_CONTROLLING -> "ICE-CONTROLLING";
            default -> String.format("attribute 0x%04x", type);
        };
    }

    private static String text(byte[] b, int at, int len) {
        return new String(b, at, len, StandardCharsets.UTF_8);
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static int u32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static long u64(byte[] b, int at) {
        return ((long) u32(b, at) << 32) | (u32(b, at + 4) & 0xFFFFFFFFL);
    }

    private static void setLength(byte[] b, int total) {
        set16(b, 2, total - HEADER_LENGTH);
    }

    private static void set16(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 8);
        b[at + 1] = (byte) v;
    }

    private static void set32(byte[] b, int at, int v) {
        set16(b, at, v >>> 16);
        set16(b, at + 2, v);
    }

    private static void put16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }

    private static void put32(ByteArrayOutputStream out, int v) {
        put16(out, v >>> 16);
        put16(out, v);
    }

    private static byte[] int32(int v) {
        byte[] b = new byte[4];
        set32(b, 0, v);
        return b;
    }

    private static byte[] int64(long v) {
        byte[] b = new byte[8];
        set32(b, 0, (int) (v >>> 32));
        set32(b, 4, (int) v);
        return b;
    }
}
