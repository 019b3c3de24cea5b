/** Sans-IO protocol engines: no threads, sockets or clocks inside. */
module dev.flint.connlib {
    requires org.bouncycastle.provider;
    requires transitive com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.flint.connlib.net;
    exports dev.flint.connlib.packet;
    exports dev.flint.connlib.wireguard;
    exports dev.flint.connlib.stun;
    exports dev.flint.connlib.turn;
    exports dev.flint.connlib.ice;
    exports dev.flint.connlib.peer;
    exports dev.flint.connlib.phoenix;
    exports dev.flint.connlib.portal;
    exports dev.flint.connlib.dns;
    exports dev.flint.connlib.tunnel;

    opens dev.flint.connlib.phoenix to com.fasterxml.jackson.databind;
    opens dev.flint.connlib.portal to com.fasterxml.jackson.databind;
}
