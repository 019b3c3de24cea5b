package dev.flint.tunnel.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * Rewrites {@code /etc/resolv.conf} in place and restores it byte for byte. The file is rewritten
 * rather than replaced because it is often a bind mount (containers, {@code ip netns exec}) where a
 * rename over it fails. The backup lives in the service's state directory, written atomically
 * before the first byte of resolv.conf changes, and is only removed after a successful restore.
 */
public final class ResolvConfDns implements DnsControl {
    static final String HEADER = "# BEGIN Flint DNS configuration";

    private final Path resolvConf;
    private final Path backup;

    public ResolvConfDns(Path resolvConf, Path backup) {
        this.resolvConf = resolvConf;
        this.backup = backup;
    }

    public Path backup() {
        return backup;
    }

    @Override
    public DnsMode mode() {
        return DnsMode.ETC_RESOLV_CONF;
    }

    @Override
    public void activate(String interfaceName, List<InetAddress> servers, Optional<String> searchDomain)
            throws IOException {
        if (Files.isSymbolicLink(resolvConf) || !Files.isRegularFile(resolvConf, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(resolvConf + " is not a regular file; use the systemd-resolved or disabled DNS mode");
        }
        byte[] current = Files.readAllBytes(resolvConf);
        if (startsWithHeader(current)) {
            // A previous run died while active: its backup is the real original.
            deactivate();
            current = Files.readAllBytes(resolvConf);
        }
        if (!Files.exists(backup)) {
            writeAtomically(backup, current);
        }
        StringBuilder text = new StringBuilder(HEADER).append('\n')
                .append("# Written by the Flint tunnel service while it is connected; the original is restored on disconnect.\n");
        searchDomain.ifPresent(domain -> text.append("search ").append(domain).append('\n'));
        for (InetAddress server : servers) {
            text.append("nameserver ").append(server.getHostAddress()).append('\n');
        }
        text.append("options ndots:1\n");
        rewriteInPlace(text.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void deactivate() throws IOException {
        if (!Files.exists(backup)) {
            return;
        }
        rewriteInPlace(Files.readAllBytes(backup));
        Files.delete(backup);
    }

    /**
     * The backup while Flint's file is in place; the live file when something else rewrote it since (a
     * DHCP client on a new network), because that is what the system would use now.
     */
    @Override
    public List<InetAddress> systemResolvers() {
        try {
            if (Files.exists(backup) && startsWithHeader(Files.readAllBytes(resolvConf))) {
                return SystemResolvers.fromResolvConf(backup);
            }
        } catch (IOException e) {
            return SystemResolvers.fromResolvConf(backup);
        }
        return SystemResolvers.fromResolvConf(resolvConf);
    }

    private static boolean startsWithHeader(byte[] content) {
        return new String(content, StandardCharsets.US_ASCII).startsWith(HEADER);
    }

    private void rewriteInPlace(byte[] content) throws IOException {
        Files.write(resolvConf, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    static void writeAtomically(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(temporary, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
