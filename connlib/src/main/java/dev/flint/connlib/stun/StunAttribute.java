package dev.flint.connlib.stun;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;

/**
 * The STUN, TURN and ICE attributes Firezone's relays and ICE agents exchange. Anything else
 * decodes to {@link Unknown} so a message with extra attributes still parses.
 */
public sealed interface StunAttribute {
    int MAPPED_ADDRESS = 0x0001;
    int USERNAME = 0x0006;
    int MESSAGE_INTEGRITY = 0x0008;
    int ERROR_CODE = 0x0009;
    int UNKNOWN_ATTRIBUTES = 0x000A;
    int CHANNEL_NUMBER = 0x000C;
    int LIFETIME = 0x000D;
    int XOR_PEER_ADDRESS = 0x0012;
    int DATA = 0x0013;
    int REALM = 0x0014;
    int NONCE = 0x0015;
    int XOR_RELAYED_ADDRESS = 0x0016;
    int REQUESTED_ADDRESS_FAMILY = 0x0017;
    int REQUESTED_TRANSPORT = 0x0019;
    int DONT_FRAGMENT = 0x001A;
    int XOR_MAPPED_ADDRESS = 0x0020;
    int PRIORITY = 0x0024;
    int USE_CANDIDATE = 0x0025;
    int ADDITIONAL_ADDRESS_FAMILY = 0x8000;
    int SOFTWARE = 0x8022;
    int ALTERNATE_SERVER = 0x8023;
    int FINGERPRINT = 0x8028;
    int ICE_CONTROLLED = 0x8029;
    int ICE_CONTROLLING = 0x802A;

    /** The attribute type code on the wire. */
    int type();

    record MappedAddress(InetSocketAddress address) implements StunAttribute {
        public int type() {
            return MAPPED_ADDRESS;
        }
    }

    record XorMappedAddress(InetSocketAddress address) implements StunAttribute {
        public int type() {
            return XOR_MAPPED_ADDRESS;
        }
    }

    record XorPeerAddress(InetSocketAddress address) implements StunAttribute {
        public int type() {
            return XOR_PEER_ADDRESS;
        }
    }

    record XorRelayedAddress(InetSocketAddress address) implements StunAttribute {
        public int type() {
            return XOR_RELAYED_ADDRESS;
        }
    }

    record AlternateServer(InetSocketAddress address) implements StunAttribute {
        public int type() {
            return ALTERNATE_SERVER;
        }
    }

    record Username(String value) implements StunAttribute {
        public int type() {
            return USERNAME;
        }
    }

    record Realm(String value) implements StunAttribute {
        public int type() {
            return REALM;
        }
    }

    record Nonce(String value) implements StunAttribute {
        public int type() {
            return NONCE;
        }
    }

    record Software(String value) implements StunAttribute {
        public int type() {
            return SOFTWARE;
        }
    }

    /** Error class and number combined, e.g. 401, with the reason phrase. */
    record ErrorCode(int code, String reason) implements StunAttribute {
        public static final int TRY_ALTERNATE = 300;
        public static final int BAD_REQUEST = 400;
        public static final int UNAUTHORIZED = 401;
        public static final int FORBIDDEN = 403;
        public static final int UNKNOWN_ATTRIBUTE = 420;
        public static final int ALLOCATION_MISMATCH = 437;
        public static final int STALE_NONCE = 438;
        public static final int ADDRESS_FAMILY_NOT_SUPPORTED = 440;
        public static final int WRONG_CREDENTIALS = 441;
        public static final int UNSUPPORTED_TRANSPORT = 442;
        public static final int ALLOCATION_QUOTA_REACHED = 486;
        public static final int ROLE_CONFLICT = 487;
        public static final int SERVER_ERROR = 500;
        public static final int INSUFFICIENT_CAPACITY = 508;

        public ErrorCode {
            if (code < 300 || code > 699) {
                throw new IllegalArgumentException("error code out of range: " + code);
            }
        }

        public int type() {
            return ERROR_CODE;
        }
    }

    record UnknownAttributes(List<Integer> types) implements StunAttribute {
        public UnknownAttributes {
            types = List.copyOf(types);
        }

        public int type() {
            return UNKNOWN_ATTRIBUTES;
        }
    }

    record ChannelNumber(int number) implements StunAttribute {
        public int type() {
            return CHANNEL_NUMBER;
        }
    }

    record Lifetime(long seconds) implements StunAttribute {
        public int type() {
            return LIFETIME;
        }
    }

    record Data(byte[] value) implements StunAttribute {
        public Data {
            value = value.clone();
        }

        public int type() {
            return DATA;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data other && java.util.Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Data[" + HexFormat.of().formatHex(value) + "]";
        }
    }

    /** IANA protocol number; 17 (UDP) is the only one TURN relays allocate for Firezone. */
    record RequestedTransport(int protocol) implements StunAttribute {
        public static final int UDP = 17;

        public int type() {
            return REQUESTED_TRANSPORT;
        }
    }

    record RequestedAddressFamily(AddressFamily family) implements StunAttribute {
        public int type() {
            return REQUESTED_ADDRESS_FAMILY;
        }
    }

    record AdditionalAddressFamily(AddressFamily family) implements StunAttribute {
        public int type() {
            return ADDITIONAL_ADDRESS_FAMILY;
        }
    }

    record DontFragment() implements StunAttribute {
        public int type() {
            return DONT_FRAGMENT;
        }
    }

    /** The ICE candidate priority, an unsigned 32-bit value. */
    record Priority(long value) implements StunAttribute {
        public int type() {
            return PRIORITY;
        }
    }

    record UseCandidate() implements StunAttribute {
        public int type() {
            return USE_CANDIDATE;
        }
    }

    record IceControlling(long tieBreaker) implements StunAttribute {
        public int type() {
            return ICE_CONTROLLING;
        }
    }

    record IceControlled(long tieBreaker) implements StunAttribute {
        public int type() {
            return ICE_CONTROLLED;
        }
    }

    /** Present only on decoded messages; the encoder computes its own. */
    record MessageIntegrity(byte[] hmac) implements StunAttribute {
        public MessageIntegrity {
            hmac = hmac.clone();
        }

        public int type() {
            return MESSAGE_INTEGRITY;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MessageIntegrity other && java.util.Arrays.equals(hmac, other.hmac);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(hmac);
        }

        @Override
        public String toString() {
            return "MessageIntegrity[" + HexFormat.of().formatHex(hmac) + "]";
        }
    }

    /** Present only on decoded messages; the encoder computes its own. */
    record Fingerprint(int crc) implements StunAttribute {
        public int type() {
            return FINGERPRINT;
        }
    }

    record Unknown(int type, byte[] value) implements StunAttribute {
        public Unknown {
            value = value.clone();
        }

        /** Comprehension-required attributes (0x0000–0x7FFF) a receiver must not ignore. */
        public boolean comprehensionRequired() {
            return type < 0x8000;
        }

        @Override
        public String toString() {
            return "Unknown[type=0x%04x, value=%s]".formatted(type, HexFormat.of().formatHex(value));
        }
    }
}
