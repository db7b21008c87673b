package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.pg.TableName;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A migration spec: the authoritative document of one migration, loaded by {@link SpecLoader}.
 *
 * @param name the migration's name: lower-case letters, digits and underscores, at most 40; it
 *     names the replication slot, the publication, the Kafka topics and Baton's state on the target
 * @param schema what Baton does with the target schema
 * @param compatibilityViews when true and {@code schema} is {@code create}, each renamed table
 *     also gets, on the target, an updatable view with the source's table and column names, so that
 *     clients that still use the old names keep working after cutover
 * @param tables the tables in scope, at least one; a source table appears once
 * @param snapshot bulk snapshot settings
 * @param apply stream apply settings
 * @param verify live verification settings
 * @param cutover cutover settings
 * @param rollback automatic rollback settings
 * @param source the source database, or null when the command line gives it
 * @param target the target database, or null when the command line gives it
 * @param kafka the Kafka cluster, or null when the command line gives it
 */
public record MigrationSpec(
    String name, SchemaMode schema, boolean compatibilityViews, List<TableMapping> tables, SnapshotSettings snapshot,
    ApplySettings apply, VerifySettings verify, CutoverSettings cutover, RollbackSettings rollback, ConnectionSettings source,
    ConnectionSettings target, KafkaSettings kafka) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");

  @JsonCreator
  static MigrationSpec fromYaml(
      @SpecDoc(value = "The migration's name: lower-case letters, digits and underscores, at most 40. It names the"
          + " replication slot and publication (baton_<name>), the Kafka topics and Baton's state rows.", required = true,
          example = "shop") @JsonProperty(value = "name", required = true) String name,
      @SpecDoc(value = "create: Baton creates the target tables from the source catalog through the spec;"
          + " existing: they must exist.", defaultValue = "create") @JsonProperty("schema") SchemaMode schema,
      @SpecDoc(value = "With schema create, also create on the target, for each renamed table, an updatable view with"
          + " the source's table and column names, for clients that still use the old names.", defaultValue = "false")
      @JsonProperty("compatibilityViews") Boolean compatibilityViews,
      @SpecDoc(value = "The tables in scope, at least one; a source table appears once.", required = true)
      @JsonProperty(value = "tables", required = true) List<TableMapping> tables,
      @SpecDoc("How the bulk snapshot copies.") @JsonProperty("snapshot") SnapshotSettings snapshot,
      @SpecDoc("How the stream is applied to the target.") @JsonProperty("apply") ApplySettings apply,
      @SpecDoc("How the migration is verified while it runs.") @JsonProperty("verify") VerifySettings verify,
      @SpecDoc("How cutover and rollback switch traffic.") @JsonProperty("cutover") CutoverSettings cutover,
      @SpecDoc("When baton run rolls back by itself after a cutover.") @JsonProperty("rollback") RollbackSettings rollback,
      @SpecDoc("The source database; --source on the command line takes its place.") @JsonProperty("source")
      ConnectionSettings source,
      @SpecDoc("The target database; --target on the command line takes its place.") @JsonProperty("target")
      ConnectionSettings target,
      @SpecDoc("The Kafka cluster; --kafka on the command line takes its place.") @JsonProperty("kafka")
      KafkaSettings kafka) {
    return new MigrationSpec(
        name,
        schema == null ? SchemaMode.CREATE : schema,
        compatibilityViews != null && compatibilityViews,
        tables,
        snapshot == null ? SnapshotSettings.DEFAULTS : snapshot,
        apply == null ? ApplySettings.DEFAULTS : apply,
        verify == null ? VerifySettings.DEFAULTS : verify,
        cutover == null ? CutoverSettings.DEFAULTS : cutover,
        rollback == null ? RollbackSettings.DEFAULTS : rollback,
        source, target, kafka);
  }

  public MigrationSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new SpecException("name", "name must be lower-case letters, digits and underscores, starting with a letter,"
          + " at most 40 characters (it names the replication slot); was '" + name + "'");
    }
    if (tables == null || tables.isEmpty()) {
      throw new SpecException("tables", "tables must list at least one table");
    }
    tables = List.copyOf(tables);
    Set<TableName> sources = new HashSet<>();
    Set<TableName> targets = new HashSet<>();
    for (TableMapping t : tables) {
      if (!sources.add(t.source())) {
        throw new SpecException("tables", "table " + t.source() + " is listed twice in tables");
      }
      if (!targets.add(t.target())) {
        throw new SpecException("tables", "two tables map to the same target table " + t.target());
      }
    }
  }

  /**
   * @param source a source table
   * @return its mapping, or empty when the table is not in scope
   */
  public Optional<TableMapping> mapping(TableName source) {
    return tables.stream().filter(t -> t.source().equals(source)).findFirst();
  }

  /** @return the name of the logical replication slot on the source: {@code baton_<name>} */
  public String slotName() {
    return slotName(name);
  }

  /** @return the name of the publication on the source: {@code baton_<name>} */
  public String publicationName() {
    return slotName(name);
  }

  /**
   * The one rule for naming a pipeline's replication slot and publication.
   *
   * @param pipeline a pipeline name: the migration's, or its reverse direction's ({@code <name>_rev})
   * @return {@code baton_<pipeline>}, used for both the slot and the publication
   */
  public static String slotName(String pipeline) {
    return "baton_" + pipeline;
  }
}
