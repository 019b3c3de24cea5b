package dev.flint.connlib.portal;

/** Internal unwinding from deep inside a payload to the codec boundary, where it becomes a {@link DecodeError}. */
final class DecodeFailure extends RuntimeException {

    final String field;
    final String problem;

    DecodeFailure(String field, String problem) {
        super(field + ": " + problem, null, false, false);
        this.field = field;
        this.problem = problem;
    }
}
