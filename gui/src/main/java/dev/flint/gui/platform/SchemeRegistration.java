package dev.flint.gui.platform;

import java.io.IOException;

/** Registers Flint, per user, as the handler of the sign-in callback scheme. */
public interface SchemeRegistration {

    String SCHEME = dev.flint.gui.signin.CallbackLink.SCHEME;

    void register() throws IOException;
}
