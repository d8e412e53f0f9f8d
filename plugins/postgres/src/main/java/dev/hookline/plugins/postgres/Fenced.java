package dev.hookline.plugins.postgres;

import java.sql.SQLException;

/**
 * A load or write refused because the database has recorded a higher fencing token for the
 * document than the one it carries: another node took the document over since this node's
 * ownership began, and this node must not write over the new owner's work.
 */
final class Fenced extends SQLException {

    private static final long serialVersionUID = 1L;

    Fenced(String document, long fence, long recorded) {
        super("document " + document + " is fenced: this node's ownership token " + fence
                + " is older than token " + recorded + " (another node owns it now)");
    }
}
