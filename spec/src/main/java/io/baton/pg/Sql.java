package io.baton.pg;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Quoting for SQL that Baton builds. Every identifier that reaches SQL goes through
 * {@link #ident}; every literal through {@link #literal}. The rules are those of PostgreSQL's
 * "Lexical Structure" (section 4.1.1 and 4.1.2.1 of the manual).
 */
public final class Sql {
  private Sql() {}

  /**
   * @param identifier any identifier, including mixed case, spaces, quotes and non-Latin letters
   * @return the identifier in double quotes with embedded quotes doubled
   */
  public static String ident(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /**
   * @param identifiers column names
   * @return the quoted names joined by {@code ", "}
   */
  public static String idents(List<String> identifiers) {
    return identifiers.stream().map(Sql::ident).collect(Collectors.joining(", "));
  }

  /**
   * @param value a string value; null gives {@code NULL}
   * @return a standard-conforming string literal with embedded single quotes doubled
   */
  public static String literal(String value) {
    return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
  }
}
