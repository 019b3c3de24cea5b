package dev.flint.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OS shape, read from the compiled classes with {@code jdeps}: no package cycle in the tunnel
 * service, the OS-neutral packages free of every OS package, and nothing on the Windows or macOS
 * side (the service's {@code windows} and {@code macos}, io-shell's {@code windows} and
 * {@code macos}) able to reach Linux code, so no Linux-only call can happen on their start paths.
 */
class OsPackagesTest {
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");
    private static final List<String> LINUX = List.of("dev.flint.tunnel.linux", "dev.flint.shell.linux");
    private static final List<String> OS_SPECIFIC = List.of("dev.flint.tunnel.linux", "dev.flint.tunnel.windows",
            "dev.flint.tunnel.macos", "dev.flint.shell.linux", "dev.flint.shell.windows", "dev.flint.shell.macos");

    @TempDir
    static Path dir;

    /** Class to the classes it refers to, for the tunnel service's and io-shell's own classes. */
    private static final Map<String, Set<String>> CLASSES = new TreeMap<>();

    @BeforeAll
    static void readClasses() throws IOException {
        // jdeps reads a module's classes only with all its modules present: read them as plain classes instead.
        Map<String, Path> modules = Map.of("tunnel-service", Path.of("target/classes"),
                "io-shell", Path.of("../io-shell/target/classes"));
        for (Map.Entry<String, Path> module : modules.entrySet()) {
            Path classes = module.getValue();
            Path copy = dir.resolve(module.getKey());
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")
                        && !f.getFileName().toString().equals("module-info.class")).toList()) {
                    Path target = copy.resolve(classes.relativize(file).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target);
                }
            }
            StringWriter out = new StringWriter();
            int status = ToolProvider.findFirst("jdeps").orElseThrow()
                    .run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:class", "-filter:none",
                            copy.toString());
            assertThat(status).as(out.toString()).isZero();
            for (String line : out.toString().lines().toList()) {
                Matcher m = EDGE.matcher(line);
                if (m.find() && m.group(1).startsWith("dev.flint.")) {
                    CLASSES.computeIfAbsent(m.group(1), c -> new TreeSet<>()).add(m.group(2));
                }
            }
        }
        assertThat(CLASSES).as("jdeps read the classes").containsKey("dev.flint.tunnel.service.TunnelService");
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** Package to the packages it refers to, among {@code prefix}. */
    private static Map<String, Set<String>> packages(String prefix) {
        Map<String, Set<String>> graph = new TreeMap<>();
        CLASSES.forEach((from, to) -> {
            if (from.startsWith(prefix)) {
                Set<String> edges = graph.computeIfAbsent(packageOf(from), p -> new TreeSet<>());
                to.stream().map(OsPackagesTest::packageOf).filter(p -> p.startsWith(prefix)).forEach(edges::add);
            }
        });
        graph.forEach((p, edges) -> edges.remove(p));
        return graph;
    }

    @Test
    void theTunnelServiceHasNoPackageCycle() {
        Map<String, Set<String>> graph = packages("dev.flint.tunnel");
        assertThat(graph).containsKeys("dev.flint.tunnel.os", "dev.flint.tunnel.linux", "dev.flint.tunnel.windows",
                "dev.flint.tunnel.macos", "dev.flint.tunnel.service");
        assertThat(graph.get("dev.flint.tunnel.service")).as("the edges were read: Platform picks the OS")
                .contains("dev.flint.tunnel.linux", "dev.flint.tunnel.windows", "dev.flint.tunnel.macos");
        for (String start : graph.keySet()) {
            assertThat(pathBack(graph, start)).as("a cycle through " + start).isEmpty();
        }
    }

    /** A path of packages from {@code start} back to itself, or empty. */
    private static List<String> pathBack(Map<String, Set<String>> graph, String start) {
        Deque<List<String>> open = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        open.add(List.of(start));
        while (!open.isEmpty()) {
            List<String> path = open.poll();
            for (String next : graph.getOrDefault(path.getLast(), Set.of())) {
                if (next.equals(start)) {
                    return Stream.concat(path.stream(), Stream.of(start)).toList();
                }
                if (seen.add(next)) {
                    open.add(Stream.concat(path.stream(), Stream.of(next)).toList());
                }
            }
        }
        return List.of();
    }

    @Test
    void theOsShapeKnowsNoOs() {
        Map<String, Set<String>> graph = new HashMap<>(packages("dev.flint."));
        assertThat(graph.get("dev.flint.tunnel.os")).doesNotContainAnyElementsOf(OS_SPECIFIC)
                .doesNotContain("dev.flint.tunnel.service");
        CLASSES.entrySet().stream().filter(e -> e.getKey().startsWith("dev.flint.tunnel.service.TunnelService"))
                .forEach(e -> assertThat(e.getValue().stream().map(OsPackagesTest::packageOf))
                        .as(e.getKey() + " works through the OS shape only").doesNotContainAnyElementsOf(OS_SPECIFIC));
    }

    @Test
    void nothingOnTheWindowsOrMacosSideReachesLinuxCode() {
        Map<String, Set<String>> graph = packages("dev.flint.");
        for (String side : List.of("dev.flint.tunnel.windows", "dev.flint.tunnel.macos", "dev.flint.shell.windows",
                "dev.flint.shell.macos")) {
            assertThat(reachable(graph, side)).as("packages " + side + " reaches").doesNotContainAnyElementsOf(LINUX);
        }
    }

    private static Set<String> reachable(Map<String, Set<String>> graph, String start) {
        Set<String> seen = new TreeSet<>();
        Deque<String> open = new ArrayDeque<>(List.of(start));
        while (!open.isEmpty()) {
            for (String next : graph.getOrDefault(open.poll(), Set.of())) {
                if (seen.add(next)) {
                    open.add(next);
                }
            }
        }
        return seen;
    }
}
