package dev.hookline.api;

/** What a write does to the node at its path. */
public enum Operation {
    /** Replace the value at the path (creating missing parents). */
    SET,
    /** Deep-merge an object into the object at the path. */
    MERGE,
    /** Remove the node at the path. */
    DELETE
}
