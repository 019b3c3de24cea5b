/** Icon sources and rendered images for the tray, the app and the installers. */
module dev.flint.icons {
    exports dev.flint.icons;
}
