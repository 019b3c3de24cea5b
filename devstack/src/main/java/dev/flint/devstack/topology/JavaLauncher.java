package dev.flint.devstack.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs a main class of this module in a new JVM, with the same java binary and the same
 * module path (under {@code flint devstack}) or class path (under tests).
 */
final class JavaLauncher {

    private JavaLauncher() {
    }

    static List<String> command(Class<?> main, List<String> args) {
        String java = ProcessHandle.current().info().command()
            .orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx48m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k"));
        String modulePath = System.getProperty("jdk.module.path");
        Module module = main.getModule();
        if (module.isNamed() && modulePath != null) {
            command.addAll(List.of("--module-path", modulePath, "--module", module.getName() + "/" + main.getName()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        }
        command.addAll(args);
        return command;
    }
}
