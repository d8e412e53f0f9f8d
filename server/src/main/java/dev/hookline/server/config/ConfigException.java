package dev.hookline.server.config;

/**
 * The configuration is not valid. The message names the key by its full dotted path (and, for an
 * environment variable, the variable) and says what is allowed, e.g.
 * {@code server.port: must be 0..65535, got 70000}. It is meant for the operator as it is: no
 * stack trace needed.
 */
public final class ConfigException extends RuntimeException {

    private final String key;

    /**
     * @param key     the full dotted path of the bad key, or {@code null} when the problem is not about one key
     * @param message what is wrong and what is allowed, without the key
     */
    public ConfigException(String key, String message) {
        super(key == null || key.isEmpty() ? message : key + ": " + message);
        this.key = key;
    }

    /** As {@link #ConfigException(String, String)}, with the cause kept for debugging. */
    public ConfigException(String key, String message, Throwable cause) {
        super(key == null || key.isEmpty() ? message : key + ": " + message, cause);
        this.key = key;
    }

    private ConfigException(String key, String fullMessage, boolean unused) {
        super(fullMessage);
        this.key = key;
    }

    /** @return an exception about {@code key} whose message is {@code fullMessage} as it is (no key prefix added) */
    static ConfigException verbatim(String key, String fullMessage) {
        return new ConfigException(key, fullMessage, true);
    }

    /** @return this problem with {@code where} (a file, an environment variable, a flag) appended to the message */
    ConfigException from(String where) {
        ConfigException located = verbatim(key, getMessage() + " (" + where + ")");
        located.initCause(getCause());
        return located;
    }

    /** @return the full dotted path of the bad key, or {@code null} */
    public String key() {
        return key;
    }
}
