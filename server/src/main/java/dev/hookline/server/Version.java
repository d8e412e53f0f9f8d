package dev.hookline.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Hookline's version, as the build stamped it. */
public final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    /** @return the full version, e.g. {@code 0.1.0-SNAPSHOT} */
    public static String get() {
        return VERSION;
    }

    /** @return the version without qualifier, e.g. {@code 0.1.0}: what {@code Plugin-Requires} is checked against */
    public static String release() {
        int dash = VERSION.indexOf('-');
        return dash < 0 ? VERSION : VERSION.substring(0, dash);
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "0.0.0";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "0.0.0");
            return version.startsWith("${") ? "0.0.0" : version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
