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
    // dbus-java proxies and exports these interfaces and reads its structs reflectively.
    exports dev.flint.gui.token.linux to org.freedesktop.dbus;
    exports dev.flint.gui.tray.linux to org.freedesktop.dbus;
    exports dev.flint.gui.platform.linux to org.freedesktop.dbus;
    opens dev.flint.gui.token.linux to org.freedesktop.dbus;
    opens dev.flint.gui.tray.linux to org.freedesktop.dbus;
    opens dev.flint.gui.platform.linux to org.freedesktop.dbus;
    // Settings files are read and written by Jackson; JavaFX launches the application class.
    opens dev.flint.gui.settings to com.fasterxml.jackson.databind;
    exports dev.flint.gui.app to javafx.graphics;
}
