package dev.flint.gui.tray;

import dev.flint.gui.controller.ControllerEvent;
import dev.flint.gui.controller.Page;
import dev.flint.gui.controller.Phase;
import dev.flint.gui.controller.UiState;
import dev.flint.ipc.ConnectedDevice;
import dev.flint.gui.status.StatusText;
import dev.flint.ipc.ResourceStatus;
import dev.flint.ipc.ResourceView;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the tray menu from the UI state, following Firezone's menu item for item, plus Flint's
 * additions: Connect/Disconnect without signing out, a service-status line, and a "Show all
 * resources" item instead of an endless menu when there are many resources.
 */
public final class TrayMenu {

    /** More resources than this in one list and the rest are in the Overview window. */
    public static final int MAX_LISTED = 20;
    static final int MAX_DEVICES = 20;

    private final String os;

    /** @param os {@code linux}, {@code windows} or {@code macos}: used in the help links */
    public TrayMenu(String os) {
        this.os = os;
    }

    public URI documentationUrl() {
        return URI.create("https://www.firezone.dev/kb?utm_source=" + os + "-client");
    }

    public URI supportUrl(UiState s) {
        return s.managed().supportUrl() != null ? s.managed().supportUrl()
                : URI.create("https://www.firezone.dev/support?utm_source=" + os + "-client");
    }

    public List<MenuItem> build(UiState s) {
        List<MenuItem> m = new ArrayList<>(top(s));
        m.add(MenuItem.separator());
        s.update().ifPresent(u -> m.add(MenuItem.action("Download Flint " + u.version() + "...", new MenuAction.Open(u.url()))));
        m.add(MenuItem.action("About Flint", send(new ControllerEvent.ShowWindow(Page.ABOUT))));
        if (!s.hideAdminPortal()) {
            m.add(MenuItem.action("Admin Portal...", new MenuAction.Open(s.effectiveAuthUrl())));
        }
        m.add(new MenuItem.Submenu("Help", List.of(
                MenuItem.action("Documentation...", new MenuAction.Open(documentationUrl())),
                MenuItem.action("Support...", new MenuAction.Open(supportUrl(s))))));
        if (s.phase() == Phase.SIGNED_IN) {
            m.add(MenuItem.action("Connections", send(new ControllerEvent.ShowWindow(Page.CONNECTIONS))));
        }
        m.add(MenuItem.action("Settings", send(new ControllerEvent.ShowWindow(Page.GENERAL_SETTINGS))));
        m.add(MenuItem.separator());
        boolean tunnelUp = s.phase() == Phase.SIGNED_IN;
        m.add(MenuItem.action(tunnelUp ? "Disconnect and quit Flint" : "Quit Flint", send(new ControllerEvent.Quit())));
        return List.copyOf(m);
    }

    private List<MenuItem> top(UiState s) {
        String actor = s.actorName().orElse("");
        return switch (s.phase()) {
            case LOADING -> List.of(MenuItem.disabled("Loading..."));
            case QUITTING -> List.of(MenuItem.disabled("Quitting..."));
            case SIGNED_OUT -> List.of(MenuItem.action("Sign In", send(new ControllerEvent.SignIn())));
            case WAITING_FOR_BROWSER -> waiting("Waiting for browser...");
            case CONNECTING_TO_PORTAL -> List.of(MenuItem.disabled("Connecting to Firezone Portal..."),
                    MenuItem.action("Connect now", send(new ControllerEvent.ConnectNow())),
                    MenuItem.action("Cancel sign-in", send(new ControllerEvent.CancelSignIn())));
            case RAISING_TUNNEL -> List.of(MenuItem.disabled("Raising tunnel..."),
                    MenuItem.action("Connect now", send(new ControllerEvent.ConnectNow())),
                    MenuItem.action("Cancel sign-in", send(new ControllerEvent.CancelSignIn())));
            case WAITING_FOR_SERVICE -> s.actorName().isPresent()
                    ? List.of(MenuItem.disabled("Waiting for the tunnel service..."), MenuItem.disabled("Signed in as " + actor),
                            MenuItem.action("Sign out", send(new ControllerEvent.SignOut())))
                    : List.of(MenuItem.disabled("Waiting for the tunnel service..."));
            case PAUSED -> List.of(MenuItem.disabled("Signed in as " + actor + " (disconnected)"),
                    MenuItem.action("Connect", send(new ControllerEvent.Connect())),
                    MenuItem.action("Sign out", send(new ControllerEvent.SignOut())));
            case SIGNED_IN -> signedIn(s);
        };
    }

    private List<MenuItem> waiting(String label) {
        return List.of(MenuItem.disabled(label), MenuItem.action("Cancel sign-in", send(new ControllerEvent.CancelSignIn())));
    }

    private List<MenuItem> signedIn(UiState s) {
        List<MenuItem> m = new ArrayList<>();
        m.add(MenuItem.disabled("Signed in as " + s.actorName().orElse("")));
        m.add(MenuItem.action("Sign out", send(new ControllerEvent.SignOut())));
        m.add(MenuItem.action("Disconnect", send(new ControllerEvent.Disconnect())));
        m.add(MenuItem.separator());
        List<ResourceView> all = s.resources();
        boolean anyFavorite = all.stream().anyMatch(r -> s.general().isFavorite(r.id().toString()));
        if (!anyFavorite) {
            m.add(MenuItem.disabled("Resources"));
            addCapped(m, all, s);
        } else {
            m.add(MenuItem.disabled("Favorite Resources"));
            List<ResourceView> favorites = all.stream()
                    .filter(r -> r instanceof ResourceView.Internet || s.general().isFavorite(r.id().toString())).toList();
            addCapped(m, favorites, s);
            List<ResourceView> others = all.stream()
                    .filter(r -> !(r instanceof ResourceView.Internet) && !s.general().isFavorite(r.id().toString())).toList();
            if (!others.isEmpty()) {
                m.add(MenuItem.separator());
                List<MenuItem> sub = new ArrayList<>();
                addCapped(sub, others, s);
                m.add(new MenuItem.Submenu("Other Resources", sub));
            }
        }
        if (!s.devices().isEmpty()) {
            m.add(MenuItem.separator());
            m.add(devices(s.devices()));
        }
        return m;
    }

