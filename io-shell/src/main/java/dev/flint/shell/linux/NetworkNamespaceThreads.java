package dev.flint.shell.linux;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs code on a fresh thread that has joined a named network namespace ({@code /run/netns/NAME})
 * with {@code setns(2)}: sockets, TUN devices and netlink sockets it opens belong to that namespace,
 * while the rest of the JVM stays where it was. Threads it starts inherit the namespace.
 */
public final class NetworkNamespaceThreads {
    private static final int CLONE_NEWNET = 0x40000000;

    private NetworkNamespaceThreads() {
    }

    /** Runs {@code body} in namespace {@code name} and waits for its result. */
    public static <T> T call(String name, Callable<T> body) throws Exception {
        FutureTask<T> task = new FutureTask<>(() -> {
            join(name);
            return body.call();
        });
        Thread t = Thread.ofPlatform().name("in-" + name).start(task);
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        } finally {
            t.join();
        }
    }

    /** A daemon thread in namespace {@code name} that runs {@code body} in the background. */
    public static Thread start(String name, String threadName, Runnable body) {
        return Thread.ofPlatform().name(threadName).daemon().start(() -> {
            join(name);
            body.run();
        });
    }

    private static void join(String name) {
        int fd = Libc.open("/run/netns/" + name, Libc.O_CLOEXEC);
        try {
            Libc.setns(fd, CLONE_NEWNET);
        } finally {
            Libc.close(fd);
        }
    }
}
