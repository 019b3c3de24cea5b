/**
 * Packaging: jpackage configuration, systemd unit, desktop entries and the .deb/.rpm/MSI/pkg definitions. Build logic only; no runtime code.
 */
package dev.flint.packaging;
