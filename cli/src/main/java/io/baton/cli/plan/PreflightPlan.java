package io.baton.cli.plan;

import io.baton.pg.TableName;
import java.util.List;

/**
 * The preflight plan of one migration: what {@code baton plan} found on both databases before
 * anything is written, the estimates it derived, and the risks {@link Risks} judged from them. A
 * value: built by {@link PlanCommand}, rendered by {@link PlanText}, {@link PlanMarkdown} and
 * {@link PlanJson}.
 *
 * <p>Names of tables are {@code schema.table} without quotes (as {@link io.baton.pg.TableName#toString()}
 * prints them); sizes are bytes; lists are never null (empty when there is nothing).
 *
 * @param migration the spec's name
 * @param takenAtMs when the plan was taken, milliseconds since the epoch
 * @param schemaMode the spec's {@code schema}: {@code create} or {@code existing}
 * @param earlierRun where an earlier run of this migration stands, the last state in its journal
 *     on the target (for example {@code STREAMING}); null for a new migration
 * @param tables the tables in the spec's scope that exist on the source, in spec order
 * @param missingTables source tables the spec names that do not exist
 * @param loadOrder the tables in scope, parents before children (see {@link LoadOrder})
 * @param cycles the foreign-key cycles among the tables in scope, each a list of tables; empty when
 *     there is none
 * @param extensions the extensions installed in the source database, with their state on the target
 * @param source the source server's settings and the migration user's rights there
 * @param target the target server's settings and the migration user's rights there
 * @param forecast the estimates (disk, WAL, copy duration)
 * @param checkProblems what {@code baton run}'s own checks of the spec against both catalogs refuse
 *     ({@link io.baton.capture.SourceCheck}, and {@link io.baton.sink.TargetCheck} with
 *     {@code schema: existing}), one message each, beyond what the rules of {@link Risks} name
 * @param risks the risks, most severe first
 */
