package dev.flint.connlib.portal;

/** Why a message was rejected: the event, the JSON path of the offending field, and the problem. */
public record DecodeError(String event, String field, String problem) {

    public String message() {
        return field.isEmpty()
            ? event + ": " + problem
            : event + ": field `" + field + "` " + problem;
    }

    @Override
    public String toString() {
        return message();
    }
}
