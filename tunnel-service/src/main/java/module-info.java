/** The privileged tunnel service: TUN, routes, DNS control and the data plane around connlib. */
module dev.flint.tunnel {
    requires dev.flint.ipc;
    requires dev.flint.connlib;
    requires dev.flint.shell;
    requires io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.handler;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires com.sun.jna;
    requires com.sun.jna.platform;
    requires org.slf4j;
    requires jdk.unsupported;

    exports dev.flint.tunnel;
    exports dev.flint.tunnel.service;
    exports dev.flint.tunnel.os;
    exports dev.flint.tunnel.linux;
    exports dev.flint.tunnel.dns;
    exports dev.flint.tunnel.cleanup;
    exports dev.flint.tunnel.windows;
    exports dev.flint.tunnel.macos;
    exports dev.flint.tunnel.wireguard;
    exports dev.flint.tunnel.headless;
}
