package dev.flint.gui.tray.awt;

import dev.flint.gui.tray.MenuAction;
import dev.flint.gui.tray.MenuItem;
import dev.flint.gui.tray.TrayBackend;
import dev.flint.gui.tray.TrayIconRenderer;
import dev.flint.gui.tray.TrayIconState;
import java.awt.AWTException;
import java.awt.CheckboxMenuItem;
import java.awt.EventQueue;
import java.awt.Menu;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.util.List;
import java.util.function.Consumer;

/** The tray through {@code java.awt.SystemTray}: right for Windows and macOS, and X11 panels with a tray. */
public final class AwtTray implements TrayBackend {

    private final TrayIcon icon;
    private final Consumer<MenuAction> clicks;
    private List<MenuItem> currentMenu;
    private TrayIconState currentIcon;

    private AwtTray(TrayIcon icon, Consumer<MenuAction> clicks) {
        this.icon = icon;
        this.clicks = clicks;
    }

    public static boolean available() {
        try {
            return !java.awt.GraphicsEnvironment.isHeadless() && SystemTray.isSupported();
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    public static AwtTray start(Consumer<MenuAction> clicks, Runnable activate) throws AWTException {
        int size = SystemTray.getSystemTray().getTrayIconSize().width;
        TrayIcon icon = new TrayIcon(TrayIconRenderer.render(new TrayIconState(TrayIconState.Look.BUSY, false), Math.max(16, size)), "Flint");
        icon.setImageAutoSize(true);
        icon.addActionListener(e -> activate.run());
        SystemTray.getSystemTray().add(icon);
        return new AwtTray(icon, clicks);
    }

    /** Shows a balloon notification (the AWT tray's own notifications, used where there is no better). */
    public void displayMessage(String title, String body) {
        icon.displayMessage(title, body, TrayIcon.MessageType.INFO);
    }

    @Override
    public void show(List<MenuItem> menu, TrayIconState state, String tooltip) {
        EventQueue.invokeLater(() -> {
            if (!state.equals(currentIcon)) {
                currentIcon = state;
                icon.setImage(TrayIconRenderer.render(state, Math.max(16, icon.getSize().width)));
            }
            icon.setToolTip(tooltip);
            if (!menu.equals(currentMenu)) {
                currentMenu = menu;
                PopupMenu popup = new PopupMenu();
                fill(popup, menu);
                icon.setPopupMenu(popup);
            }
        });
    }

    private void fill(Menu parent, List<MenuItem> items) {
        for (MenuItem m : items) {
            switch (m) {
                case MenuItem.Separator s -> parent.addSeparator();
                case MenuItem.Submenu sub -> {
                    Menu child = new Menu(sub.label());
                    fill(child, sub.children());
                    parent.add(child);
                }
                case MenuItem.Item it -> {
                    java.awt.MenuItem awt = it.checked().isPresent()
                            ? new CheckboxMenuItem(it.label(), it.checked().get()) : new java.awt.MenuItem(it.label());
                    awt.setEnabled(it.enabled());
                    it.action().ifPresent(a -> {
                        if (awt instanceof CheckboxMenuItem cb) {
                            cb.addItemListener(e -> clicks.accept(a));
                        } else {
                            awt.addActionListener(e -> clicks.accept(a));
                        }
                    });
                    parent.add(awt);
                }
            }
        }
    }

    @Override
    public String name() {
        return "AWT system tray";
    }

    @Override
    public void close() {
        EventQueue.invokeLater(() -> SystemTray.getSystemTray().remove(icon));
    }
}
