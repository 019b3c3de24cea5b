package dev.flint.gui.testing;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.freedesktop.dbus.types.Variant;

/**
 * Draws a dbusmenu layout the way a panel shows it: one popup per open level, submenus opened
 * side by side along {@code openPath}. Used to put the live tray menu into docs/screenshots.
 */
public final class MenuPainter {

    /** A node read from {@code GetLayout}. */
    public record Node(int id, Map<String, Variant<?>> props, List<Node> children) {
        public String label() {
            Variant<?> v = props.get("label");
            return v == null ? "" : ((String) v.getValue()).replace("__", "_");
        }

        public boolean separator() {
            Variant<?> v = props.get("type");
            return v != null && "separator".equals(v.getValue());
        }

        public boolean enabled() {
            Variant<?> v = props.get("enabled");
            return v == null || (Boolean) v.getValue();
        }

        public Node find(String label) {
            return children.stream().filter(c -> c.label().equals(label)).findFirst()
                    .orElseThrow(() -> new AssertionError("no item '" + label + "' in " + children.stream().map(Node::label).toList()));
        }
    }

    private static final int ROW = 26;
    private static final int SEP = 9;
    private static final int WIDTH = 300;

    private MenuPainter() {
    }

    public static BufferedImage paint(Node root, List<String> openPath) throws IOException {
        int levels = openPath.size() + 1;
        BufferedImage img = new BufferedImage(levels * (WIDTH - 4) + 24, 2000, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int x = 8;
        int y = 8;
        int bottom = 0;
        Node level = root;
        for (int i = 0; i < levels; i++) {
            String open = i < openPath.size() ? openPath.get(i) : null;
            int h = heightOf(level);
            g.setColor(new Color(0, 0, 0, 40));
            g.fillRoundRect(x + 2, y + 3, WIDTH, h, 10, 10);
            g.setColor(new Color(0xfa, 0xfb, 0xfc));
            g.fillRoundRect(x, y, WIDTH, h, 10, 10);
            g.setColor(new Color(0xd0, 0xd7, 0xde));
            g.drawRoundRect(x, y, WIDTH, h, 10, 10);
            int cy = y + 4;
            int openY = y;
            for (Node c : level.children()) {
                if (c.separator()) {
                    g.setColor(new Color(0xd8, 0xde, 0xe4));
                    g.drawLine(x + 8, cy + SEP / 2, x + WIDTH - 8, cy + SEP / 2);
                    cy += SEP;
                    continue;
                }
                if (c.label().equals(open)) {
                    g.setColor(new Color(0xdd, 0xf4, 0xff));
                    g.fillRect(x + 2, cy, WIDTH - 3, ROW);
                    openY = cy - 4;
                }
                int tx = x + 30;
                Variant<?> toggle = c.props().get("toggle-state");
                if (toggle != null) {
                    g.setColor(new Color(0x57, 0x60, 0x6a));
                    g.drawRect(x + 10, cy + 7, 11, 11);
                    if (((Integer) toggle.getValue()) == 1) {
                        g.drawLine(x + 12, cy + 13, x + 15, cy + 16);
                        g.drawLine(x + 15, cy + 16, x + 20, cy + 9);
                    }
                }
                Variant<?> icon = c.props().get("icon-data");
                if (icon != null) {
                    BufferedImage dot = ImageIO.read(new ByteArrayInputStream(bytes(icon.getValue())));
                    g.drawImage(dot, x + 9, cy + 5, 16, 16, null);
                }
                g.setColor(c.enabled() ? new Color(0x1f, 0x23, 0x28) : new Color(0x8c, 0x95, 0x9f));
                g.drawString(c.label(), tx, cy + 17);
                if (!c.children().isEmpty()) {
                    g.drawString("\u203a", x + WIDTH - 18, cy + 17);
                }
                cy += ROW;
            }
            bottom = Math.max(bottom, y + h);
            if (open != null) {
                level = level.find(open);
                x += WIDTH - 4;
                y = openY;
            }
        }
        g.dispose();
        return img.getSubimage(0, 0, img.getWidth(), bottom + 14);
    }

    private static byte[] bytes(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        List<?> list = (List<?>) v;
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).byteValue();
        }
        return out;
    }

    private static int heightOf(Node n) {
        int h = 8;
        for (Node c : n.children()) {
            h += c.separator() ? SEP : ROW;
        }
        return h;
    }

}
