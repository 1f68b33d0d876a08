package io.nvmegate.control;

/**
 * A refused management request: the HTTP status (400 invalid, 404 not found, 409 conflict) and the request field
 * at fault (null when none), answered as {@code {"error": message, "field": field}}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String field;

    public ApiException(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public int status() { return status; }

    public String field() { return field; }

    public static ApiException invalid(String field, String message) { return new ApiException(400, field, message); }

    public static ApiException notFound(String field, String message) { return new ApiException(404, field, message); }

    public static ApiException conflict(String field, String message) { return new ApiException(409, field, message); }

    /**
     * Turns a record parser's {@link IllegalArgumentException} ("namespace.size must be ...") into a 400 naming
     * the field (the part after the record name: {@code size}).
     */
    public static ApiException from(IllegalArgumentException e) {
        String msg = e.getMessage() == null ? "invalid request" : e.getMessage();
        String first = msg.split("[ :]", 2)[0];
        String field = null;
        int dot = first.indexOf('.');
        if (dot > 0 && dot < first.length() - 1) field = first.substring(dot + 1).replace("[]", "");
        return new ApiException(400, field, msg);
    }
}
