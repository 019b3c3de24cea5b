package dev.flint.gui.diagnostics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, in order, what a connection needs: the tunnel service, the portal's name, and a TCP
 * connection to the portal. Each step gives one plain sentence; the first failure stops the check.
 */
public final class ConnectivityCheck {

    public record Step(String name, boolean ok, String sentence) {
    }

    private final int timeoutMillis;

    public ConnectivityCheck(int timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    public List<Step> run(boolean serviceAttached, URI portal) {
        List<Step> steps = new ArrayList<>();
        steps.add(serviceAttached
                ? new Step("Tunnel service", true, "Flint is connected to its tunnel service.")
                : new Step("Tunnel service", false, "Flint can't reach its tunnel service; make sure flint-tunnel is running."));
        String host = portal.getHost();
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
            steps.add(new Step("Name lookup", true, host + " resolves to " + address.getHostAddress() + "."));
        } catch (UnknownHostException e) {
            steps.add(new Step("Name lookup", false, "The portal's name " + host
                    + " can't be looked up; check your network connection and DNS."));
            return steps;
        }
        int port = portal.getPort() > 0 ? portal.getPort()
                : ("http".equalsIgnoreCase(portal.getScheme()) || "ws".equalsIgnoreCase(portal.getScheme()) ? 80 : 443);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), timeoutMillis);
            steps.add(new Step("Portal", true, "The portal at " + host + ":" + port + " accepts connections."));
        } catch (IOException e) {
            steps.add(new Step("Portal", false, "The portal at " + host + ":" + port
                    + " can't be reached (" + e.getMessage() + "); a firewall or proxy may be blocking it."));
        }
        return steps;
    }
}
