package io.baton.pg;

import java.util.List;
import java.util.regex.Pattern;
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

  private static final String WORD = "(?:[\\p{L}_][\\p{L}\\p{N}_$]*|\"(?:[^\"]|\"\")+\")";
  private static final String MODIFIER = "(?:\\s*\\(\\s*\\d+\\s*(?:,\\s*\\d+\\s*)*\\))?";
  private static final Pattern TYPE_NAME = Pattern.compile(WORD + "(?:\\." + WORD + ")*" + MODIFIER
      + "(?:\\s+" + WORD + MODIFIER + ")*(?:\\s*\\[\\s*\\d*\\s*\\])*");

  /**
   * Whether a text is a type name and nothing else, so that it may stand in DDL as it is (a type
   * cannot be quoted as one identifier: {@code numeric(12,2)}, {@code double precision},
   * {@code "My Schema"."Mood"[]}).
   *
   * @param type a type as a spec writes it; null gives false
   * @return true when it is words (letters, digits, '_', '$'; or double-quoted), optionally
   *     schema-qualified, each optionally with a modifier of integers in parentheses, optionally
   *     followed by array brackets; false for anything else, such as {@code ;}, {@code '} or comments
   */
  public static boolean isTypeName(String type) {
    return type != null && TYPE_NAME.matcher(type.strip()).matches();
  }

  /**
   * @param value a string value; null gives {@code NULL}
   * @return a standard-conforming string literal with embedded single quotes doubled
   */
  public static String literal(String value) {
    return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
  }
}
