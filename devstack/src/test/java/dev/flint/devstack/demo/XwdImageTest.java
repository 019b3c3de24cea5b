package dev.flint.devstack.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The XWD layout Xvfb keeps its screen in (X11 XWDFileHeader, version 7), decoded to RGB. */
class XwdImageTest {

    /** An XWD file as Xvfb writes it: big-endian header, a window name, a colormap, little-endian 32-bit pixels. */
    static byte[] xwd(int width, int height, int colors, int[] pixels) {
        byte[] name = "Xvfb main window\0".getBytes(StandardCharsets.US_ASCII);
        int headerSize = 100 + name.length;
        int bytesPerLine = width * 4;
        ByteBuffer b = ByteBuffer.allocate(headerSize + colors * 12 + bytesPerLine * height);
        int[] header = {headerSize, 7, 2, 24, width, height, 0, 0 /* LSBFirst */, 32, 0, 32, 32, bytesPerLine,
            4 /* TrueColor */, 0xff0000, 0xff00, 0xff, 8, 256, colors, width, height, 0, 0, 0};
        for (int field : header) {
            b.putInt(field);
        }
        b.put(name);
        b.position(headerSize + colors * 12);
        b.order(ByteOrder.LITTLE_ENDIAN);
        for (int p : pixels) {
            b.putInt(p);
        }
        return b.array();
    }

    @Test
    void decodesTrueColorPixelsAfterTheHeaderAndColormap() throws IOException {
        BufferedImage image = XwdImage.decode(xwd(3, 2, 256,
            new int[] {0xff0000, 0x00ff00, 0x0000ff, 0x123456, 0xffffff, 0x000000}));

        assertThat(image.getWidth()).isEqualTo(3);
        assertThat(image.getHeight()).isEqualTo(2);
        assertThat(image.getRGB(0, 0) & 0xffffff).isEqualTo(0xff0000);
        assertThat(image.getRGB(1, 0) & 0xffffff).isEqualTo(0x00ff00);
        assertThat(image.getRGB(2, 0) & 0xffffff).isEqualTo(0x0000ff);
        assertThat(image.getRGB(0, 1) & 0xffffff).isEqualTo(0x123456);
        assertThat(image.getRGB(1, 1) & 0xffffff).isEqualTo(0xffffff);
        assertThat(image.getRGB(2, 1) & 0xffffff).isZero();
    }

    @Test
    void aTruncatedOrForeignFileIsRefusedWithASentence() {
        byte[] whole = xwd(4, 4, 0, new int[16]);
        assertThatThrownBy(() -> XwdImage.decode(java.util.Arrays.copyOf(whole, whole.length - 1)))
            .hasMessageContaining("too short");
        assertThatThrownBy(() -> XwdImage.decode(new byte[10])).hasMessageContaining("100-byte header");
        byte[] v6 = whole.clone();
        v6[7] = 6;
        assertThatThrownBy(() -> XwdImage.decode(v6)).hasMessageContaining("version 6");
    }
}
