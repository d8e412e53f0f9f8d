package dev.hookline.plugins.storage;

import dev.hookline.api.payload.LoadDocument;
import org.slf4j.Logger;

/** What {@code onLoadDocument} answers for a document read from storage, logged. */
public final class LoadAnswer {

    private LoadAnswer() {
    }

    /**
     * @param loaded       the document as stored, or {@code null} when nothing is stored
     * @param skippedTable where the store moved the rows of a damaged log, for the warning
     * @param damagedLoads the store's count of damaged loads, for the warning
     * @return the payload with the stored state, meta and version, or {@code null} for a new document
     */
    public static LoadDocument of(LoadDocument load, Loaded loaded, Logger logger, String skippedTable,
                                  long damagedLoads) {
        if (loaded == null) {
            return null; // nothing stored: a new document
        }
        Loaded.Skipped skipped = loaded.skipped();
        if (skipped != null) {
            logger.warn("Document '{}' has a damaged change log: {}. Loaded at version {} (snapshot {} + {} logged "
                            + "change(s)); left out {} logged row(s), versions {}..{}, now kept in the table {}. "
                            + "Damaged loads since start: {}", load.document(), skipped.reason(), loaded.version(),
                    loaded.snapshotVersion(), loaded.replayed(), skipped.rows(), skipped.first(), skipped.last(),
                    skippedTable, damagedLoads);
        }
        logger.debug("Loaded '{}' at version {} (snapshot {} + {} logged change(s))", load.document(), loaded.version(),
                loaded.snapshotVersion(), loaded.replayed());
        return load.withState(loaded.state()).withMeta(loaded.meta()).withVersion(loaded.version());
    }
}
