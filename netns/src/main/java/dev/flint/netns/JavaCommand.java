package dev.flint.netns;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command line that runs a main class in a new, small JVM with the same java binary and the same module path
 * (under {@code flint devstack}) or class path (under tests): pass it to {@link NetworkNamespace#start} to run a
 * Java server or service inside a namespace.
 */
public final class JavaCommand {

    private JavaCommand() {
    }

    /** A small JVM (48 MB heap, serial GC, C1 only): right for test servers. */
    public static List<String> forMain(Class<?> main, List<String> args) {
        return forMain(main, List.of("-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"), args);
    }

    /** With the given JVM options instead of the small defaults. */
    public static List<String> forMain(Class<?> main, List<String> jvmOptions, List<String> args) {
        String java = ProcessHandle.current().info().command()
            .orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>();
        command.add(java);
        String modulePath = System.getProperty("jdk.module.path");
        Module module = main.getModule();
        // The main class's module and this kit's (which enters namespaces with setns) may call native code.
        String nativeAccess = "ALL-UNNAMED";
        for (Module named : List.of(module, JavaCommand.class.getModule())) {
            if (named.isNamed() && !nativeAccess.contains("," + named.getName())) {
                nativeAccess += "," + named.getName();
            }
        }
        command.add("--enable-native-access=" + nativeAccess);
        command.addAll(jvmOptions);
        if (module.isNamed() && modulePath != null) {
            // ALL-MODULE-PATH: also modules nothing requires, such as Netty's native epoll library.
            command.addAll(List.of("--module-path", absolute(modulePath), "--add-modules", "ALL-MODULE-PATH", "--module",
                module.getName() + "/" + main.getName()));
        } else {
            command.addAll(List.of("-cp", absolute(System.getProperty("java.class.path")), main.getName()));
        }
        command.addAll(args);
        return command;
    }

    /** The path list with every entry made absolute, so the new JVM may start in any directory. */
    private static String absolute(String pathList) {
        return Arrays.stream(pathList.split(File.pathSeparator))
            .filter(entry -> !entry.isEmpty())
            .map(entry -> Path.of(entry).toAbsolutePath().toString())
            .collect(Collectors.joining(File.pathSeparator));
    }
}
