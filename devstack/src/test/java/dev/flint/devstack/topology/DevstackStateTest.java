package dev.flint.devstack.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.netns.Created;
import dev.flint.netns.NatType;
import dev.flint.netns.RunPrefix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevstackStateTest {

    @Test
    void roundTripsThroughTheFileWhichOnlyItsOwnerCanRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/devstack.state");
        DevstackState state = new DevstackState(new RunPrefix("fdabcde"), NatType.SYMMETRIC, NatType.NONE, true,
            false, "se=cret:with\tstuff", Instant.parse("2026-01-02T03:04:05.678Z"), List.of(
                new Created.Namespace("fdabcde-inet"),
                new Created.Directory(Path.of("/run/flint-devstack/fdabcde")),
                new Created.Process("coturn", "fdabcde-relay", 4242, Instant.parse("2026-01-02T03:04:06.010Z")),
                new Created.Process("web", "fdabcde-res", 4243, null),
                new Created.File(Path.of("/tmp/x y"))));
        state.save(file);
        assertThat(DevstackState.load(file)).contains(state);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(state.namespace(Role.GATEWAY).name()).isEqualTo("fdabcde-gw");
        assertThat(state.process("web")).map(Created.Process::pid).contains(4243L);
        assertThat(DevstackState.load(dir.resolve("missing"))).isEmpty();
    }
}
