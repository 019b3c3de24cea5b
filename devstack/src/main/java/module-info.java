/** The devstack: portal emulator, gateway and network-namespace topology. */
module dev.flint.devstack {
    requires dev.flint.connlib;
    requires io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.handler;
    requires org.slf4j;

    exports dev.flint.devstack;
    exports dev.flint.devstack.netns;
}
