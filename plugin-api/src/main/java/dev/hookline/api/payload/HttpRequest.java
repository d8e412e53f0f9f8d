package dev.hookline.api.payload;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request, passed to {@code onRequest} before the built-in routes. A hook may rewrite it,
 * or answer it with {@link #respond}: the chain ends and the response is sent.
 *
 * @param method the method, upper case
 * @param path the request path
 * @param query the raw query string, or an empty string
 * @param headers request headers, names in lower case
 * @param remoteAddress the client's address as {@code host:port}
 * @param response the answer a hook gave, or {@code null}
 */
public record HttpRequest(String method, String path, String query, Map<String, List<String>> headers, String remoteAddress, HttpResponse response) {

    /** Validates the components and copies maps, so the record stays immutable. */
    public HttpRequest {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** @return a copy with another path */
    public HttpRequest withPath(String path) {
        return new HttpRequest(method, path, query, headers, remoteAddress, response);
    }

    /** @return a copy with another query */
    public HttpRequest withQuery(String query) {
        return new HttpRequest(method, path, query, headers, remoteAddress, response);
    }

    /** @return a copy with another headers */
    public HttpRequest withHeaders(Map<String, List<String>> headers) {
        return new HttpRequest(method, path, query, headers, remoteAddress, response);
    }

    /**
     * Answers the request: returning the result ends the {@code onRequest} chain and the
     * server sends this response instead of running its own routes.
     *
     * @param status      the HTTP status
     * @param contentType the content type, or {@code null}
     * @param body        the body, or an empty string
     * @return a copy carrying the response
     */
    public HttpRequest respond(int status, String contentType, String body) {
        return new HttpRequest(method, path, query, headers, remoteAddress, new HttpResponse(status, contentType == null ? Map.of() : Map.of("content-type", contentType), body));
    }

    /** @return the first value of a header (name in any case), or {@code null} */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
