package dev.flint.connlib.portal;

/** Any portal channel message, in one of the four directions. */
public sealed interface PortalMessage permits PortalToClient, ClientToPortal, PortalToGateway, GatewayToPortal {
}
