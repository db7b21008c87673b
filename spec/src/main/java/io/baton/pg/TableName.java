package io.baton.pg;

import io.baton.BatonException;

/**
 * A schema-qualified table name, kept unquoted; {@link #quoted()} gives the SQL form.
 *
 * @param schema the schema, for example {@code public}; never null or blank
 * @param name the table, for example {@code pgbench_accounts}; never null or blank
 */
public record TableName(String schema, String name) {
  public TableName {
    if (schema == null || schema.isBlank()) {
      throw new BatonException("table name has no schema");
    }
    if (name == null || name.isBlank()) {
      throw new BatonException("table name is empty");
    }
  }

  /**
   * Parses {@code schema.table}, or {@code table} (schema {@code public}). Double quotes allow dots
   * and other characters in either part, as in SQL: {@code "my.schema"."Table"}.
   *
   * @param text the name; never null
   * @return the parsed name
   * @throws BatonException when the text is empty or has more than two parts
   */
  public static TableName parse(String text) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == '.' && !quoted) {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    parts.add(cur.toString());
    if (quoted || parts.size() > 2 || parts.stream().anyMatch(String::isEmpty)) {
      throw new BatonException("not a table name: '" + text + "' (expected schema.table or table)");
    }
    return parts.size() == 1 ? new TableName("public", parts.get(0)) : new TableName(parts.get(0), parts.get(1));
  }

  /** @return the SQL form with both parts quoted, for example {@code "public"."accounts"} */
  public String quoted() {
    return Sql.ident(schema) + "." + Sql.ident(name);
  }

  /**
   * The text form for messages, labels and Baton's state tables: {@code schema.name}, where a part
   * holding a dot or a double quote is written in double quotes ({@code "my.schema".orders}), so
   * that {@link #parse} of it always gives this name back.
   *
   * @return the name as text; never null
   */
  @Override
  public String toString() {
    return part(schema) + "." + part(name);
  }

  private static String part(String p) {
    return p.indexOf('.') < 0 && p.indexOf('"') < 0 ? p : Sql.ident(p);
  }
}
