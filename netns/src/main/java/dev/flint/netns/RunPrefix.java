package dev.flint.netns;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * A short name prefix unique to one run ({@code tag} plus five random base-36 characters), so namespaces of
 * parallel tests and a running devstack never collide, and leftovers can be found by prefix.
 */
public record RunPrefix(String value) {

    private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9]{0,3}");
    private static final Pattern VALUE = Pattern.compile("[a-z][a-z0-9]{0,9}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Linux interface names (IFNAMSIZ - 1). */
    public static final int MAX_INTERFACE_NAME = 15;

    public RunPrefix {
        if (!VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("run prefix must be 1-10 of [a-z0-9] starting with a letter: " + value);
        }
    }

    /** {@code tag} (1-4 characters of [a-z0-9], starting with a letter) followed by five random characters. */
    public static RunPrefix random(String tag) {
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("tag must be 1-4 of [a-z0-9] starting with a letter: " + tag);
        }
        StringBuilder name = new StringBuilder(tag);
        for (int i = 0; i < 5; i++) {
            name.append(Character.forDigit(RANDOM.nextInt(36), 36));
        }
        return new RunPrefix(name.toString());
    }

    /** {@code <prefix>-<role>}: the name of a namespace (or anything else global) this run owns. */
    public String name(String role) {
        if (!role.matches("[a-z0-9]+")) {
            throw new IllegalArgumentException("role must be [a-z0-9]+: " + role);
        }
        return value + "-" + role;
    }

    public boolean owns(String name) {
        return name.startsWith(value + "-");
    }

    /** Checks a Linux interface name: 1-15 characters, no '/', ':' or whitespace. */
    public static String checkInterfaceName(String name) {
        if (name.isEmpty() || name.length() > MAX_INTERFACE_NAME || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("bad interface name (1-15 of [A-Za-z0-9_.-]): " + name);
        }
        return name;
    }

    @Override
    public String toString() {
        return value;
    }
}
