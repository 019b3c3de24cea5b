package dev.flint.connlib.portal;

/**
 * How to write messages for an older peer: v1 event names ({@code flow_created}, {@code create_flow},
 * {@code authorize_flow}, {@code flow_authorized}...) for the legacy sockets, and {@code gateway_groups} /
 * {@code gateway_group_id} instead of {@code sites} / {@code site_id} for clients below the "sites" versions.
 */
public record EncodeOptions(boolean legacyEventNames, boolean legacySiteKeys) {

    /** Current portal: v2 names and {@code sites}. */
    public static final EncodeOptions CURRENT = new EncodeOptions(false, false);
}
