package dev.flint.shell.portal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Resolves the portal host; called again before every connection attempt so DNS changes are picked up. */
@FunctionalInterface
public interface HostResolver {

    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The system resolvers and {@code /etc/hosts}, through the JVM. */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
}
