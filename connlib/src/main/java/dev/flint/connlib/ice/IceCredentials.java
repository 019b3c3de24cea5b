package dev.flint.connlib.ice;

/** ICE username fragment and password, as the portal hands them out per connection. */
public record IceCredentials(String ufrag, String password) {
    public IceCredentials {
        if (ufrag.isEmpty() || ufrag.contains(":")) {
            throw new IllegalArgumentException("ufrag must be non-empty and free of ':'");
        }
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", password=redacted]";
    }
}