    private void addCapped(List<MenuItem> out, List<ResourceView> list, UiState s) {
        list.stream().limit(MAX_LISTED).forEach(r -> out.add(resource(r, s)));
        if (list.size() > MAX_LISTED) {
            out.add(MenuItem.action("Show all " + list.size() + " resources...",
                    send(new ControllerEvent.ShowWindow(Page.OVERVIEW))));
        }
    }

    MenuItem resource(ResourceView r, UiState s) {
        List<MenuItem> sub = new ArrayList<>();
        switch (r) {
            case ResourceView.Internet i -> {
                boolean on = s.general().internetResourceOn();
                sub.add(MenuItem.disabled("All network traffic"));
                sub.add(MenuItem.separator());
                sub.add(on ? MenuItem.action("Disable this resource", send(new ControllerEvent.SetInternetResource(false)))
                        : MenuItem.action("Enable this resource", send(new ControllerEvent.SetInternetResource(true))));
                site(sub, r, s);
                return new MenuItem.Submenu((on ? "<-> " : "\u2014 ") + r.name(), sub);
            }
            case ResourceView.Dns d -> {
                header(sub, d.address(), d.addressDescription());
                body(sub, r, d.address(), s);
            }
            case ResourceView.Cidr c -> {
                header(sub, c.address(), c.addressDescription());
                body(sub, r, c.address(), s);
            }
        }
        return new MenuItem.Submenu(r.name(), sub);
    }

    private static void header(List<MenuItem> sub, String address, String description) {
        Optional<URI> url = asUrl(description);
        if (url.isPresent()) {
            sub.add(MenuItem.action("<" + description + ">", new MenuAction.Open(url.get())));
        } else if (description != null && !description.isEmpty()) {
            sub.add(MenuItem.copyable(description));
        } else {
            sub.add(MenuItem.copyable(address));
        }
    }

    private void body(List<MenuItem> sub, ResourceView r, String address, UiState s) {
        sub.add(MenuItem.separator());
        sub.add(MenuItem.disabled("Resource"));
        sub.add(MenuItem.copyable(r.name()));
        sub.add(MenuItem.copyable(address));
        boolean favorite = s.general().isFavorite(r.id().toString());
        sub.add(favorite
                ? MenuItem.check("Remove from favorites", true, send(new ControllerEvent.SetFavorite(r.id(), false)))
                : MenuItem.check("Add to favorites", false, send(new ControllerEvent.SetFavorite(r.id(), true))));
        site(sub, r, s);
    }

    private static void site(List<MenuItem> sub, ResourceView r, UiState s) {
        if (r.sites().isEmpty()) {
            return;
        }
        sub.add(MenuItem.separator());
        sub.add(MenuItem.disabled("Site"));
        sub.add(MenuItem.copyable(r.sites().getFirst().name()));
        // One line: status, path and round trip ("Online · direct · 12 ms"); the details are on the Connections page.
        String status = StatusText.resource(r.status(), s.connectionOf(r.id()));
        sub.add(new MenuItem.Item(status, Optional.of(new MenuAction.Copy(status)), Optional.empty(), Optional.of(dot(r.status()))));
    }

    public static MenuItem.Dot dot(ResourceStatus status) {
        return switch (status) {
            case UNKNOWN, CONNECTING -> MenuItem.Dot.GREY;
            case ONLINE -> MenuItem.Dot.GREEN;
            case OFFLINE -> MenuItem.Dot.RED;
        };
    }

    private static MenuItem devices(List<ConnectedDevice> devices) {
        List<MenuItem> sub = new ArrayList<>();
        devices.stream().limit(MAX_DEVICES).forEach(d -> {
            List<MenuItem> dm = new ArrayList<>();
            dm.add(MenuItem.disabled("Device"));
            dm.add(MenuItem.separator());
            dm.add(MenuItem.disabled("Tunnel IPs"));
            dm.add(MenuItem.copyable(d.tunIpv4()));
            dm.add(MenuItem.copyable(d.tunIpv6()));
            dm.add(MenuItem.separator());
            dm.add(MenuItem.disabled("Client Details"));
            dm.add(MenuItem.copyable(d.id().toString()));
            dm.add(MenuItem.copyable(d.name()));
            if (!d.pools().isEmpty()) {
                dm.add(MenuItem.separator());
                dm.add(MenuItem.disabled(d.pools().size() == 1 ? "Pool" : "Pools"));
                d.pools().forEach(p -> dm.add(MenuItem.copyable(p)));
            }
            sub.add(new MenuItem.Submenu(d.name(), dm));
        });
        int more = devices.size() - MAX_DEVICES;
        if (more > 0) {
            sub.add(MenuItem.separator());
            sub.add(MenuItem.disabled(more == 1 ? "And 1 more device\u2026" : "And " + more + " more devices\u2026"));
        }
        return new MenuItem.Submenu("Devices (" + devices.size() + ")", sub);
    }

    private static Optional<URI> asUrl(String s) {
        if (s == null || s.isBlank()) {
            return Optional.empty();
        }
        try {
            URI u = new URI(s);
            return u.isAbsolute() && u.getScheme() != null && u.getHost() != null ? Optional.of(u) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static MenuAction send(ControllerEvent e) {
        return new MenuAction.Send(e);
    }
}
