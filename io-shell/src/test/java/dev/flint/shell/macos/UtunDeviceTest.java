package dev.flint.shell.macos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.shell.PacketBatch;
import dev.flint.shell.fake.FakeUtunKernel;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The utun control-socket set-up, struct encodings and AF header framing, against an in-memory kernel. */
class UtunDeviceTest {
    private final FakeUtunKernel kernel = new FakeUtunKernel();

    private static byte[] ipv4(int length) {
        byte[] packet = new byte[length];
        Arrays.fill(packet, (byte) length);
        packet[0] = 0x45;
        return packet;
    }

    private static byte[] ipv6(int length) {
        byte[] packet = new byte[length];
        Arrays.fill(packet, (byte) 7);
        packet[0] = 0x60;
        return packet;
    }

    private static byte[] slot(PacketBatch batch, int i) {
        return batch.segment(i).asSlice(0, batch.length(i)).toArray(ValueLayout.JAVA_BYTE);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void opensAKernelControlSocketAndConnectsToTheUtunControl() throws Exception {
        try (UtunDevice device = UtunDevice.open(kernel, "utun", 1280)) {
            assertThat(kernel.calls).containsExactly("socket 32 2 2", "ioctl c0644e03", "connect", "getsockopt 2 2",
                    "configure");
            // struct ctl_info: ctl_id (filled in by the kernel), then ctl_name[96], NUL-padded.
            assertThat(kernel.ioctlArgument).hasSize(100);
            assertThat(hex(Arrays.copyOf(kernel.ioctlArgument, 4))).isEqualTo("00000000");
            assertThat(UtunDevice.cString(Arrays.copyOfRange(kernel.ioctlArgument, 4, 100)))
                    .isEqualTo("com.apple.net.utun_control");
            // struct sockaddr_ctl (little-endian host): sc_len 32, AF_SYSTEM, AF_SYS_CONTROL, sc_id, sc_unit 0 = any.
            assertThat(hex(kernel.connectedAddress)).isEqualTo("20200200" + "2a000000" + "00000000" + "00".repeat(20));
            assertThat(device.name()).isEqualTo("utun4");
            assertThat(device.mtu()).isEqualTo(1280);
        }
        assertThat(kernel.calls).last().isEqualTo("close 17");
    }

    @Test
    void aRequestedUnitIsConnectedAsUnitPlusOne() throws Exception {
        try (UtunDevice device = UtunDevice.open(kernel, "utun7", 1280)) {
            assertThat(ByteBuffer.wrap(kernel.connectedAddress).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(8)).isEqualTo(8);
            assertThat(device.name()).isEqualTo("utun7");
        }
        assertThatThrownBy(() -> UtunDevice.open(kernel, "en0", 1280)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailedSetUpClosesTheSocket() {
        kernel.ioctlFailure = new IOException("ioctl(CTLIOCGINFO) failed (errno 2)");
        assertThatThrownBy(() -> UtunDevice.open(kernel, "utun", 1280)).hasMessageContaining("errno 2");
        assertThat(kernel.calls).containsExactly("socket 32 2 2", "ioctl c0644e03", "close 17");
    }

    @Test
    void readsStripTheFamilyHeaderAndDrainWhatIsQueued() throws Exception {
        kernel.deliver(UtunDevice.AF_INET, ipv4(60));
        kernel.deliver(UtunDevice.AF_INET6, ipv6(1280));
        kernel.deliver(UtunDevice.AF_INET, ipv4(20));
        try (UtunDevice device = UtunDevice.open(kernel, "utun", 1280); PacketBatch batch = new PacketBatch(2, 2048)) {
            assertThat(device.read(batch, 1000)).isEqualTo(2);
            assertThat(slot(batch, 0)).isEqualTo(ipv4(60));
            assertThat(slot(batch, 1)).isEqualTo(ipv6(1280));
            assertThat(device.read(batch, 1000)).isEqualTo(1);
            assertThat(slot(batch, 0)).isEqualTo(ipv4(20));
            assertThat(kernel.polls).isEmpty();
        }
    }

    @Test
    void datagramsWithoutAPacketOrWithAnUnknownFamilyAreCountedAndSkipped() throws Exception {
        kernel.incoming.add(new byte[] {0, 0, 0, 2});
        kernel.deliver(99, ipv4(40));
        kernel.deliver(UtunDevice.AF_INET, ipv4(40));
        try (UtunDevice device = UtunDevice.open(kernel, "utun", 1280); PacketBatch batch = new PacketBatch(4, 2048)) {
            assertThat(device.read(batch, 0)).isEqualTo(1);
            assertThat(slot(batch, 0)).isEqualTo(ipv4(40));
            assertThat(device.malformed()).isEqualTo(2);
        }
    }

    @Test
    void anEmptySocketIsPolledWithinTheTimeoutAndReadsNothing() throws Exception {
        try (UtunDevice device = UtunDevice.open(kernel, "utun", 1280, kernel::nanoTime);
                PacketBatch batch = new PacketBatch(4, 2048)) {
            assertThat(device.read(batch, 0)).isZero();
            assertThat(kernel.polls).containsExactly(0);
            kernel.polls.clear();
            long before = kernel.nanoTime();
            assertThat(device.read(batch, 60_000)).isZero();
            // A minute of the kernel's time in 200 ms slices, so a reader sees close() within one slice.
            assertThat(kernel.polls).hasSize(300).containsOnly(200);
            assertThat(kernel.nanoTime() - before).isEqualTo(TimeUnit.SECONDS.toNanos(60));
        }
    }

    @Test
    void aPacketArrivingWhileTheReaderPollsIsRead() throws Exception {
        try (UtunDevice device = UtunDevice.open(kernel, "utun", 1280, kernel::nanoTime);
                PacketBatch batch = new PacketBatch(4, 2048)) {
            kernel.afterPolls(3, () -> kernel.deliver(UtunDevice.AF_INET, ipv4(40)));
            assertThat(device.read(batch, 60_000)).isEqualTo(1);
            assertThat(slot(batch, 0)).isEqualTo(ipv4(40));
            assertThat(kernel.polls).hasSize(4);
        }
    }

    @Test
    void writesPutTheFamilyOfEachPacketInFront() throws Exception {
        try (UtunDevice device = UtunDevice.open(kernel, "utun", 1280); PacketBatch batch = new PacketBatch(4, 2048)) {
            batch.add(ByteBuffer.wrap(ipv4(28)));
            batch.add(ByteBuffer.wrap(ipv6(48)));
            batch.add(ByteBuffer.wrap(new byte[] {0x10, 1, 2}));
            device.write(batch);
            assertThat(kernel.written).hasSize(2);
            assertThat(hex(Arrays.copyOf(kernel.written.get(0), 4))).isEqualTo("00000002");
            assertThat(Arrays.copyOfRange(kernel.written.get(0), 4, 32)).isEqualTo(ipv4(28));
            assertThat(hex(Arrays.copyOf(kernel.written.get(1), 4))).isEqualTo("0000001e");
            assertThat(Arrays.copyOfRange(kernel.written.get(1), 4, 52)).isEqualTo(ipv6(48));
            assertThat(device.dropped()).as("not an IP packet").isEqualTo(1);

            kernel.writeErrno = UtunSyscalls.ENOBUFS;
            device.write(batch, 0);
            assertThat(device.dropped()).isEqualTo(2);
        }
    }

    @Test
    void aClosedDeviceReadsEndOfStreamRefusesWritesAndClosesOnce() throws Exception {
        UtunDevice device = UtunDevice.open(kernel, "utun", 1280);
        device.close();
        device.close();
        assertThat(kernel.calls.stream().filter("close 17"::equals)).hasSize(1);
        try (PacketBatch batch = new PacketBatch(4, 2048)) {
            assertThat(device.read(batch, 0)).isEqualTo(-1);
            batch.add(ByteBuffer.wrap(ipv4(20)));
            assertThatThrownBy(() -> device.write(batch, 0)).isInstanceOf(IOException.class);
        }
    }
}
