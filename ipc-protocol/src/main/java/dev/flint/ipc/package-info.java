/**
 * Messages between the GUI and the tunnel service, and between two GUI instances: sealed families of records, versioned.
 */
package dev.flint.ipc;