public record PreflightPlan(String migration, long takenAtMs, String schemaMode, String earlierRun, List<TableReport> tables,
    List<String> missingTables, List<String> loadOrder, List<List<String>> cycles, List<Extension> extensions,
    ServerReport source, ServerReport target, Forecast forecast, List<String> checkProblems, List<Risk> risks) {

  /**
   * The point of no return, as every rendering states it. Before {@code baton finalize}, reverse
   * replication keeps the source current after a cutover, so a rollback loses nothing; finalize
   * drops the slots and publications on both sides, after which going back would lose what was
   * written on the target since.
   */
  public static final String POINT_OF_NO_RETURN = "baton finalize is the point of no return: it stops every pipeline"
      + " and drops the replication slots and publications on both sides, the reverse slot included, so that from then"
      + " on a rollback is no longer lossless (writes made on the target would not reach the source). Until finalize,"
      + " reverse replication carries every change made on the target back to the source, and baton rollback loses"
      + " nothing.";

  public PreflightPlan {
    tables = List.copyOf(tables);
    missingTables = List.copyOf(missingTables);
    loadOrder = List.copyOf(loadOrder);
    cycles = cycles.stream().map(List::copyOf).toList();
    extensions = List.copyOf(extensions);
    checkProblems = List.copyOf(checkProblems);
    risks = List.copyOf(risks);
  }

  /**
   * @param judged the risks
   * @return this plan with these risks, sorted most severe first (then most likely first, then by id)
   */
  public PreflightPlan withRisks(List<Risk> judged) {
    List<Risk> sorted = judged.stream().sorted(java.util.Comparator.comparing(Risk::severity)
        .thenComparing(Risk::likelihood).thenComparing(Risk::id)).toList();
    return new PreflightPlan(migration, takenAtMs, schemaMode, earlierRun, tables, missingTables, loadOrder, cycles, extensions, source,
        target, forecast, checkProblems, sorted);
  }

  /** @return the blocking risks, in plan order; empty when {@code baton run} can start */
  public List<Risk> blocking() {
    return risks.stream().filter(r -> r.severity() == Severity.BLOCKING).toList();
  }

  /**
   * @param source a source table name, {@code schema.table}
   * @return the table's report, or null when the table is not in scope or does not exist
   */
  public TableReport table(String source) {
    return tables.stream().filter(t -> t.source().toString().equals(source)).findFirst().orElse(null);
  }

  /** How bad a risk is when it happens. Declared most severe first. */
  public enum Severity {
    /** {@code baton run} refuses to start, or the migration cannot work at all. */
    BLOCKING,
    /** Data would be lost or wrong, or the migration would stop, unless acted on. */
    HIGH,
    /** The migration works, with a cost or a manual step. */
    MEDIUM,
    /** Worth knowing, or worth tidying up. */
    LOW;

    /** @return the lower-case name used in every rendering */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How likely a risk is to happen. Declared most likely first. */
  public enum Likelihood {
    /** It happens. */
    CERTAIN,
    /** It happens unless the workload avoids it. */
    LIKELY,
    /** It happens if someone does a particular thing. */
    POSSIBLE;

    /** @return the lower-case name used in every rendering */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One risk.
   *
   * @param id unique within the plan: the rule's name, then {@code /} and the object for rules
   *     that apply per object (for example {@code replica-identity/public.orders})
   * @param severity how bad
   * @param likelihood how likely
   * @param subject what it is about: a table, a column, a setting, a role
   * @param what what happens, in a sentence or two
   * @param mitigation what to do: the exact SQL or spec change
   * @param reference where the rule comes from (a PostgreSQL manual section, or Baton's README)
   */
  public record Risk(String id, Severity severity, Likelihood likelihood, String subject, String what, String mitigation,
      String reference) {}

  /**
   * One table in the spec's scope, as the source catalog describes it.
   *
   * @param source the source table
   * @param target the target table the spec maps it to
   * @param kind {@code table} (relkind r, not a partition), {@code partitioned} (relkind p) or
   *     {@code partition} (a partition of another table)
   * @param partitionOf for a partition, the root of its partition tree; null otherwise
   * @param partitions for a partitioned table, its leaf partitions; empty otherwise
   * @param totalBytes {@code pg_total_relation_size}: heap, TOAST, indexes, summed over the leaf
   *     partitions for a partitioned table
   * @param heapBytes {@code pg_relation_size} of the main fork, summed likewise
   * @param toastBytes the TOAST table's total size, summed likewise
   * @param indexBytes {@code pg_indexes_size}, summed likewise
   * @param estimatedRows {@code pg_class.reltuples} (summed over leaves), or -1 when the table has
   *     never been vacuumed or analyzed
   * @param primaryKey the primary key's columns; empty when it has none
   * @param replicaIdentity {@code pg_class.relreplident}: d default, n nothing, f full, i index
   * @param replicaIdentityIndex for {@code i}, the index; null otherwise
   * @param rowSecurity true when row-level security is enabled ({@code relrowsecurity})
   * @param forceRowSecurity true when it applies to the owner too ({@code relforcerowsecurity})
   * @param owner the owning role
   * @param ownedByUser true when the migration user is the owner or a member of it (needed to put
   *     the table in a publication)
   * @param canSelect true when the migration user may SELECT it
   * @param toastableColumns columns of a variable-length type whose storage is extended, external
   *     or main: their large values live out of line, and an UPDATE that does not change them
   *     sends no value for them in logical decoding
   * @param typeIssues columns of a type Baton cannot carry intact
   * @param sequences columns fed by a sequence (serial, identity, or a nextval default)
   * @param generatedColumns generated columns ({@code attgenerated})
   * @param foreignKeys the table's foreign keys
   * @param referencedBy foreign keys of tables out of scope that reference this one
   * @param triggers the table's triggers (not internal ones)
   * @param targetTable the target table as it stands, or null when it does not exist
   */
  public record TableReport(TableName source, TableName target, String kind, String partitionOf, List<String> partitions,
      long totalBytes, long heapBytes, long toastBytes, long indexBytes, long estimatedRows, List<String> primaryKey,
      char replicaIdentity, String replicaIdentityIndex, boolean rowSecurity, boolean forceRowSecurity, String owner,
      boolean ownedByUser, boolean canSelect, List<String> toastableColumns, List<TypeIssue> typeIssues,
      List<SequenceUse> sequences, List<GeneratedColumn> generatedColumns, List<ForeignKey> foreignKeys,
      List<ForeignKey> referencedBy, List<Trigger> triggers, TargetTable targetTable) {
    public TableReport {
      partitions = List.copyOf(partitions);
      primaryKey = List.copyOf(primaryKey);
      toastableColumns = List.copyOf(toastableColumns);
      typeIssues = List.copyOf(typeIssues);
      sequences = List.copyOf(sequences);
      generatedColumns = List.copyOf(generatedColumns);
      foreignKeys = List.copyOf(foreignKeys);
      referencedBy = List.copyOf(referencedBy);
      triggers = List.copyOf(triggers);
    }

    /** @return the replica identity in words: default, nothing, full, or index NAME */
    public String replicaIdentityName() {
      return switch (replicaIdentity) {
        case 'd' -> "default";
        case 'n' -> "nothing";
        case 'f' -> "full";
        case 'i' -> "index " + replicaIdentityIndex;
        default -> String.valueOf(replicaIdentity);
      };
    }
  }

  /** Why a column's values do not arrive intact. */
  public enum TypeIssueKind {
    /** Declared with more than one dimension ({@code attndims > 1}): the stream sends NULL elements. */
    MULTIDIMENSIONAL_ARRAY,
    /** {@code timetz}: the stream converts values to UTC, the offset is lost. */
    TIMETZ,
    /** A pseudo-type: no text form to copy. */
    NO_TEXT_FORM,
    /** timestamp or timestamptz: values after 294247 AD are cut short in the stream. */
    TIMESTAMP_RANGE
  }

  /**
   * A column whose values Baton cannot carry intact.
   *
   * @param column the column
   * @param type its type as {@code format_type} prints it
   * @param kind why
   */
  public record TypeIssue(String column, String type, TypeIssueKind kind) {}

  /**
   * A column fed by a sequence.
   *
   * @param column the column
   * @param sequence the sequence, {@code schema.name} with each part quoted when needed
   * @param identity {@code always} or {@code by default} for an identity column; null otherwise
   * @param owned true when the sequence is owned by this column (serial, identity, or OWNED BY):
   *     only those are carried over at cutover
   * @param onTarget true when a sequence of that name exists in the target database
   */
  public record SequenceUse(String column, String sequence, String identity, boolean owned, boolean onTarget) {}

  /**
   * A generated column.
   *
   * @param column the column
   * @param type its type
   * @param expression the generation expression as {@code pg_get_expr} prints it
   * @param droppedBySpec true when the spec drops the column ({@code columns.NAME.drop: true})
   */
  public record GeneratedColumn(String column, String type, String expression, boolean droppedBySpec) {}

  /**
   * A foreign key.
   *
   * @param name the constraint
   * @param table the referencing table
   * @param columns its columns, in key order
   * @param references the referenced table
   * @param referencedColumns the referenced columns, in key order
   * @param inScope true when both tables are in the spec's scope
   */
  public record ForeignKey(String name, TableName table, List<String> columns, TableName references,
      List<String> referencedColumns, boolean inScope) {
    public ForeignKey {
      columns = List.copyOf(columns);
      referencedColumns = List.copyOf(referencedColumns);
    }
  }

  /**
   * A trigger.
   *
   * @param name the trigger
   * @param enabled {@code pg_trigger.tgenabled}: O fires in the origin and local roles (the
   *     default), D disabled, R only in the replica role, A always
   * @param definition {@code pg_get_triggerdef}
   */
  public record Trigger(String name, char enabled, String definition) {
    /** @return true when it fires in a session in {@code session_replication_role = replica}, as Baton's apply is */
    public boolean firesInReplicaRole() {
      return enabled == 'R' || enabled == 'A';
    }

    /** @return the enabled state in words */
    public String enabledName() {
      return switch (enabled) {
        case 'O' -> "enabled";
        case 'D' -> "disabled";
        case 'R' -> "enabled replica";
        case 'A' -> "enabled always";
        default -> String.valueOf(enabled);
      };
    }
  }

  /**
   * The target table, when it exists, and the migration user's rights on it there.
   *
   * @param insert INSERT allowed
   * @param update UPDATE allowed
   * @param delete DELETE allowed
   * @param truncate TRUNCATE allowed (a TRUNCATE on the source is applied as one)
   * @param owner the role that owns it
   * @param ownedByUser true when the migration user is the owner or a member of it (needed to put
   *     the table in the reverse publication at cutover: PostgreSQL manual, CREATE PUBLICATION)
   * @param triggers its triggers (not internal ones)
   */
  public record TargetTable(boolean insert, boolean update, boolean delete, boolean truncate, String owner,
      boolean ownedByUser, List<Trigger> triggers) {
    public TargetTable {
      triggers = List.copyOf(triggers);
    }
  }

  /**
   * An extension installed in the source database.
   *
   * @param name the extension
   * @param sourceVersion its version on the source
   * @param targetVersion its version installed in the target database, or null when it is not
   *     installed there
   * @param targetAvailable the version the target server could install ({@code pg_available_extensions}),
   *     or null when its files are not on the target server
   */
  public record Extension(String name, String sourceVersion, String targetVersion, String targetAvailable) {}

  /**
   * A schema the migration creates objects in, on the target.
   *
   * @param name the schema
   * @param exists true when it exists
   * @param create true when the migration user may create objects in it (meaningless when it does not exist)
   * @param purpose why the migration needs it: {@code tables} or {@code state} (Baton's own schema)
   */
  public record SchemaAccess(String name, boolean exists, boolean create, String purpose) {}

  /**
   * One server's settings and the migration user's attributes and rights there.
   *
   * @param url the database, {@code postgresql://USER@HOST:PORT/DB}
   * @param user the migration user
   * @param database the database name
   * @param versionNum {@code server_version_num}, for example 170006
   * @param version {@code server_version}
   * @param walLevel {@code wal_level}
   * @param maxReplicationSlots {@code max_replication_slots}
   * @param replicationSlotsUsed rows in {@code pg_replication_slots}
   * @param maxWalSenders {@code max_wal_senders}
   * @param walSendersUsed WAL sender processes running ({@code pg_stat_activity}, backend type walsender)
   * @param maxSlotWalKeepSizeMb {@code max_slot_wal_keep_size} in MB; -1 for unlimited
   * @param superuser the user is a superuser
   * @param bootstrapUser the user is the bootstrap superuser (the role initdb created, oid 10), which
   *     should keep its attributes: the plan then suggests a role of the migration's own
   * @param replication the user has REPLICATION
   * @param createRole the user has CREATEROLE
   * @param createDb the user has CREATEDB
   * @param bypassRls the user has BYPASSRLS
   * @param canSetReplicaRole the user may {@code SET session_replication_role} (superuser, or on
   *     PostgreSQL 15 and later the SET privilege on the parameter)
   * @param canCreateInDatabase the user has CREATE on the database (schemas, publications)
   * @param schemas on the target, the schemas the migration creates objects in; empty on the source
   */
  public record ServerReport(String url, String user, String database, int versionNum, String version, String walLevel,
      int maxReplicationSlots, int replicationSlotsUsed, int maxWalSenders, int walSendersUsed, long maxSlotWalKeepSizeMb,
      boolean superuser, boolean bootstrapUser, boolean replication, boolean createRole, boolean createDb, boolean bypassRls,
      boolean canSetReplicaRole, boolean canCreateInDatabase, List<SchemaAccess> schemas) {
    public ServerReport {
      schemas = List.copyOf(schemas);
    }

    /** @return replication slots still free (may be negative when the setting was lowered) */
    public int freeReplicationSlots() {
      return maxReplicationSlots - replicationSlotsUsed;
    }

    /** @return WAL senders still free */
    public int freeWalSenders() {
      return maxWalSenders - walSendersUsed;
    }
  }

  /**
   * A timed read of part of a table with COPY, the copy rate measured.
   *
   * @param table the table read (the largest in scope)
   * @param rows rows read
   * @param bytes bytes of COPY text read
   * @param seconds how long the read took, from the COPY to its last byte
   * @param wholeTable true when the whole table was read, false when a LIMIT cut it
   */
  public record CopySample(String table, long rows, long bytes, double seconds, boolean wholeTable) {
    /** @return bytes of COPY text per second, 0 when nothing was read */
    public double bytesPerSecond() {
      return seconds <= 0 || bytes == 0 ? 0 : bytes / seconds;
    }
  }

  /**
   * The estimates.
   *
   * @param totalBytes the tables' total size on the source: heap, TOAST and indexes
   * @param heapBytes their heap
   * @param toastBytes their TOAST
   * @param indexBytes their indexes
   * @param targetDiskBytes disk the target needs: {@code totalBytes} plus {@link Estimates#DISK_MARGIN}
   * @param targetFreeBytes free disk on the target; always null: PostgreSQL gives no SQL access to
   *     it, so the plan says to check it
   * @param sampleSeconds how long the source's WAL was sampled for; 0 when it was not
   * @param walBytesPerSecond WAL the source wrote per second while sampled; null when not sampled
   * @param copySample the measured copy; null when no table could be read
   * @param copySeconds the bulk copy's duration at the measured single-stream rate: heap and TOAST
   *     bytes over bytes per second; null without a rate
   * @param parallelism the spec's {@code snapshot.parallelism}
   * @param chunks about how many snapshot chunks the tables make ({@code snapshot.chunkMegabytes} of heap each, at least one per table)
   * @param parallelCopySeconds {@code copySeconds} divided by {@code min(parallelism, chunks)}: the
   *     best case if both servers keep up with that many streams, which was not measured; null
   *     without a rate
   * @param walDuringCopyBytes WAL the slot retains during the copy: the WAL rate times
   *     {@code copySeconds} (the single-stream duration, the longer one); null when either is unknown
   */
  public record Forecast(long totalBytes, long heapBytes, long toastBytes, long indexBytes, long targetDiskBytes,
      Long targetFreeBytes, int sampleSeconds, Double walBytesPerSecond, CopySample copySample, Double copySeconds,
      int parallelism, long chunks, Double parallelCopySeconds, Long walDuringCopyBytes) {}
}
