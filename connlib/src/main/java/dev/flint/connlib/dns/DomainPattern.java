package dev.flint.connlib.dns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A DNS resource address: a glob over labels, case-insensitive, with {@code .} as a separator that wildcards never
 * cross. {@code *} is any run of characters within a label, {@code ?} exactly one character, a whole-label {@code **}
 * zero or more labels; and a pattern starting with {@code *.} also matches the bare parent.
 *
 * <p>The natural order is Firezone's specificity order (most specific first): characters are compared right to left;
 * {@code ?} sorts before {@code *}, wildcards after literals, literals reverse-lexically, shorter before longer.
 */
public final class DomainPattern implements Comparable<DomainPattern> {
    private final String original;
    private final String[] labels;

    private DomainPattern(String original) {
        this.original = original;
        this.labels = original.isEmpty() ? new String[0] : original.toLowerCase(Locale.ROOT).split("\\.", -1);
    }

    public static DomainPattern of(String pattern) {
        return new DomainPattern(pattern);
    }

    public String pattern() {
        return original;
    }

    /** True if the pattern has no wildcard: the pattern is a single name. */
    public boolean isExact() {
        return original.indexOf('*') < 0 && original.indexOf('?') < 0;
    }

    public boolean matches(String domain) {
        String d = stripDot(domain).toLowerCase(Locale.ROOT);
        String[] dl = d.isEmpty() ? new String[0] : d.split("\\.", -1);
        if (labels.length >= 1 && labels[0].equals("*")
                && Arrays.equals(labels, 1, labels.length, dl, 0, dl.length)) {
            return true;
        }
        return matchLabels(0, dl, 0);
    }

    private boolean matchLabels(int pi, String[] dl, int di) {
        if (pi == labels.length) {
            return di == dl.length;
        }
        if (labels[pi].equals("**")) {
            for (int k = di; k <= dl.length; k++) {
                if (matchLabels(pi + 1, dl, k)) {
                    return true;
                }
            }
            return false;
        }
        return di < dl.length && matchLabel(labels[pi], dl[di]) && matchLabels(pi + 1, dl, di + 1);
    }

    /** Glob within one label: {@code *} any run (a {@code **} inside a label acts the same), {@code ?} one char. */
    static boolean matchLabel(String p, String s) {
        int pi = 0;
        int si = 0;
        int starP = -1;
        int starS = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                starP = pi++;
                starS = si;
            } else if (starP >= 0) {
                pi = starP + 1;
                si = ++starS;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    static String stripDot(String domain) {
        return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    }

    /** Sorts most specific first; ties are broken by the pattern text so distinct patterns never compare equal. */
    public static List<DomainPattern> bySpecificity(List<DomainPattern> patterns) {
        List<DomainPattern> l = new ArrayList<>(patterns);
        l.sort(null);
        return l;
    }

    @Override
    public int compareTo(DomainPattern other) {
        String a = original;
        String b = other.original;
        int i = a.length() - 1;
        int j = b.length() - 1;
        while (true) {
            boolean hasA = i >= 0;
            boolean hasB = j >= 0;
            if (!hasA && !hasB) {
                return 0;
            }
            if (hasA && !hasB) {
                return 1; // shorter first (also: a wildcard against the end sorts later)
            }
            if (!hasA) {
                return -1;
            }
            char x = a.charAt(i--);
            char y = b.charAt(j--);
            if (x == y) {
                continue;
            }
            boolean wx = x == '*' || x == '?';
            boolean wy = y == '*' || y == '?';
            if (x == '*' && y == '?') {
                return 1;
            }
            if (x == '?' && y == '*') {
                return -1;
            }
            if (wx && !wy) {
                return 1;
            }
            if (!wx && wy) {
                return -1;
            }
            return Character.compare(y, x); // literal characters compare reversed, right to left
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DomainPattern p && p.original.equals(original);
    }

    @Override
    public int hashCode() {
        return original.hashCode();
    }

    @Override
    public String toString() {
        return original;
    }
}
