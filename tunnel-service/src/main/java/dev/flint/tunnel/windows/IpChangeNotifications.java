package dev.flint.tunnel.windows;

import java.io.IOException;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The IP Helper change notifications the service's network monitor listens to, with the rows
 * reduced to what it needs: which interface ({@code NET_LUID}) changed, and how.
 * {@link IphlpapiIpHelper} makes the real registrations; tests deliver changes by hand.
 */
public interface IpChangeNotifications {

    /** {@code MIB_NOTIFICATION_TYPE}. */
    enum Kind {
        PARAMETER, ADD, DELETE, INITIAL;

        static Kind of(int code) {
            return code >= 0 && code < values().length ? values()[code] : PARAMETER;
        }
    }

    /** One notification; {@code luid} is 0 when Windows sent no row (the initial notification). */
    record Change(long luid, Kind kind) {}

    /** A registration; closing it ({@code CancelMibChangeNotify2}) waits for a callback in progress. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** {@code NotifyIpInterfaceChange} for IPv4 and IPv6: an interface's parameters, or an interface came or went. */
    Subscription interfaceChanges(Consumer<Change> onChange) throws IOException;

    /** {@code NotifyRouteChange2} for IPv4 and IPv6: a route was added, changed or deleted. */
    Subscription routeChanges(Consumer<Change> onChange) throws IOException;

    /** {@code ConvertInterfaceAliasToLuid}: the LUID of the adapter named {@code alias}, if there is one. */
    OptionalLong luidOf(String alias);
}
