/**
 * DNS control: pointing the OS resolver at the tunnel and restoring it exactly
 * ({@code /etc/resolv.conf}, systemd-resolved, or disabled).
 */
package dev.flint.tunnel.dns;
