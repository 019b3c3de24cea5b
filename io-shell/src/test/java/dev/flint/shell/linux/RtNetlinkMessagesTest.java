package dev.flint.shell.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Decoding the change notifications a subscribed rtnetlink socket receives, without a kernel. */
class RtNetlinkMessagesTest {

    @Test
    void routeNotificationsNameTheirOutputInterface() {
        ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.nativeOrder());
        b.putInt(0, 36).putShort(4, (short) 24);                          // RTM_NEWROUTE, 16 + 12 + one attribute
        b.putShort(28, (short) 8).putShort(30, (short) 4).putInt(32, 7);  // RTA_OIF = 7
        b.limit(36);
        assertThat(RtNetlink.interfacesIn(b)).containsExactly(7);
    }

    @Test
    void linkAndAddressNotificationsNameTheirInterfaceAndATruncatedMessageNothing() {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.nativeOrder());
        b.putInt(0, 24).putShort(4, (short) 16).putInt(20, 3);            // RTM_NEWLINK for index 3
        b.putInt(24, 24).putShort(28, (short) 21).putInt(44, 5);          // RTM_DELADDR for index 5
        assertThat(RtNetlink.interfacesIn(b)).containsExactly(3, 5);
        ByteBuffer truncated = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        truncated.putInt(0, 400).putShort(4, (short) 16);
        assertThat(RtNetlink.interfacesIn(truncated)).isEmpty();
    }
}
