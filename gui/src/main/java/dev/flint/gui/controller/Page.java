package dev.flint.gui.controller;

/** The main window's pages. */
public enum Page {
    OVERVIEW, CONNECTIONS, GENERAL_SETTINGS, ADVANCED_SETTINGS, DIAGNOSTICS, ABOUT
}
