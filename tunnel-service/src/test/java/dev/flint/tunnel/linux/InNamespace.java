package dev.flint.tunnel.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import dev.flint.devstack.netns.NetworkNamespace;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs code on a fresh thread that has joined a network namespace with {@code setns(2)}: sockets,
 * TUN devices and netlink sockets it opens belong to that namespace, while the rest of the test JVM
 * stays where it was. Threads it starts inherit the namespace.
 */
public final class InNamespace {

    private static final int CLONE_NEWNET = 0x40000000;

    static {
        Native.register(InNamespace.class, "c");
    }

    private static native int setns(int fd, int nstype) throws LastErrorException;

    private InNamespace() {
    }

    public static <T> T call(NetworkNamespace ns, Callable<T> body) throws Exception {
        FutureTask<T> task = new FutureTask<>(() -> {
            int fd = JnaLibc.open("/run/netns/" + ns.name(), JnaLibc.O_CLOEXEC);
            try {
                setns(fd, CLONE_NEWNET);
            } finally {
                JnaLibc.close(fd);
            }
            return body.call();
        });
        Thread t = Thread.ofPlatform().name("in-" + ns.name()).start(task);
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

    /** A thread in the namespace that runs {@code body} in the background. */
    public static Thread start(NetworkNamespace ns, String name, Runnable body) {
        return Thread.ofPlatform().name(name).daemon().start(() -> {
            int fd = JnaLibc.open("/run/netns/" + ns.name(), JnaLibc.O_CLOEXEC);
            try {
                setns(fd, CLONE_NEWNET);
            } finally {
                JnaLibc.close(fd);
            }
            body.run();
        });
    }
}
