package dev.flint.tunnel.linux;

import dev.flint.devstack.netns.NetworkNamespace;
import dev.flint.shell.linux.NetworkNamespaceThreads;
import java.util.concurrent.Callable;

/** {@link NetworkNamespaceThreads} for the devstack's namespaces, as the privileged tests use them. */
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
