package dev.flint.connlib.dns;

/** DNS response codes. */
public final class Rcode {
    public static final int NOERROR = 0;
    public static final int FORMERR = 1;
    public static final int SERVFAIL = 2;
    public static final int NXDOMAIN = 3;
    public static final int NOTIMP = 4;
    public static final int REFUSED = 5;

    private Rcode() {}
}
