/** The GUI ⇄ tunnel-service protocol: messages, frame codec, local socket transports and shared logging. */
module dev.flint.ipc {
    requires transitive com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    requires com.sun.jna;
    requires com.sun.jna.platform;

    exports dev.flint.ipc;
    exports dev.flint.ipc.frame;
    // exports dev.flint.ipc.transport;  (added when the package has code)
    exports dev.flint.ipc.logging;

    opens dev.flint.ipc to com.fasterxml.jackson.databind;
}
