package dev.flint.gui.settings;

import java.util.List;
import java.util.Optional;

/**
 * The user's own settings, stored in {@code general_settings.json}. {@code connectOnStart} and
 * {@code startOnLogin} are tri-state ({@code null} = never set) because an unset connect-on-start
 * means "yes" for compatibility with Firezone's files.
 */
public record GeneralSettings(
        List<String> favoriteResources,
        Boolean internetResourceEnabled,
        boolean startMinimized,
        Boolean startOnLogin,
        Boolean connectOnStart,
        String accountSlug) {

    public GeneralSettings {
        favoriteResources = favoriteResources == null ? List.of() : List.copyOf(favoriteResources);
        accountSlug = accountSlug == null || accountSlug.isBlank() ? null : accountSlug.strip();
    }

    public static GeneralSettings defaults() {
        return new GeneralSettings(List.of(), null, true, null, null, null);
    }

    public boolean internetResourceOn() {
        return Boolean.TRUE.equals(internetResourceEnabled);
    }

    public boolean connectOnStartEffective() {
        return connectOnStart == null || connectOnStart;
    }

    public Optional<String> slug() {
        return Optional.ofNullable(accountSlug);
    }

    public boolean isFavorite(String resourceId) {
        return favoriteResources.contains(resourceId);
    }

    public GeneralSettings withFavorite(String resourceId, boolean favorite) {
        var list = new java.util.ArrayList<>(favoriteResources);
        list.remove(resourceId);
        if (favorite) {
            list.add(resourceId);
        }
        return new GeneralSettings(list, internetResourceEnabled, startMinimized, startOnLogin, connectOnStart, accountSlug);
    }

    public GeneralSettings withInternetResource(boolean enabled) {
        return new GeneralSettings(favoriteResources, enabled, startMinimized, startOnLogin, connectOnStart, accountSlug);
    }

    public GeneralSettings withAccountSlug(String slug) {
        return new GeneralSettings(favoriteResources, internetResourceEnabled, startMinimized, startOnLogin, connectOnStart, slug);
    }

    /** Applies the settings form; favorites and the Internet Resource flag are kept. */
    public GeneralSettings withForm(boolean startMinimized, boolean startOnLogin, boolean connectOnStart, String slug) {
        return new GeneralSettings(favoriteResources, internetResourceEnabled, startMinimized, startOnLogin,
                connectOnStart, slug);
    }

    /** "Reset to defaults" keeps favorites and the Internet Resource flag, like applying a form. */
    public GeneralSettings reset() {
        return new GeneralSettings(favoriteResources, internetResourceEnabled, true, null, null, null);
    }
}
