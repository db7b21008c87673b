package io.baton.capture;

import io.baton.pg.TableName;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Debezium's {@code table.include.list} for a set of tables: one regular expression per table,
 * matching exactly {@code schema.table}, joined by commas. Debezium splits the list at every comma
 * that is not escaped as {@code \,} (its {@code Strings.setOfRegex}), so a comma inside a name is
 * written that way; every other character is taken literally ({@link Pattern#quote}).
 */
final class TableIncludeList {
  private TableIncludeList() {}

  /**
   * @param tables the captured tables; never null
   * @return the value for {@code table.include.list}; empty for no tables
   */
  static String of(List<TableName> tables) {
    return tables.stream().map(t -> literal(t.schema()) + "\\." + literal(t.name())).collect(Collectors.joining(","));
  }

  private static String literal(String name) {
    return Pattern.quote(name).replace(",", "\\E\\,\\Q");
  }
}
