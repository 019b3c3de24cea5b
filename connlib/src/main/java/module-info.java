/** Sans-IO protocol engines: no threads, sockets or clocks inside. */
module dev.flint.connlib {
    requires org.bouncycastle.provider;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.flint.connlib.packet;
    // exports dev.flint.connlib.wireguard;  (added when the package has code)
    // exports dev.flint.connlib.stun;  (added when the package has code)
    // exports dev.flint.connlib.turn;  (added when the package has code)
    // exports dev.flint.connlib.ice;  (added when the package has code)
    exports dev.flint.connlib.phoenix;
    exports dev.flint.connlib.portal;
    exports dev.flint.connlib.dns;
    exports dev.flint.connlib.tunnel;

    opens dev.flint.connlib.phoenix to com.fasterxml.jackson.databind;
    opens dev.flint.connlib.portal to com.fasterxml.jackson.databind;
}
