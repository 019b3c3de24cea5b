package dev.flint.devstack.portal;

import java.util.List;

/**
 * The parts of a {@code User-Agent} the portal acts on: the first token naming a known Firezone component
 * ({@code gui-client/1.5.17}) and the leading {@code OS/version} token. An agent without a known component is
 * refused at connect time by the client socket.
 */
record UserAgent(String raw, String component, String version, String osName, String osVersion) {

    private static final List<String> COMPONENTS = List.of("relay", "connlib", "headless-client", "gui-client",
        "apple-client", "android-client", "gateway");

    static UserAgent parse(String header) {
        String raw = header == null ? "" : header;
        String component = null;
        String version = null;
        String[] tokens = raw.trim().split("\\s+");
        for (String token : tokens) {
            int slash = token.indexOf('/');
            if (slash > 0 && COMPONENTS.contains(token.substring(0, slash))) {
                component = token.substring(0, slash);
                version = token.substring(slash + 1);
                break;
            }
        }
        String osName = null;
        String osVersion = null;
        if (tokens.length > 0 && tokens[0].indexOf('/') > 0) {
            osName = tokens[0].substring(0, tokens[0].indexOf('/'));
            osVersion = tokens[0].substring(tokens[0].indexOf('/') + 1);
        }
        return new UserAgent(raw, component, version, osName, osVersion);
    }

    boolean known() {
        return component != null;
    }

    /**
     * Clients older than the "sites" versions get {@code gateway_groups}/{@code gateway_group_id} (portal reference
     * §3.2); an unparseable version counts as current.
     */
    boolean wantsLegacySiteKeys() {
        int[] min = switch (component == null ? "" : component) {
            case "apple-client" -> new int[] {1, 5, 11};
            case "headless-client" -> new int[] {1, 5, 6};
            case "android-client" -> new int[] {1, 5, 8};
            case "gui-client" -> new int[] {1, 5, 10};
            case "connlib" -> new int[] {Integer.MAX_VALUE, 0, 0};
            default -> null;
        };
        int[] v = numericVersion();
        if (min == null || v == null) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            if (v[i] != min[i]) {
                return v[i] < min[i];
            }
        }
        return false;
    }

    private int[] numericVersion() {
        if (version == null) {
            return null;
        }
        String[] parts = version.split("[.-]");
        if (parts.length < 3) {
            return null;
        }
        int[] v = new int[3];
        try {
            for (int i = 0; i < 3; i++) {
                v[i] = Integer.parseInt(parts[i]);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return v;
    }
}
