package dev.flint.gui.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flint.gui.app.Options;
import dev.flint.gui.settings.AppDirs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which endpoints the GUI uses per OS; Windows' pipes are named and secured here, opened only on Windows. */
class GuiEndpointsTest {
    private static final String SID = "S-1-5-21-1004336348-1177238915-682003330-1001";

    @Test
    void theServiceIsAPipeOnWindowsAndASocketElsewhereUnlessOneIsNamed() {
        Path linux = Options.DEFAULT_SOCKET;
        assertThat(GuiEndpoints.service(linux, linux, "Windows 11").describe())
                .isEqualTo("\\\\.\\pipe\\dev.flint.client_tunnel.ipc");
        assertThat(GuiEndpoints.service(linux, linux, "Mac OS X").describe())
                .isEqualTo("/var/run/dev.flint.client/tunnel.sock");
        assertThat(GuiEndpoints.service(linux, linux, "Linux").describe()).isEqualTo("/run/dev.flint.client/tunnel.sock");
        assertThat(GuiEndpoints.service(Path.of("/tmp/dev.sock"), linux, "Windows 11").describe())
                .as("--service-socket wins").isEqualTo("/tmp/dev.sock");
    }

    @Test
    void theSingleInstanceEndpointIsTheUsersOwn() throws Exception {
        AppDirs dirs = AppDirs.under(Path.of("/home/ada/flint"));
        assertThat(GuiEndpoints.instance(dirs, "Windows 10", () -> SID).describe())
                .isEqualTo("\\\\.\\pipe\\dev.flint.client_gui_" + SID + ".ipc");
        assertThat(GuiEndpoints.instance(dirs, "Linux", () -> {
            throw new AssertionError("no SID is asked for off Windows");
        }).describe()).isEqualTo(dirs.guiSocket().toString());
        assertThatThrownBy(() -> LocalEndpoint.WindowsInstancePipe.name("ada\\..\\x"))
                .hasMessageContaining("Not a SID");
    }
}
