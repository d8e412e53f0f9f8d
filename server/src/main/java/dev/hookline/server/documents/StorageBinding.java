package dev.hookline.server.documents;

import dev.hookline.api.payload.StoreDocument;
import dev.hookline.server.hooks.HookChain;

/**
 * Which storage holds one document, so that a change is only acknowledged when the storage that
 * logs it also holds everything before it. The storage is the {@code onStoreDocument} chain: the
 * one the document was loaded with, then the one it was last stored through. A storage plugin
 * logs changes in {@code onChange} on top of what it loaded or stored; a change logged by another
 * storage (a plugin loaded again, replaced, or pointed at another file) would follow versions that
 * storage never saw, a gap in its log. Confined to the document's lane.
 */
final class StorageBinding {

    /** What a write must do before its change may be applied, logged and acknowledged. */
    enum Before {
        /** Nothing: the storage that holds the document is the one installed (or there is none, and never was). */
        WRITE,
        /** Refuse the write (4503): the document is held by a storage that is not installed now. */
        REFUSE,
        /** Store the document through the storage installed now first; then it holds it. */
        STORE
    }

    private HookChain<StoreDocument> holder;

    /** @param loadedWith the store chain installed when the document loaded (empty: memory only) */
    StorageBinding(HookChain<StoreDocument> loadedWith) {
        this.holder = loadedWith;
    }

    /** @return what a write must do first, given the store chain installed now */
    Before beforeWrite(HookChain<StoreDocument> installed) {
        if (installed.sameHooksAs(holder)) {
            holder = installed; // the same hooks in a chain rebuilt for another plugin: compare by identity next time
            return Before.WRITE;
        }
        return installed.isEmpty() ? Before.REFUSE : Before.STORE;
    }

    /** The document was stored through {@code chain}: that storage holds it now. */
    void storedThrough(HookChain<StoreDocument> chain) {
        holder = chain;
    }
}
