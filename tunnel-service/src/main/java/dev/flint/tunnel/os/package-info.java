/**
 * The shape every OS fills in ({@link dev.flint.tunnel.os.ServiceOs}): the tunnel interface and its
 * configuration, how the service manager runs the service, the IPC endpoint and peer check, and
 * network changes. Nothing here calls an OS API; the Unix socket listener is the POSIX one that
 * Linux and macOS share.
 */
package dev.flint.tunnel.os;
