package dev.flint.shell.linux;

import dev.flint.netns.NetworkNamespace;
import java.util.concurrent.Callable;

/**
 * {@link NetworkNamespaceThreads}, the shell's own way into a namespace, for the test kit's namespaces: the
 * privileged tests of this module enter namespaces the way the shell does.
 */
public final class InNamespace {

    private InNamespace() {
    }

    public static <T> T call(NetworkNamespace ns, Callable<T> body) throws Exception {
        return NetworkNamespaceThreads.call(ns.name(), body);
    }

    /** A thread in the namespace that runs {@code body} in the background. */
    public static Thread start(NetworkNamespace ns, String name, Runnable body) {
        return NetworkNamespaceThreads.start(ns.name(), name, body);
    }
}
