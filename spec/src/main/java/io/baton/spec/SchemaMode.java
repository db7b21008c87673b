package io.baton.spec;

/** What Baton does with the target schema before the bulk snapshot (spec key {@code schema}). */
public enum SchemaMode {
  /** Create each target table from the source catalog through the spec; fail if it exists. */
  CREATE,
  /** The operator created the target tables; Baton checks they exist and leaves them as they are. */
  EXISTING
}
