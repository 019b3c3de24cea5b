package dev.flint.devstack.portal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One pair of tunnel addresses and one PSK base per device, for good, as Firezone's portal keeps them: a device (by its id, which the
 * portal derives from its account and external id, or the gateway's entry) gets the same 100.64.0.0/11 and
 * fd00:2021:1111::/107 addresses on every join, whatever order devices join in and however often the emulator
 * restarts. Two things make that so: the address is derived from the device id (host number = a hash of the id,
 * the next free one on a collision), so an emulator without a file still hands out the same addresses after a
 * restart; and with a file every allocation is written down before it is handed out, so even a collision resolved
 * one way stays resolved that way. The PSK base (the random half of every preshared key the device's connections
 * get) is kept too: a restarted portal that drew a new one would give an authorization of a connection that is up
 * another key, and the gateway would rebuild that connection, cutting its flows. The file has one line per device:
 * {@code <device id> <IPv4> <IPv6> <PSK base, base64>}; a line without the last word gets a PSK base on first use.
 */
final class AddressBook {
    /** Host numbers 1 .. 2^21-2 of 100.64.0.0/11; 0 and the last are left out as network and broadcast look-alikes. */
    static final int HOSTS = (1 << 21) - 2;
    static final int PSK_BASE_BYTES = 32;

    private final Optional<Path> file;
    private final Map<UUID, Integer> hostByDevice = new LinkedHashMap<>();
    private final Map<Integer, UUID> deviceByHost = new HashMap<>();
    private final Map<UUID, byte[]> pskBases = new HashMap<>();
    private final SecureRandom random = new SecureRandom();

    private AddressBook(Optional<Path> file) {
        this.file = file;
    }

    /** An address book kept in memory only: addresses are still derived from device ids. */
    static AddressBook inMemory() {
        return new AddressBook(Optional.empty());
    }

    /**
     * The address book in {@code file}, created on the first allocation if absent. A line that cannot be read is an
     * error naming the line: silently dropping it could give its device's addresses to another device.
     */
    static AddressBook open(Path file) throws IOException {
        AddressBook book = new AddressBook(Optional.of(file));
        BookFile.read(file, words -> {
            if (words.length < 2) {
                throw new IllegalArgumentException("expected '<device id> <IPv4> <IPv6>'");
            }
            UUID device = UUID.fromString(words[0]);
            int host = hostOf(InetAddress.ofLiteral(words[1]));
            UUID holder = book.deviceByHost.get(host);
            if (holder != null && !holder.equals(device)) {
                throw new IllegalArgumentException(words[1] + " is already " + holder + "'s");
            }
            book.hostByDevice.put(device, host);
            book.deviceByHost.put(host, device);
            if (words.length > 3) {
                byte[] base = Base64.getDecoder().decode(words[3]);
                if (base.length != PSK_BASE_BYTES) {
                    throw new IllegalArgumentException("the PSK base is " + base.length + " bytes, not "
                        + PSK_BASE_BYTES);
                }
                book.pskBases.put(device, base);
            }
        });
        return book;
    }

    Inet4Address ipv4(UUID device) {
        int n = host(device);
        return (Inet4Address) address(new byte[] {100, (byte) (64 + (n >>> 16 & 0x1f)), (byte) (n >>> 8), (byte) n});
    }

    Inet6Address ipv6(UUID device) {
        int n = host(device);
        byte[] b = {(byte) 0xfd, 0x00, 0x20, 0x21, 0x11, 0x11, 0, 0, 0, 0, 0, 0, 0,
            (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
        return (Inet6Address) address(b);
    }

    /** The device's PSK base: the one it had, else 32 fresh random bytes, written down before they are used. */
    byte[] pskBase(UUID device) {
        byte[] known = pskBases.get(device);
        if (known != null) {
            return known.clone();
        }
        host(device);
        byte[] base = new byte[PSK_BASE_BYTES];
        random.nextBytes(base);
        pskBases.put(device, base);
        file.ifPresent(this::save);
        return base.clone();
    }

    /** The device's host number: the one it had, else the first free one from the number its id hashes to. */
    private int host(UUID device) {
        Integer known = hostByDevice.get(device);
        if (known != null) {
            return known;
        }
        if (deviceByHost.size() >= HOSTS) {
            throw new IllegalStateException("every tunnel address of 100.64.0.0/11 is taken");
        }
        int n = preferred(device);
        while (deviceByHost.containsKey(n)) {
            n = n % HOSTS + 1;
        }
        hostByDevice.put(device, n);
        deviceByHost.put(n, device);
        file.ifPresent(this::save);
        return n;
    }

    /** 1 .. HOSTS from the SHA-256 of the id: the same on every run and every machine. */
    static int preferred(UUID device) {
        try {
            byte[] id = ByteBuffer.allocate(16).putLong(device.getMostSignificantBits())
                .putLong(device.getLeastSignificantBits()).array();
            int hash = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(id)).getInt();
            return Math.floorMod(hash, HOSTS) + 1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static int hostOf(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 4 || b[0] != 100 || (b[1] & 0xe0) != 64) {
            throw new IllegalArgumentException(address.getHostAddress() + " is not in 100.64.0.0/11");
        }
        int n = (b[1] & 0x1f) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
        if (n < 1 || n > HOSTS) {
            throw new IllegalArgumentException(address.getHostAddress() + " is not a host address of 100.64.0.0/11");
        }
        return n;
    }

    private void save(Path target) {
        StringBuilder text = new StringBuilder(
            "# What the devstack portal gave each device (device id, IPv4, IPv6, PSK base); kept across restarts.\n");
        for (Map.Entry<UUID, Integer> e : hostByDevice.entrySet()) {
            text.append(e.getKey()).append(' ').append(ipv4(e.getKey()).getHostAddress()).append(' ')
                .append(ipv6(e.getKey()).getHostAddress());
            byte[] base = pskBases.get(e.getKey());
            if (base != null) {
                text.append(' ').append(Base64.getEncoder().encodeToString(base));
            }
            text.append('\n');
        }
        BookFile.write(target, text);
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
