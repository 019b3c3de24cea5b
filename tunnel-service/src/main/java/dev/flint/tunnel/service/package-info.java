/**
 * The tunnel service process: IPC server with peer checks, the session lifecycle, state files,
 * and the {@code run}/{@code run-interactive}/{@code headless} commands.
 */
package dev.flint.tunnel.service;
