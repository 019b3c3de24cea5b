/**
 * The portal emulator: a Netty HTTP and WebSocket server speaking Firezone's portal protocol (Phoenix channels
 * {@code client} and {@code gateway}, V1 and V2 framing) from one JSON config file, with the sign-in page that
 * ends in the client's deep link. All portal state lives on one event-loop thread.
 */
package dev.flint.devstack.portal;
