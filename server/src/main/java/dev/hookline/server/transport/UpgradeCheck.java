package dev.hookline.server.transport;

import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Checks a WebSocket upgrade request before anything else sees it (RFC 6455, section 4.2.1).
 * Undertow's handshake gives no answer at all to a request it cannot upgrade, leaving the socket
 * open; this gives each one a status, a reason and a closed connection.
 */
final class UpgradeCheck {

    /** The versions Undertow's handshake speaks; 13 is RFC 6455, 7 and 8 are its last drafts. */
    private static final Set<String> VERSIONS = Set.of("13", "8", "7");

    /**
     * Why an upgrade request cannot be upgraded.
     *
     * @param status  the HTTP status to answer
     * @param reason  what was wrong, for the body
     * @param headers headers the answer must carry
     */
    record Refusal(int status, String reason, Map<HttpString, String> headers) {
    }

    private UpgradeCheck() {
    }

    /** @return the refusal, or {@code null} when the request can be upgraded */
    static Refusal check(HttpString method, HeaderMap headers) {
        if (!method.equals(Methods.GET)) {
            return new Refusal(405, "a WebSocket upgrade must be a GET, not " + method, Map.of(Headers.ALLOW, "GET"));
        }
        String version = headers.getFirst(Headers.SEC_WEB_SOCKET_VERSION);
        if (version == null || !VERSIONS.contains(version.strip())) {
            return new Refusal(426, version == null ? "the upgrade has no Sec-WebSocket-Version: send 13"
                    : "Sec-WebSocket-Version " + version.strip() + " is not supported: send 13",
                    Map.of(Headers.SEC_WEB_SOCKET_VERSION, "13"));
        }
        String key = headers.getFirst(Headers.SEC_WEB_SOCKET_KEY);
        if (key == null || !isNonce(key.strip())) {
            return new Refusal(400, key == null ? "the upgrade has no Sec-WebSocket-Key"
                    : "Sec-WebSocket-Key must be 16 bytes in base64", Map.of());
        }
        return null;
    }

    private static boolean isNonce(String key) {
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
