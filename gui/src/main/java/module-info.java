/** The unprivileged JavaFX tray application. */
module dev.flint.gui {
    requires dev.flint.ipc;
    requires dev.flint.icons;
    requires javafx.controls;
    requires atlantafx.base;
    requires org.freedesktop.dbus;
    requires com.sun.jna;
    requires com.sun.jna.platform;
    requires org.slf4j;
    requires java.desktop;
    requires java.net.http;
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;

    exports dev.flint.gui;
}
