package dev.flint.devstack;

import dev.flint.devstack.portal.PortalMain;
import dev.flint.devstack.topology.AddressPlan;
import dev.flint.devstack.topology.DemoTopology;
import dev.flint.devstack.topology.DevstackState;
import dev.flint.netns.NatType;
import dev.flint.netns.Topology;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/** Entry point of {@code flint devstack}: {@code up}, {@code down} and {@code status} of the demo topology. */
public final class Devstack {

    private static final String USAGE = """
        Usage: flint devstack COMMAND [OPTIONS]

          up       build the demo network (namespaces, NAT routers, relay, resources) and start its servers,
                   the portal emulator and the gateway
                     --nat TYPE           NAT type of both routers: none, port-restricted (default), symmetric,
                                          full-cone
                     --client-nat TYPE    NAT type of the client's router only
                     --gateway-nat TYPE   NAT type of the gateway's router only
                     --route-resources    let the internet route to the resource network directly (plain
                                          routing without a tunnel; needs gateway NAT none)
                     --ipv4-only          no IPv6 on the internet, the sites and the relay
                     --second-relay       a second coturn (relay2, 198.18.0.11), listed to devices beside the first
                     --mtls               a test CA (in the run directory) and the portal's mutual-TLS listener
                                          on :8443, requiring a client certificate (client.pem/client.key)
                     --doh                a DoH server in the resource network; the portal gives it to clients
                                          as their upstream_doh ("Secure DNS")
          status   show what is up
          down     stop everything and remove every namespace, link, rule and process
          plan     print the address plan
          portal   run the portal emulator in the foreground (flint devstack portal --help)
          gateway  run the gateway in the foreground (flint devstack gateway --help)

          --state FILE   state file (default /run/flint-devstack/devstack.state)
        """;

    private Devstack() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command; returns the exit code. */
    public static int run(String... args) {
        Deque<String> rest = new ArrayDeque<>(Arrays.asList(args));
        String command = rest.isEmpty() ? "" : rest.removeFirst();
        try {
            return switch (command) {
                case "up" -> up(rest);
                case "down" -> down(rest);
                case "status" -> status(rest);
                case "portal" -> PortalMain.run(rest.toArray(String[]::new));
                case "gateway" -> dev.flint.devstack.gateway.GatewayMain.run(System.out, rest.toArray(String[]::new));
                case "plan" -> {
                    System.out.print(AddressPlan.describe());
                    yield 0;
                }
                case "", "-h", "--help", "help" -> {
                    System.out.print(USAGE);
                    yield command.isEmpty() ? 2 : 0;
                }
                default -> usage("unknown command '" + command + "'");
            };
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (RuntimeException e) {
            System.err.println("flint devstack " + command + ": " + e.getMessage());
            for (Throwable suppressed : e.getSuppressed()) {
                System.err.println("  also: " + suppressed.getMessage());
            }
            return 1;
        }
    }

    private static int up(Deque<String> args) {
        NatType clientNat = NatType.PORT_RESTRICTED_CONE;
        NatType gatewayNat = NatType.PORT_RESTRICTED_CONE;
        boolean routeResources = false;
        boolean ipv6 = true;
        boolean mtls = false;
        boolean doh = false;
        boolean secondRelay = false;
        Path state = DemoTopology.DEFAULT_STATE;
        while (!args.isEmpty()) {
            String option = args.removeFirst();
            switch (option) {
                case "--nat" -> {
                    clientNat = NatType.parse(value(option, args));
                    gatewayNat = clientNat;
                }
                case "--client-nat" -> clientNat = NatType.parse(value(option, args));
                case "--gateway-nat" -> gatewayNat = NatType.parse(value(option, args));
                case "--route-resources" -> routeResources = true;
                case "--ipv4-only" -> ipv6 = false;
                case "--mtls" -> mtls = true;
                case "--doh" -> doh = true;
                case "--second-relay" -> secondRelay = true;
                case "--state" -> state = Path.of(value(option, args));
                default -> throw new IllegalArgumentException("unknown option '" + option + "' for up");
            }
        }
        requireRoot();
        var options = new DemoTopology.Options(clientNat, gatewayNat, routeResources, ipv6, "fd", true, mtls, doh,
            secondRelay);
        DevstackState built = DemoTopology.up(options, state, System.out);
        System.out.println();
        System.out.print(DemoTopology.status(state));
        System.out.println("resource names: " + String.join(", ", DemoTopology.resourceNames()));
        System.out.println("portal emulator: http://" + AddressPlan.PORTAL.addressText() + ":" + AddressPlan.PORTAL_PORT
            + "/demo (alice@flint.test / alice, bob@flint.test / bob); config " + built.runDirectory()
            .resolve(DemoTopology.PORTAL_CONFIG) + ", from this machine through the Unix socket "
            + built.runDirectory().resolve(DemoTopology.PORTAL_SOCKET));
        System.out.println("gateway: joined the portal from " + AddressPlan.GATEWAY.addressText() + "; its log "
            + built.runDirectory().resolve(DemoTopology.GATEWAY_PROCESS + ".log"));
        String reachesResources = built.resourcesRouted() ? "client" : "gw";
        System.out.println("run a command in a namespace:  ip netns exec " + built.prefix().name(reachesResources)
            + " curl http://web." + AddressPlan.DOMAIN + "/"
            + (built.resourcesRouted() ? "" : "   (from the client only through the tunnel)"));
        System.out.println("remove it all:                 ./flint devstack down");
        return 0;
    }

    private static int down(Deque<String> args) {
        Path state = stateOption(args, "down");
        requireRoot();
        if (DemoTopology.down(state)) {
            System.out.println("flint devstack: down; no namespace, link, rule or process of it is left");
        } else {
            System.out.println("flint devstack: nothing is up (no " + state + ")");
        }
        return 0;
    }

    private static int status(Deque<String> args) {
        System.out.print(DemoTopology.status(stateOption(args, "status")));
        return 0;
    }

    private static Path stateOption(Deque<String> args, String command) {
        Path state = DemoTopology.DEFAULT_STATE;
        while (!args.isEmpty()) {
            String option = args.removeFirst();
            if (!option.equals("--state")) {
                throw new IllegalArgumentException("unknown option '" + option + "' for " + command);
            }
            state = Path.of(value(option, args));
        }
        return state;
    }

    private static String value(String option, Deque<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.removeFirst();
    }

    private static void requireRoot() {
        if (!Topology.isSupported()) {
            throw new IllegalStateException("needs root (network namespaces) and iproute2; try: sudo ./flint devstack ...");
        }
    }

    private static int usage(String problem) {
        System.err.println("flint devstack: " + problem);
        System.err.print(USAGE);
        return 2;
    }
}
