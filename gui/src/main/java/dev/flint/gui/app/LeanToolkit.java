package dev.flint.gui.app;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;

/**
 * Keeps the JavaFX toolkit small on Linux, where Flint is mostly a tray icon: the window is a few controls that
 * JavaFX's software pipeline draws well, and without OpenGL neither Prism nor GDK loads a GL stack (with Mesa's
 * software GL, libLLVM alone is about 45 MB of the process; measured in BENCHMARKS.md). Both stay overridable:
 * {@code -Dprism.order=es2} or a {@code GDK_GL} already in the environment win.
 */
final class LeanToolkit {

    private LeanToolkit() {
    }

    static void apply() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
            return;
        }
        if (System.getProperty("prism.order") == null) {
            System.setProperty("prism.order", "sw");
        }
        if (System.getenv("GDK_GL") == null && "sw".equals(System.getProperty("prism.order"))) {
            // GTK reads GDK_GL when the toolkit starts, which is later in this process.
            Linker linker = Linker.nativeLinker();
            try (Arena arena = Arena.ofConfined()) {
                var setenv = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
                int ignored = (int) setenv.invokeExact(arena.allocateFrom("GDK_GL"), arena.allocateFrom("disable"), 0);
            } catch (Throwable e) {
                org.slf4j.LoggerFactory.getLogger(LeanToolkit.class).debug("GDK_GL not set: {}", e.toString());
            }
        }
    }
}
