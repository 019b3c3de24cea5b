package dev.flint.shell.macos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Decoding the messages of a macOS routing socket ({@code <net/route.h>}, {@code <net/if.h>}) without macOS. */
class RouteSocketMessagesTest {

    @Test
    void routeAddressAndInterfaceMessagesNameTheirInterface() {
        ByteBuffer b = ByteBuffer.allocate(92 + 112 + 20).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) 92).put(3, (byte) RouteSocket.RTM_ADD).putShort(RouteSocket.RT_INDEX, (short) 4);
        b.putShort(92, (short) 112).put(95, (byte) RouteSocket.RTM_IFINFO).putShort(92 + RouteSocket.IF_INDEX, (short) 6);
        b.putShort(204, (short) 20).put(207, (byte) RouteSocket.RTM_NEWADDR).putShort(204 + RouteSocket.IF_INDEX, (short) 8);
        assertThat(RouteSocket.interfacesIn(b)).containsExactly(4, 6, 8);
    }

    @Test
    void lookupsAndTruncatedMessagesNameNothing() {
        ByteBuffer get = ByteBuffer.allocate(92).order(ByteOrder.nativeOrder());
        get.putShort(0, (short) 92).put(3, (byte) 0x4).putShort(RouteSocket.RT_INDEX, (short) 4);
        assertThat(RouteSocket.interfacesIn(get)).isEmpty();
        ByteBuffer truncated = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        truncated.putShort(0, (short) 92).put(3, (byte) RouteSocket.RTM_ADD);
        assertThat(RouteSocket.interfacesIn(truncated)).isEmpty();
    }
}
