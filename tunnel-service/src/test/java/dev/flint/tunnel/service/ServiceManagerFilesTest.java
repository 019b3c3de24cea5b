package dev.flint.tunnel.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flint.tunnel.windows.WindowsService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The launchd plist and the MSI's service entry start the service the way this code expects: the
 * same command, service name, group and log directory.
 */
class ServiceManagerFilesTest {
    private static final Path PACKAGING = Path.of("..", "packaging", "src");

    private static Document xml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        // The plist names Apple's DTD; nothing is fetched.
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    /** The top-level dict of a plist as key to value element. */
    private static Map<String, Element> plist(Document document) {
        Element dict = (Element) document.getDocumentElement().getElementsByTagName("dict").item(0);
        Map<String, Element> entries = new java.util.LinkedHashMap<>();
        String key = null;
        for (Node node = dict.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                if (element.getTagName().equals("key")) {
                    key = element.getTextContent();
                } else {
                    entries.put(key, element);
                }
            }
        }
        return entries;
    }

    @Test
    void launchdRunsTheServiceCommandAsRootInTheClientGroupLoggingWhereTheServiceLogs() throws Exception {
        Map<String, Element> daemon = plist(xml(PACKAGING.resolve("macos/dev.flint.tunnel.plist")));
        List<String> arguments = new ArrayList<>();
        NodeList strings = daemon.get("ProgramArguments").getElementsByTagName("string");
        for (int i = 0; i < strings.getLength(); i++) {
            arguments.add(strings.item(i).getTextContent());
        }
        assertThat(arguments).containsExactly("/Applications/Flint.app/Contents/MacOS/flint-tunnel", "run");
        assertThat(ServiceCommand.parse(arguments.get(1), arguments.subList(2, arguments.size()), Map.of()).mode())
                .isEqualTo("run");
        assertThat(daemon.get("UserName").getTextContent()).isEqualTo("root");
        assertThat(daemon.get("GroupName").getTextContent()).isEqualTo(dev.flint.tunnel.os.UnixSocketListener.CLIENT_GROUP);
        assertThat(daemon.get("KeepAlive").getTagName()).isEqualTo("true");
        Path logs = new Platform(Platform.Os.MACOS).paths(Map.of()).logDir();
        assertThat(Path.of(daemon.get("StandardErrorPath").getTextContent()).getParent()).isEqualTo(logs);
        assertThat(Path.of(daemon.get("StandardOutPath").getTextContent()).getParent()).isEqualTo(logs);
    }

    @Test
    void theMsiInstallsTheServiceUnderTheNameTheDispatcherUsesWithTheRunCommand() throws Exception {
        Document wix = xml(PACKAGING.resolve("windows/flint.wxs"));
        Element install = (Element) wix.getElementsByTagNameNS("*", "ServiceInstall").item(0);
        assertThat(install.getAttribute("Name")).isEqualTo(WindowsService.NAME);
        assertThat(install.getAttribute("Arguments")).isEqualTo("run");
        assertThat(install.getAttribute("Account")).isEqualTo("LocalSystem");
        assertThat(install.getAttribute("Type")).isEqualTo("ownProcess");
        Element control = (Element) wix.getElementsByTagNameNS("*", "ServiceControl").item(0);
        assertThat(control.getAttribute("Name")).isEqualTo(WindowsService.NAME);
        // wintun.dll goes beside flint-tunnel.exe, where WintunDll looks for it.
        Element dll = (Element) wix.getElementsByTagNameNS("*", "File").item(0);
        assertThat(dll.getAttribute("Source")).endsWith("\\wintun.dll");
        assertThat(dll.getParentNode().getParentNode()).isSameAs(install.getParentNode().getParentNode());
    }
}
