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
        assertThat(RtNetlink.interfacesIn(b, new java.util.HashMap<>())).containsExactly(7);
    }

    @Test
    void linkAndAddressNotificationsNameTheirInterfaceAndATruncatedMessageNothing() {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.nativeOrder());
        b.putInt(0, 24).putShort(4, (short) 16).putInt(20, 3);            // RTM_NEWLINK for index 3
        b.putInt(24, 24).putShort(28, (short) 21).putInt(44, 5);          // RTM_DELADDR for index 5
        assertThat(RtNetlink.interfacesIn(b, new java.util.HashMap<>())).containsExactly(3, 5);
        ByteBuffer truncated = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        truncated.putInt(0, 400).putShort(4, (short) 16);
        assertThat(RtNetlink.interfacesIn(truncated, new java.util.HashMap<>())).isEmpty();
    }

    private static ByteBuffer link(int type, int index, int flags, int change) {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        b.putInt(0, 32).putShort(4, (short) type).putInt(20, index).putInt(24, flags).putInt(28, change);
        return b;
    }

    @Test
    void aLinkCountsWhenItComesGoesOrGoesUpOrDownNotWhenOtherFlagsChange() {
        int up = RtNetlink.LINK_STATE_FLAGS;
        int promisc = 0x100;
        java.util.Map<Integer, Integer> links = new java.util.HashMap<>();
        assertThat(RtNetlink.interfacesIn(link(16, 4, up, -1), links)).as("a new link").containsExactly(4);
        assertThat(RtNetlink.interfacesIn(link(16, 4, up | promisc, promisc), links)).as("promiscuous on").isEmpty();
        assertThat(RtNetlink.interfacesIn(link(16, 4, up, 0), links)).as("statistics, alias").isEmpty();
        assertThat(RtNetlink.interfacesIn(link(16, 4, RtNetlink.IFF_UP, 0), links)).as("carrier lost").containsExactly(4);
        assertThat(RtNetlink.interfacesIn(link(16, 9, up | promisc, promisc), links)).as("unknown link, promiscuous")
            .isEmpty();
        assertThat(RtNetlink.interfacesIn(link(16, 8, 0, RtNetlink.IFF_UP), links)).as("unknown link, down")
            .containsExactly(8);
        assertThat(RtNetlink.interfacesIn(link(17, 4, 0, 0), links)).as("link removed").containsExactly(4);
        assertThat(links).doesNotContainKey(4);
    }
}
