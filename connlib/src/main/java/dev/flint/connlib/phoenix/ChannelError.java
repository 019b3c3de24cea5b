package dev.flint.connlib.phoenix;

/** Why a client channel gave up for good. Only {@link InvalidToken} means the user must sign in again. */
public sealed interface ChannelError {

    /** True only for the two cases Firezone signs out on: 401 invalid/missing token and {@code token_expired}. */
    default boolean requiresSignIn() {
        return this instanceof InvalidToken;
    }

    String describe();

    /** 401 with {@code invalid_token}/{@code missing_token}, or a {@code disconnect} with {@code token_expired}. */
    record InvalidToken(String why) implements ChannelError {
        @Override
        public String describe() {
            return "authentication token invalid (" + why + ")";
        }
    }

    /** Any other 401: fatal, but the token is kept. */
    record AuthenticationFailed(String detail) implements ChannelError {
        @Override
        public String describe() {
            return "authentication failed: " + detail;
        }
    }

    /** The portal refused the join; the reason is {@code unmatched topic}, {@code invalid_version}, ... */
    record LoginFailed(String reason) implements ChannelError {
        @Override
        public String describe() {
            return "portal refused the join: " + reason;
        }
    }

    /** The reconnect budget is used up. */
    record MaxRetriesReached(String lastError) implements ChannelError {
        @Override
        public String describe() {
            return "gave up reconnecting to the portal; last error: " + lastError;
        }
    }
}
