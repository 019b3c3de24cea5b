package dev.flint.connlib.stun;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A STUN message: class, method, transaction id and attributes in wire order. Encode it with
 * {@link StunCodec#encode}; MESSAGE-INTEGRITY and FINGERPRINT are added there, not listed here.
 */
public record StunMessage(StunClass messageClass, int method, TransactionId transactionId,
                          List<StunAttribute> attributes) {
    public StunMessage {
        if (method < 0 || method > 0xFFF) {
            throw new IllegalArgumentException("method out of range: " + method);
        }
        attributes = List.copyOf(attributes);
    }

    public static Builder request(int method, TransactionId id) {
        return new Builder(StunClass.REQUEST, method, id);
    }

    public static Builder successResponse(int method, TransactionId id) {
        return new Builder(StunClass.SUCCESS_RESPONSE, method, id);
    }

    public static Builder errorResponse(int method, TransactionId id) {
        return new Builder(StunClass.ERROR_RESPONSE, method, id);
    }

    public static Builder indication(int method, TransactionId id) {
        return new Builder(StunClass.INDICATION, method, id);
    }

    /** The first attribute of the given kind. */
    public <A extends StunAttribute> Optional<A> attribute(Class<A> kind) {
        for (StunAttribute a : attributes) {
            if (kind.isInstance(a)) {
                return Optional.of(kind.cast(a));
            }
        }
        return Optional.empty();
    }

    public <A extends StunAttribute> List<A> all(Class<A> kind) {
        List<A> out = new ArrayList<>();
        for (StunAttribute a : attributes) {
            if (kind.isInstance(a)) {
                out.add(kind.cast(a));
            }
        }
        return out;
    }

    public boolean has(Class<? extends StunAttribute> kind) {
        return attribute(kind).isPresent();
    }

    public boolean is(StunClass cls, int m) {
        return messageClass == cls && method == m;
    }

    @Override
    public String toString() {
        return StunMethod.name(method) + " " + messageClass + " " + transactionId + " " + attributes;
    }

    /** Collects attributes in order. */
    public static final class Builder {
        private final StunClass cls;
        private final int method;
        private final TransactionId id;
        private final List<StunAttribute> attributes = new ArrayList<>();

        private Builder(StunClass cls, int method, TransactionId id) {
            this.cls = cls;
            this.method = method;
            this.id = id;
        }

        public Builder add(StunAttribute attribute) {
            attributes.add(attribute);
            return this;
        }

        public StunMessage build() {
            return new StunMessage(cls, method, id, attributes);
        }
    }
}
