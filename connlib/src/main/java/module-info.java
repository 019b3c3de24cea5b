/** Sans-IO protocol engines: no threads, sockets or clocks inside. */
module dev.flint.connlib {
    requires org.bouncycastle.provider;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    // exports dev.flint.connlib.packet;  (added when the package has code)
    exports dev.flint.connlib.wireguard;
    // exports dev.flint.connlib.stun;  (added when the package has code)
    // exports dev.flint.connlib.turn;  (added when the package has code)
    // exports dev.flint.connlib.ice;  (added when the package has code)
    // exports dev.flint.connlib.phoenix;  (added when the package has code)
    // exports dev.flint.connlib.portal;  (added when the package has code)
    // exports dev.flint.connlib.dns;  (added when the package has code)
    // exports dev.flint.connlib.tunnel;  (added when the package has code)

    // opens dev.flint.connlib.phoenix to com.fasterxml.jackson.databind;  (added when the package has code)
    // opens dev.flint.connlib.portal to com.fasterxml.jackson.databind;  (added when the package has code)
}
