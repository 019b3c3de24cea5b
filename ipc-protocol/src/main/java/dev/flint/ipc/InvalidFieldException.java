package dev.flint.ipc;

/**
 * Thrown by a message record's constructor when a field value is unacceptable. The frame decoder
 * turns it into a typed error naming the field, so a peer's bad value never crashes the reader.
 */
public final class InvalidFieldException extends IllegalArgumentException {
    private final String field;
    private final String problem;

    public InvalidFieldException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    /** The wire (snake_case) name of the field. */
    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }

    static <T> T requireNonNull(T value, String field) {
        if (value == null) {
            throw new InvalidFieldException(field, "is missing or null");
        }
        return value;
    }

    /** An immutable copy of {@code list}, rejecting a null list or a null element by index. */
    static <T> java.util.List<T> requireElements(java.util.List<T> list, String field) {
        requireNonNull(list, field);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new InvalidFieldException(field + "[" + i + "]", "is null");
            }
        }
        return java.util.List.copyOf(list);
    }

    static String requireNonBlank(String value, String field) {
        if (requireNonNull(value, field).isBlank()) {
            throw new InvalidFieldException(field, "is blank");
        }
        return value;
    }
}
