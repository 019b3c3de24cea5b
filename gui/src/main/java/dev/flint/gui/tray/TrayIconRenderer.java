package dev.flint.gui.tray;

import dev.flint.icons.Icon;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Composes the tray icon from layers, bottom-up, blending each colour channel in linear light
 * (gamma 2.2) so the badge edges do not get dark fringes; alpha adds with saturation.
 */
public final class TrayIconRenderer {

    private TrayIconRenderer() {
    }

    public static List<Icon> layers(TrayIconState state) {
        List<Icon> layers = new ArrayList<>();
        switch (state.look()) {
            case SIGNED_IN -> layers.add(Icon.LOGO);
            case SIGNED_OUT -> {
                layers.add(Icon.LOGO_GREY);
                layers.add(Icon.SIGNED_OUT_LAYER);
            }
            case BUSY -> {
                layers.add(Icon.LOGO_GREY);
                layers.add(Icon.BUSY_LAYER);
            }
        }
        if (state.updateReady()) {
            layers.add(Icon.UPDATE_LAYER);
        }
        return layers;
    }

    public static BufferedImage render(TrayIconState state, int size) {
        BufferedImage out = null;
        for (Icon layer : layers(state)) {
            BufferedImage img = read(layer.png(size), size);
            out = out == null ? img : blend(out, img);
        }
        return out;
    }

    static BufferedImage read(byte[] png, int size) {
        try {
            BufferedImage src = ImageIO.read(new ByteArrayInputStream(png));
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
            var g = img.createGraphics();
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(src, 0, 0, size, size, null);
            g.dispose();
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage blend(BufferedImage dst, BufferedImage src) {
        int w = dst.getWidth();
        int h = dst.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, blendPixel(dst.getRGB(x, y), src.getRGB(x, y)));
            }
        }
        return out;
    }

    static int blendPixel(int dst, int src) {
        double a = ((src >>> 24) & 0xff) / 255.0;
        int outA = Math.min(255, ((src >>> 24) & 0xff) + ((dst >>> 24) & 0xff));
        int r = channel((dst >> 16) & 0xff, (src >> 16) & 0xff, a);
        int g = channel((dst >> 8) & 0xff, (src >> 8) & 0xff, a);
        int b = channel(dst & 0xff, src & 0xff, a);
        return (outA << 24) | (r << 16) | (g << 8) | b;
    }

    private static int channel(int dst, int src, double a) {
        double d = Math.pow(dst / 255.0, 2.2);
        double s = Math.pow(src / 255.0, 2.2);
        double lin = s * a + d * (1 - a);
        return (int) Math.round(Math.pow(lin, 1 / 2.2) * 255.0);
    }

    /** SNI pixmap data: ARGB32 in network byte order, row by row. */
    public static byte[] argb32(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 4];
        int i = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                out[i++] = (byte) (p >>> 24);
                out[i++] = (byte) (p >>> 16);
                out[i++] = (byte) (p >>> 8);
                out[i++] = (byte) p;
            }
        }
        return out;
    }

    public static byte[] png(BufferedImage img) {
        try {
            var bytes = new java.io.ByteArrayOutputStream();
            ImageIO.write(img, "png", bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
