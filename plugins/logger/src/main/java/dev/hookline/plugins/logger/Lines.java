package dev.hookline.plugins.logger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.payload.Authenticate;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.Configure;
import dev.hookline.api.payload.Connect;
import dev.hookline.api.payload.Connected;
import dev.hookline.api.payload.Destroy;
import dev.hookline.api.payload.Disconnect;
import dev.hookline.api.payload.DocumentLoaded;
import dev.hookline.api.payload.DocumentStored;
import dev.hookline.api.payload.DocumentUnloaded;
import dev.hookline.api.payload.HttpRequest;
import dev.hookline.api.payload.Join;
import dev.hookline.api.payload.Leave;
import dev.hookline.api.payload.Listen;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.Upgrade;
import java.util.Map;
import java.util.TreeMap;

/**
 * The text of each line (without the prefix). Everything that comes from a client (document
 * names, paths, close reasons, attribute values) is cleaned: control characters are escaped, so
 * a client cannot forge log lines, and long strings are cut.
 *
 * <p>Never logged: tokens, query strings, headers, document values and meta. Attribute values
 * only when {@code includeAttributes} is on.
 */
final class Lines {

    /** The longest client string kept whole; longer ones are cut with an ellipsis. */
    static final int MAX_TEXT = 200;

    private Lines() {
    }

    /** @return the line for a payload of a logged hook */
    static String describe(Object payload, HookContext context, boolean attributes) {
        return switch (payload) {
            case Configure c -> configure(c);
            case Listen l -> "listening on " + hostPort(l.host(), l.port());
            case Destroy d -> "shut down";
            case HttpRequest r -> "request " + clean(r.method()) + " " + clean(r.path()) + " from " + clean(r.remoteAddress());
            case Upgrade u -> "upgrade " + clean(u.path()) + " from " + clean(u.remoteAddress());
            case Connect c -> "connect " + connectionId(context) + " from " + clean(c.remoteAddress())
                    + (c.readOnly() ? " (read-only)" : "") + attributes(c.attributes(), attributes);
            case Connected c -> "connected " + connectionId(context) + attributes(c.attributes(), attributes);
            case Disconnect d -> "disconnect " + connectionId(context) + " (" + d.code()
                    + (d.reason() == null || d.reason().isEmpty() ? "" : ": " + clean(d.reason())) + ")";
            case Authenticate a -> "authenticate " + connectionId(context) + " for " + quoted(a.document())
                    + (a.readOnly() ? " (read-only)" : "") + attributes(a.attributes(), attributes);
            case Join j -> connectionId(context) + " joined " + quoted(j.document());
            case Leave l -> connectionId(context) + " left " + quoted(l.document());
            case LoadDocument l -> "loading document " + quoted(l.document()) + " at version " + l.version();
            case DocumentLoaded l -> "document " + quoted(l.document()) + " loaded at version " + l.version();
            case Change c -> "change " + clean(c.document()) + "#" + c.version() + " " + operation(c.operation()) + " "
                    + path(c.path()) + " by " + origin(c.origin());
            case DocumentStored s -> "document " + quoted(s.document()) + " stored at version " + s.version();
            case DocumentUnloaded u -> "document " + quoted(u.document()) + " unloaded";
            default -> payload.getClass().getSimpleName();
        };
    }

    private static String configure(Configure configure) {
        JsonNode config = configure.config();
        if (config == null || !config.has("port")) {
            return "configuring";
        }
        return "configuring " + hostPort(config.path("host").asText("?"), config.path("port").asInt());
    }

    private static String hostPort(String host, int port) {
        String h = clean(host);
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
    }

    private static String connectionId(HookContext context) {
        return context.connection().map(Connection::id).map(Lines::clean).orElse("-");
    }

    private static String operation(Operation operation) {
        return operation == null ? "?" : switch (operation) {
            case SET -> "set";
            case MERGE -> "merge";
            case DELETE -> "delete";
        };
    }

    private static String path(String path) {
        return path == null || path.isEmpty() ? "(root)" : clean(path);
    }

    private static String origin(Origin origin) {
        if (origin == null) {
            return "?";
        }
        return switch (origin.kind()) {
            case CONNECTION -> "connection " + clean(origin.source());
            case SERVER -> "server";
            case STORAGE -> "storage";
            case REPLICATION -> "replication from " + clean(origin.source());
        };
    }

    /** Attribute values only when asked for: they often hold user ids, roles, tokens. Sorted by key. */
    private static String attributes(Map<String, Object> attributes, boolean include) {
        if (!include || attributes == null || attributes.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(" {");
        boolean first = true;
        for (Map.Entry<String, Object> entry : new TreeMap<>(attributes).entrySet()) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            out.append(clean(entry.getKey())).append('=').append(clean(String.valueOf(entry.getValue())));
        }
        return out.append('}').toString();
    }

    static String quoted(String text) {
        String cleaned = clean(text);
        return "\"" + (cleaned.indexOf('"') >= 0 ? cleaned.replace("\"", "\\\"") : cleaned) + "\"";
    }

    /** @return whether a code point may not appear in a log line as it is */
    static boolean unsafe(int c) {
        return Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0x85;
    }

    /** @return the text with control characters escaped as {@code \\uXXXX} and cut at {@link #MAX_TEXT} */
    static String clean(String text) {
        if (text == null) {
            return "null";
        }
        boolean safe = text.length() <= MAX_TEXT;
        for (int i = 0; safe && i < text.length(); i++) {
            safe = !unsafe(text.charAt(i));
        }
        if (safe) {
            return text;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_TEXT) + 8);
        int end = Math.min(text.length(), MAX_TEXT);
        if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // do not split a surrogate pair
        }
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (end < text.length()) {
            out.append('…');
        }
        return out.toString();
    }
}
