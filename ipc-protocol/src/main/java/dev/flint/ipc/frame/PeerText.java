package dev.flint.ipc.frame;

/**
 * Makes a string the peer chose safe to put into a log line or an error reply: short (64
 * characters unless said otherwise), control and line-separator characters replaced, so a hostile peer can neither
 * flood the log nor forge extra log lines.
 */
final class PeerText {
    static final int MAX_CHARS = 64;

    private PeerText() {}

    static String quote(String text) {
        return quote(text, MAX_CHARS);
    }

    static String quote(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(text.length(), maxChars + 1));
        text.codePoints().limit(maxChars).forEach(c -> sb.appendCodePoint(Character.isISOControl(c)
                || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                || Character.getType(c) == Character.FORMAT ? '?' : c));
        if (text.codePointCount(0, text.length()) > maxChars) {
            sb.append('…');
        }
        return sb.toString();
    }
}
