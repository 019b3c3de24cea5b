package dev.flint.devstack.demo;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Reads the screen of an Xvfb started with {@code -fbdir}: the server keeps its framebuffer as an XWD file
 * ({@code Xvfb_screen0}), so a screenshot is a read of that file, with no X client and no extra package.
 * Handles the TrueColor 24/32-bit layout Xvfb uses.
 */
public final class XwdImage {

    private static final int HEADER_FIELDS = 25;

    private XwdImage() {
    }

    /** Decodes an XWD dump (TrueColor, 32 bits per pixel) to an image. */
    public static BufferedImage decode(byte[] xwd) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(xwd).order(ByteOrder.BIG_ENDIAN);
        if (xwd.length < HEADER_FIELDS * 4) {
            throw new IOException("an XWD file has a 100-byte header; this one has " + xwd.length + " bytes");
        }
        int headerSize = header.getInt(0);
        int version = header.getInt(4);
        int width = header.getInt(16);
        int height = header.getInt(20);
        int byteOrder = header.getInt(28);
        int bitsPerPixel = header.getInt(44);
        int bytesPerLine = header.getInt(48);
        int redMask = header.getInt(56);
        int greenMask = header.getInt(60);
        int blueMask = header.getInt(64);
        int colors = header.getInt(76);
        if (version != 7) {
            throw new IOException("XWD file version " + version + ", expected 7");
        }
        if (bitsPerPixel != 32) {
            throw new IOException("XWD with " + bitsPerPixel + " bits per pixel; only 32 is read (Xvfb -screen WxHx24)");
        }
        long dataStart = (long) headerSize + 12L * colors;
        if (width <= 0 || height <= 0 || dataStart + (long) bytesPerLine * height > xwd.length) {
            throw new IOException("XWD header says " + width + "x" + height + " but the file is too short");
        }
        ByteBuffer pixels = ByteBuffer.wrap(xwd).order(byteOrder == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            int row = (int) dataStart + y * bytesPerLine;
            for (int x = 0; x < width; x++) {
                int p = pixels.getInt(row + x * 4);
                image.setRGB(x, y, (channel(p, redMask) << 16) | (channel(p, greenMask) << 8) | channel(p, blueMask));
            }
        }
        return image;
    }

    private static int channel(int pixel, int mask) {
        if (mask == 0) {
            return 0;
        }
        int value = (pixel & mask) >>> Integer.numberOfTrailingZeros(mask);
        int bits = Integer.bitCount(mask);
        return bits >= 8 ? value >>> (bits - 8) : value << (8 - bits);
    }

    /** Writes the framebuffer file {@code xwd} as the PNG {@code png}. */
    public static void toPng(Path xwd, Path png) throws IOException {
        BufferedImage image = decode(Files.readAllBytes(xwd));
        Files.createDirectories(png.toAbsolutePath().getParent());
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer");
        }
    }
}
