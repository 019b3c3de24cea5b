package dev.flint.shell.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.shell.PacketBatch;
import dev.flint.shell.fake.FakeWintun;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Batching, waiting and closing of the Wintun device against {@link FakeWintun} (Wintun cannot run here). */
class WintunTunDeviceTest {

    private final FakeWintun wintun = new FakeWintun();

    private WintunTunDevice open() throws IOException {
        return WintunTunDevice.open(wintun, "Flint", 1280, WintunTunDevice.DEFAULT_RING_CAPACITY, wintun::nanoTime);
    }

    private static byte[] packet(int length, int fill) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) fill);
        bytes[0] = 0x45;
        return bytes;
    }

    private static byte[] slot(PacketBatch batch, int i) {
        return batch.segment(i).asSlice(0, batch.length(i)).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void opensTheAdapterWithFlintsGuidAndOneSession() throws Exception {
        try (WintunTunDevice device = open()) {
            assertThat(wintun.calls).containsExactly(
                    "createAdapter Flint Flint " + WintunTunDevice.ADAPTER_GUID, "startSession " + 0x1000000);
            assertThat(device.luid()).isEqualTo(FakeWintun.LUID);
        }
    }

    @Test
    void aReadDrainsTheRingUpToTheBatchSizeWithoutWaitingAndReleasesEveryPacket() throws Exception {
        wintun.deliver(packet(60, 1), packet(1280, 2), packet(20, 3), packet(40, 4), packet(1, 5));
        try (WintunTunDevice device = open(); PacketBatch batch = new PacketBatch(3, 2048)) {
            assertThat(device.read(batch, 1000)).isEqualTo(3);
            assertThat(batch.count()).isEqualTo(3);
            assertThat(slot(batch, 0)).isEqualTo(packet(60, 1));
            assertThat(slot(batch, 1)).isEqualTo(packet(1280, 2));
            assertThat(slot(batch, 2)).isEqualTo(packet(20, 3));

            assertThat(device.read(batch, 1000)).isEqualTo(2);
            assertThat(slot(batch, 0)).isEqualTo(packet(40, 4));
            assertThat(slot(batch, 1)).isEqualTo(packet(1, 5));
            assertThat(wintun.waits).isEmpty();
            assertThat(wintun.unreleased()).isZero();
        }
    }

    @Test
    void anEmptyRingWaitsOnTheReadEventForAtMostTheTimeoutAndThenReadsNothing() throws Exception {
        try (WintunTunDevice device = open(); PacketBatch batch = new PacketBatch(4, 2048)) {
            long before = wintun.nanoTime();
            assertThat(device.read(batch, 60_000)).isZero();
            assertThat(batch.count()).isZero();
            assertThat(wintun.waits).containsExactly(60_000);
            assertThat(wintun.nanoTime() - before).isEqualTo(TimeUnit.SECONDS.toNanos(60));
        }
    }

    @Test
    void aSignalledWaitLooksAtTheRingAgain() throws Exception {
        try (WintunTunDevice device = open(); PacketBatch batch = new PacketBatch(4, 2048)) {
            wintun.duringWait = () -> wintun.deliver(packet(84, 9));
            assertThat(device.read(batch, 60_000)).isEqualTo(1);
            assertThat(slot(batch, 0)).isEqualTo(packet(84, 9));
            assertThat(wintun.unreleased()).isZero();
        }
    }

    @Test
    void aPacketLargerThanASlotIsDroppedButStillHandedBackToTheRing() throws Exception {
        wintun.deliver(packet(300, 1), packet(100, 2));
        try (WintunTunDevice device = open(); PacketBatch batch = new PacketBatch(4, 256)) {
            assertThat(device.read(batch, 0)).isEqualTo(1);
            assertThat(slot(batch, 0)).isEqualTo(packet(100, 2));
            assertThat(device.dropped()).isEqualTo(1);
            assertThat(wintun.unreleased()).isZero();
        }
    }

    @Test
    void writesCopyEachPacketIntoTheSendRingAndDropWhatDoesNotFit() throws Exception {
        wintun.sendRoom = 2;
        try (WintunTunDevice device = open(); PacketBatch batch = new PacketBatch(4, 2048)) {
            batch.add(ByteBuffer.wrap(packet(60, 1)));
            batch.add(ByteBuffer.wrap(packet(1280, 2)));
            batch.add(ByteBuffer.wrap(packet(40, 3)));
            device.write(batch);
            assertThat(wintun.sent).containsExactly(packet(60, 1), packet(1280, 2));
            assertThat(device.dropped()).isEqualTo(1);
        }
    }

    @Test
    void closeWakesABlockedReaderThenEndsTheSessionAndRemovesTheAdapter() throws Exception {
        WintunTunDevice device = open();
        try (PacketBatch batch = new PacketBatch(4, 2048)) {
            CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return device.read(batch, -1);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertThat(wintun.blockedInWait.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(wintun.waits).containsExactly(-1);
            device.close();
            assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo(-1);
            assertThat(wintun.inSessionWhenEnded).as("calls inside the session when it ended").isZero();
            assertThat(wintun.calls).endsWith("endSession", "closeAdapter 1");

            assertThat(device.read(batch, 0)).isEqualTo(-1);
            batch.add(ByteBuffer.wrap(packet(20, 1)));
            assertThatThrownBy(() -> device.write(batch, 0)).isInstanceOf(IOException.class);
            device.close();
            assertThat(wintun.calls.stream().filter("endSession"::equals)).hasSize(1);
        }
    }

    @Test
    void anEndedSessionReadsAsClosed() throws Exception {
        try (WintunTunDevice device = open(); PacketBatch batch = new PacketBatch(4, 2048)) {
            wintun.ended = true;
            assertThat(device.read(batch, 0)).isEqualTo(-1);
        }
    }

    @Test
    void aSessionThatCannotStartClosesTheAdapterItCreated() {
        wintun.sessionFailure = new IOException("no memory");
        assertThatThrownBy(this::open).hasMessage("no memory");
        assertThat(wintun.calls).last().isEqualTo("closeAdapter 1");
    }

    @Test
    void ringCapacityMustBeAPowerOfTwoWithinWintunsLimits() {
        assertThatThrownBy(() -> WintunTunDevice.open(wintun, "Flint", 1280, 0x1000001))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WintunTunDevice.open(wintun, "Flint", 1280, 0x10000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WintunTunDevice.open(wintun, "Flint", 1280, 0x8000000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(wintun.calls).isEmpty();
    }
}
