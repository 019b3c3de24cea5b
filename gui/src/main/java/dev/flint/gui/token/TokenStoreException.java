package dev.flint.gui.token;

/** A keyring operation failed; the message is a sentence fit to show the user. */
public final class TokenStoreException extends Exception {

    public TokenStoreException(String sentence, Throwable cause) {
        super(sentence, cause);
    }

    public TokenStoreException(String sentence) {
        super(sentence);
    }
}
