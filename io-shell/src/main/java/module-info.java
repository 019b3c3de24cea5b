/**
 * The IO shell both the tunnel service and the devstack gateway run connlib's engines in: Linux TUN
 * devices and netlink, batched UDP, the event loop a session runs on, and the portal WebSocket connection.
 */
module dev.flint.shell {
    requires transitive dev.flint.connlib;
    requires io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.codec.http2;
    requires io.netty.handler;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires com.sun.jna;
    requires com.sun.jna.platform;
    requires org.slf4j;
    requires jdk.unsupported;

    exports dev.flint.shell;
    exports dev.flint.shell.client;
    exports dev.flint.shell.engine;
    exports dev.flint.shell.linux;
    exports dev.flint.shell.macos;
    exports dev.flint.shell.windows;
    exports dev.flint.shell.p2p;
    exports dev.flint.shell.portal;
    exports dev.flint.shell.tls;
    exports dev.flint.shell.dns;
}
