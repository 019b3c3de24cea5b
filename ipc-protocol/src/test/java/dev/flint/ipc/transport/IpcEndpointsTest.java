package dev.flint.ipc.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpcEndpointsTest {
    @Test
    void linuxEndpointsFollowTheArchitecture() {
        assertThat(IpcEndpoints.LINUX_TUNNEL_SOCKET).isEqualTo(Path.of("/run/dev.flint.client/tunnel.sock"));
        assertThat(IpcEndpoints.guiSocket(Map.of("XDG_RUNTIME_DIR", "/run/user/1000")))
                .isEqualTo(Path.of("/run/user/1000/dev.flint.client/gui.sock"));
        assertThat(IpcEndpoints.forCurrentPlatform(Map.of("XDG_RUNTIME_DIR", "/run/user/1000")).tunnelSocket())
                .isEqualTo(IpcEndpoints.LINUX_TUNNEL_SOCKET);
    }

    @Test
    void withoutXdgRuntimeDirTheGuiSocketIsInAPerUserDirectory() {
        Path fallback = IpcEndpoints.guiSocket(Map.of());
        assertThat(fallback.getFileName()).hasToString("gui.sock");
        assertThat(fallback.getParent().getFileName().toString()).isEqualTo("dev.flint.client-" + System.getProperty("user.name"));
    }

    @Test
    void privateEndpointsStayInsideTheirDirectory() {
        IpcEndpoints endpoints = IpcEndpoints.under(Path.of("/tmp/x"), "flint-test-7");
        assertThat(endpoints.tunnelSocket()).isEqualTo(Path.of("/tmp/x/tunnel.sock"));
        assertThat(endpoints.tunnelPipe()).isEqualTo("\\\\.\\pipe\\flint-test-7_tunnel.ipc");
    }
}
