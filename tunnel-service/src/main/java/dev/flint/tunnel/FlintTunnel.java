package dev.flint.tunnel;

import java.util.Arrays;
import java.util.List;

/** Entry point of {@code flint-tunnel}: picks the command and runs it. */
public final class FlintTunnel {

    private FlintTunnel() {
    }

    public static void main(String[] args) {
        List<String> argv = Arrays.asList(args);
        String command = argv.isEmpty() ? "--help" : argv.getFirst();
        switch (command) {
            case "--version", "version" -> System.out.println("flint-tunnel " + version());
            case "--help", "-h", "help" -> System.out.println(usage());
            case String c when c.equals("headless") && argv.size() > 1 && argv.get(1).equals("sign-in") -> System.exit(
                dev.flint.tunnel.service.ServiceCommand.signIn(argv.subList(2, argv.size()), System.getenv(),
                    new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                        java.nio.charset.StandardCharsets.UTF_8)), System.out, System.err));
            case "repair" -> System.exit(dev.flint.tunnel.service.ServiceCommand.repair(argv.subList(1, argv.size()),
                System.getenv(), System.out, System.err));
            case "run", "run-interactive", "headless" -> System.exit(dev.flint.tunnel.service.ServiceCommand.run(
                command, argv.subList(1, argv.size()), System.getenv(), System.err));
            case "wireguard" -> System.exit(dev.flint.tunnel.wireguard.WireGuardCommand.run(
                argv.subList(1, argv.size()), System.out, System.err));
            default -> {
                System.err.println("flint-tunnel: unknown command '" + command + "'.");
                System.err.println(usage());
                System.exit(2);
            }
        }
    }

    static String version() {
        return dev.flint.ipc.FlintVersion.current();
    }

    static String usage() {
        return """
            Usage: flint-tunnel COMMAND [ARGS]

            Commands:
              --version           print the version and exit
            """ + dev.flint.tunnel.service.ServiceCommand.usage() + """
              wireguard CONFIG [--interface NAME]
                                  run a plain WireGuard interface from a wg-quick style file
            """;
    }
}
