package dev.flint.devstack.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's readers of iperf3's JSON, ping's summary and /proc; samples are real output (iperf 3.12, iputils). */
class ParsersTest {

    @Test
    void iperf3UploadIsTheReceiverRateAndTheSendersRetransmits() throws IOException {
        Iperf3Result up = Iperf3Result.parse(resource("iperf3-up.json"));
        assertThat(up.receivedMbitPerSecond()).isCloseTo(9176.0036, within(0.001));
        assertThat(up.retransmits()).isEqualTo(4);
        assertThat(up.seconds()).isCloseTo(1.001209, within(1e-6));
        assertThat(up.reverse()).isFalse();
    }

    @Test
    void iperf3DownloadWithReverseReportsTheServersRetransmits() throws IOException {
        Iperf3Result down = Iperf3Result.parse(resource("iperf3-down.json"));
        assertThat(down.receivedMbitPerSecond()).isCloseTo(10253.8723, within(0.001));
        assertThat(down.retransmits()).isEqualTo(1);
        assertThat(down.reverse()).isTrue();
    }

    @Test
    void iperf3FailureBecomesItsOwnSentence() throws IOException {
        assertThatThrownBy(() -> Iperf3Result.parse(resource("iperf3-refused.json")))
            .hasMessage("iperf3 said: unable to connect to server: Connection refused");
        assertThatThrownBy(() -> Iperf3Result.parse("iperf3: error - the server is busy running a test"))
            .hasMessageStartingWith("iperf3 printed no JSON: iperf3: error");
        assertThatThrownBy(() -> Iperf3Result.parse("")).hasMessage("iperf3 printed no JSON: (nothing)");
        assertThat(Iperf3Result.error(resource("iperf3-refused.json")))
            .contains("unable to connect to server: Connection refused");
        assertThat(Iperf3Result.error(resource("iperf3-up.json"))).isEmpty();
        assertThat(Iperf3Result.error("not json")).isEmpty();
    }

    @Test
    void procStatCountsFieldsFromTheLastParenthesis() {
        // A command name with spaces and ')' in it; utime 1234, stime 567.
        String stat = "4242 (java) (x) y) S 1 4242 4242 0 -1 4194560 5000 0 3 0 1234 567 0 0 20 0 40 0 327796 "
            + "3133440 380 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
        assertThat(ProcStat.cpuTicks(stat)).isEqualTo(1801);
        assertThatThrownBy(() -> ProcStat.cpuTicks("4242 java S 1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcStat.cpuTicks("4242 (java) S 1 2 3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void procStatusGivesTheResidentSetInKilobytes() {
        String status = "Name:\tjava\nVmPeak:\t 3456789 kB\nVmHWM:\t  150000 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 100000 kB\n";
        assertThat(ProcStat.rssKb(status)).isEqualTo(123456);
        assertThat(ProcStat.rssKb("Name:\tkworker\nState:\tI (idle)\n")).isZero();
    }

    @Test
    void procStatReadsBothFilesOfAPid(@TempDir Path proc) throws IOException {
        Path dir = Files.createDirectories(proc.resolve("77"));
        Files.writeString(dir.resolve("stat"), "77 (wireguard-go) S 1 77 77 0 -1 0 0 0 0 0 10 20 0 0 20 0 8 0 1 2 3\n");
        Files.writeString(dir.resolve("status"), "Name:\twireguard-go\nVmRSS:\t    8192 kB\n");
        assertThat(ProcStat.read(proc, 77)).isEqualTo(new ProcStat(30, 8192));
        assertThatThrownBy(() -> ProcStat.read(proc, 78)).hasMessage("process 78 is gone");
    }

    @Test
    void pingSummary() {
        PingResult ping = PingResult.parse("""
            PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
            64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.028 ms

            --- 127.0.0.1 ping statistics ---
            3 packets transmitted, 3 received, 0% packet loss, time 410ms
            rtt min/avg/max/mdev = 0.028/0.032/0.037/0.003 ms
            """);
        assertThat(ping).isEqualTo(new PingResult(3, 3, 0.028, 0.032, 0.037));
        assertThat(ping.lost()).isZero();
        assertThatThrownBy(() -> PingResult.parse("""
            --- 172.20.0.11 ping statistics ---
            5 packets transmitted, 0 received, 100% packet loss, time 4090ms
            """)).hasMessage("no answer to 5 pings");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ParsersTest.class.getResourceAsStream("/bench/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
