package dev.hookline.api.payload;

import java.util.Map;

/**
 * The answer an {@code onRequest} hook gives to an HTTP request; see {@link HttpRequest#respond}.
 *
 * @param status  the HTTP status
 * @param headers response headers
 * @param body    the body as text, or an empty string
 */
public record HttpResponse(int status, Map<String, String> headers, String body) {

    /** Validates the components and copies maps, so the record stays immutable. */
    public HttpResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("an HTTP status is 100..599, not " + status);
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? "" : body;
    }
}
