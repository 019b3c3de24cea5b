package dev.flint.tunnel.windows;

import dev.flint.shell.TunDevice;
import dev.flint.shell.windows.WintunApi;
import dev.flint.shell.windows.WintunTunDevice;
import dev.flint.tunnel.dns.DnsControl;
import dev.flint.tunnel.os.Cidr;
import dev.flint.tunnel.os.InterfaceConfig;
import dev.flint.tunnel.os.TunnelInterface;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Flint} Wintun adapter with its addresses and routes, set through the IP Helper API
 * (reference: data plane §3.3): MTU 1280 and a fixed metric of 0 for each configured family, the
 * addresses as {@code /32} and {@code /128}, every route on-link with metric 0. {@link #down()}
 * deletes the routes and addresses it added before closing the adapter (which removes it), so a
 * failed removal of the adapter still leaves no Flint route in the table. Not yet run on Windows.
 */
public final class WindowsTunnelInterface implements TunnelInterface {
    public static final String DEFAULT_NAME = "Flint";
    public static final int MTU = 1280;
    public static final int METRIC = 0;
    private static final Logger LOG = LoggerFactory.getLogger(WindowsTunnelInterface.class);

    /** Binds wintun.dll when a device is first needed, so a service that never connects never loads it. */
    @FunctionalInterface
    public interface WintunLoader {
        WintunApi load() throws IOException;
    }

    private final String name;
    private final WintunLoader loader;
    private final IpHelper ipHelper;
    private final int ringCapacity;
    private final DnsControl leftoverDns;
    private WintunApi wintun;
    private WintunTunDevice device;
    private final List<IpHelper.Route> routes = new ArrayList<>();
    private final List<IpHelper.UnicastAddress> addresses = new ArrayList<>();
    private final EnumSet<IpHelper.Family> families = EnumSet.noneOf(IpHelper.Family.class);

    /**
     * @param leftoverDns the NRPT control whose rule {@link #removeIfPresent} clears at start-up:
     *                    a rule left by a dead service survives even a reboot (Firezone issue #4899)
     */
    public WindowsTunnelInterface(String name, WintunLoader loader, IpHelper ipHelper, int ringCapacity,
                                  DnsControl leftoverDns) {
        this.name = name;
        this.loader = loader;
        this.ipHelper = ipHelper;
        this.ringCapacity = ringCapacity;
        this.leftoverDns = leftoverDns;
    }

    @Override
    public String name() {
        return name;
    }

    /** The open device while up, for the data plane. */
    @Override
    public synchronized Optional<TunDevice> device() {
        return Optional.ofNullable(device);
    }

    private WintunApi wintun() throws IOException {
        if (wintun == null) {
            wintun = loader.load();
        }
        return wintun;
    }

    /**
     * Creates the adapter, or, when it is up already, changes its addresses and routes in place so
     * the open session and the connections through it survive: rows no longer wanted are deleted
     * first, then the missing ones added.
     */
    @Override
    public synchronized void up(InterfaceConfig config) throws IOException {
        boolean fresh = device == null;
        if (fresh) {
            device = WintunTunDevice.open(wintun(), name, MTU, ringCapacity);
        }
        long luid = device.luid();
        try {
            boolean v4 = config.ipv4().isPresent() && configureFamily(luid, IpHelper.Family.IPV4);
            boolean v6 = config.ipv6().isPresent() && configureFamily(luid, IpHelper.Family.IPV6);
            if (!v4 && !v6) {
                throw new IOException("neither IPv4 nor IPv6 can be configured on " + name);
            }
            List<IpHelper.UnicastAddress> wantedAddresses = new ArrayList<>();
            if (v4) {
                wantedAddresses.add(new IpHelper.UnicastAddress(luid, new Cidr(config.ipv4().get(), 32)));
            }
            if (v6) {
                wantedAddresses.add(new IpHelper.UnicastAddress(luid, new Cidr(config.ipv6().get(), 128)));
            }
            List<IpHelper.Route> wantedRoutes = new ArrayList<>();
            for (Cidr destination : config.routes()) {
                // A single-stack tunnel gets only the routes of its family (as Firezone's TunIpStack does).
                if (destination.address() instanceof Inet4Address ? v4 : v6) {
                    wantedRoutes.add(new IpHelper.Route(luid, destination, METRIC));
                }
            }
            for (IpHelper.Route route : List.copyOf(routes).reversed()) {
                if (!wantedRoutes.contains(route)) {
                    ipHelper.deleteRoute(route);
                    routes.remove(route);
                }
            }
            for (IpHelper.UnicastAddress address : List.copyOf(addresses).reversed()) {
                if (!wantedAddresses.contains(address)) {
                    ipHelper.deleteUnicastAddress(address);
                    addresses.remove(address);
                }
            }
            for (IpHelper.UnicastAddress address : wantedAddresses) {
                if (!addresses.contains(address)) {
                    ipHelper.createUnicastAddress(address);
                    addresses.add(address);
                }
            }
            for (IpHelper.Route route : wantedRoutes) {
                if (!routes.contains(route)) {
                    ipHelper.createRoute(route);
                    routes.add(route);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (fresh) {
                down();
            }
            throw e;
        }
        LOG.info("{} is up with {} route(s)", name, routes.size());
    }

    /**
     * MTU and metric for one family; false (logged) when Windows refuses, e.g. because IPv6 is
     * disabled on the machine: the tunnel then runs on the other family alone.
     */
    private boolean configureFamily(long luid, IpHelper.Family family) {
        if (families.contains(family)) {
            return true;
        }
        try {
            ipHelper.setInterface(new IpHelper.InterfaceSettings(luid, family, MTU, METRIC));
            families.add(family);
            return true;
        } catch (IOException e) {
            LOG.warn("{} on {} cannot be configured, so the tunnel runs without it: {}", family, name, e.getMessage());
            return false;
        }
    }

    @Override
    public synchronized void down() {
        for (IpHelper.Route route : routes.reversed()) {
            try {
                ipHelper.deleteRoute(route);
            } catch (IOException e) {
                LOG.warn("Could not remove the route {}: {}", route.destination(), e.getMessage());
            }
        }
        routes.clear();
        for (IpHelper.UnicastAddress address : addresses.reversed()) {
            try {
                ipHelper.deleteUnicastAddress(address);
            } catch (IOException e) {
                LOG.warn("Could not remove the address {}: {}", address.address(), e.getMessage());
            }
        }
        addresses.clear();
        families.clear();
        if (device != null) {
            device.close();
            device = null;
            LOG.info("{} closed", name);
        }
    }

    /**
     * Clears what a dead service left: its NRPT rule, always; an adapter, never needed, because
     * Wintun removes an adapter with the process that created it. An adapter of this name that
     * exists therefore belongs to a live process and is left alone (false).
     */
    @Override
    public synchronized boolean removeIfPresent(String interfaceName) throws IOException {
        leftoverDns.deactivate();
        Optional<WintunApi.Adapter> existing = wintun().openAdapter(interfaceName);
        if (existing.isEmpty()) {
            return false;
        }
        wintun().closeAdapter(existing.get());
        LOG.warn("A network adapter named {} exists and belongs to a running process; leaving it", interfaceName);
        return false;
    }
}
