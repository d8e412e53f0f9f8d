package dev.hookline.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * A plugin's PF4J descriptor, rendered in the two forms PF4J reads: jar manifest attributes
 * ({@code ManifestPluginDescriptorFinder}) and {@code plugin.properties}
 * ({@code PropertiesPluginDescriptorFinder}). Every field but {@code version} may be null, which
 * leaves the attribute or property out.
 */
record Descriptor(String id, String version, String requires, String dependencies, String pluginClass) {

    /** The manifest of a plugin jar: {@code Manifest-Version} plus the {@code Plugin-*} attributes. */
    Manifest toManifest() {
        Manifest manifest = new Manifest();
        Attributes attributes = manifest.getMainAttributes();
        // Without Manifest-Version, Manifest.write silently drops every main attribute.
        attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.putValue("Created-By", "Hookline testkit");
        putIfSet(attributes, "Plugin-Id", id);
        putIfSet(attributes, "Plugin-Version", version);
        putIfSet(attributes, "Plugin-Requires", requires);
        putIfSet(attributes, "Plugin-Dependencies", dependencies);
        putIfSet(attributes, "Plugin-Class", pluginClass);
        return manifest;
    }

    /** The bytes of {@code plugin.properties} for PF4J's zip (directory) layout. */
    byte[] toProperties() {
        Properties properties = new Properties();
        putIfSet(properties, "plugin.id", id);
        putIfSet(properties, "plugin.version", version);
        putIfSet(properties, "plugin.requires", requires);
        putIfSet(properties, "plugin.dependencies", dependencies);
        putIfSet(properties, "plugin.class", pluginClass);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            // Properties.store escapes what needs escaping (e.g. '=' in ">=1.0.0"), unlike hand-written lines.
            properties.store(bytes, "Written by Hookline testkit");
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: the stream is in memory
        }
        return bytes.toByteArray();
    }

    private static void putIfSet(Attributes attributes, String name, String value) {
        if (value != null) {
            attributes.putValue(name, value);
        }
    }

    private static void putIfSet(Properties properties, String name, String value) {
        if (value != null) {
            properties.setProperty(name, value);
        }
    }
}
