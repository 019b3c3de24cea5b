/**
 * The Firezone portal's message model: sealed families of records per direction ({@code PortalToClient},
 * {@code ClientToPortal}, {@code PortalToGateway}, {@code GatewayToPortal}) and {@code PortalCodec}, which reads
 * Jackson trees tolerantly (bad input becomes a {@code DecodeError} naming the field) and writes the portal's form.
 */
package dev.flint.connlib.portal;
