/** The devstack: portal emulator, gateway and the demo's network-namespace topology. */
module dev.flint.devstack {
    requires dev.flint.connlib;
    requires dev.flint.shell;
    requires transitive dev.flint.netns;
    requires io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.codec.http2;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires io.netty.handler;
    requires org.slf4j;
    requires jdk.httpserver;
    requires java.net.http;
    requires java.desktop;

    exports dev.flint.devstack;
    exports dev.flint.devstack.topology;
    exports dev.flint.devstack.portal;
    exports dev.flint.devstack.gateway;
    exports dev.flint.devstack.demo;
    exports dev.flint.devstack.tls;
}
