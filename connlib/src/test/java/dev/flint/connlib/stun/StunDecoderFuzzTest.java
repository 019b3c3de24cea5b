package dev.flint.connlib.stun;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.flint.connlib.ice.Candidate;
import dev.flint.connlib.turn.ChannelData;

/** Hostile bytes never throw out of the STUN, ChannelData or candidate parsers. */
class StunDecoderFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void stunDecodeNeverThrows(byte[] data) {
        StunDecodeResult r = StunCodec.decode(data);
        if (r instanceof ReceivedStun received) {
            // Whatever decoded must re-encode and decode to the same attributes.
            byte[] again = StunCodec.encode(received.message());
            assertThat(StunCodec.decode(again)).isInstanceOf(ReceivedStun.class);
            received.integrityMatches(IntegrityKey.shortTerm("pw"));
        }
    }

    @FuzzTest(maxDuration = "3s")
    void channelDataDecodeNeverThrows(byte[] data) {
        if (ChannelData.decode(data, 0, data.length) instanceof ChannelData.Result.Decoded(ChannelData cd)) {
            assertThat(cd.encode()).isEqualTo(data);
        }
    }

    @FuzzTest(maxDuration = "3s")
    void candidateParseNeverThrows(FuzzedDataProvider data) {
        Candidate.parse(data.consumeRemainingAsString());
    }
}
