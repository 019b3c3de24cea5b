/** Packaging: build-time configuration for jpackage and the OS installers. */
module dev.flint.packaging {
}
