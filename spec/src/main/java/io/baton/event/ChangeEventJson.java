package io.baton.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.BatonException;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON form of {@link ChangeEvent} on Kafka topics (UTF-8), and of its key.
 *
 * <pre>{"op":"u","table":"public.accounts","lsn":"0/16B3748","ts":1732200000000,
 *  "before":{"aid":"7"},"after":{"aid":"7","balance":"-42"}}</pre>
 *
 * The message key is the primary key object alone, {@code {"aid":"7"}}, so that Kafka keeps the
 * changes of one row in one partition, in order; tables without a primary key have a null key.
 */
public final class ChangeEventJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChangeEventJson() {}

  /**
   * @param e the event
   * @return its JSON value, UTF-8
   */
  public static byte[] value(ChangeEvent e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("op", e.op().code());
    n.put("table", e.table().schema() + "." + e.table().name());
    n.put("schema", e.table().schema());
    n.put("name", e.table().name());
    n.put("lsn", e.lsn().toString());
    n.put("ts", e.commitTimeMs());
    if (e.lastCommitLsn() != null) {
      n.put("last_commit_lsn", e.lastCommitLsn().toString());
    }
    if (e.txId() != 0) {
      n.put("txid", e.txId());
    }
    putRow(n, "key", e.key());
    putRow(n, "before", e.before());
    putRow(n, "after", e.after());
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param key the key columns, or null
   * @return the JSON key, UTF-8, or null for a null key
   */
  public static byte[] key(Map<String, String> key) {
    if (key == null) {
      return null;
    }
    ObjectNode n = JSON.createObjectNode();
    key.forEach(n::put);
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param json a value written by {@link #value}
   * @return the event
   * @throws BatonException when the bytes are not such a value (the message quotes the start of it)
   */
  public static ChangeEvent parse(byte[] json) {
    try {
      JsonNode n = JSON.readTree(json);
      return new ChangeEvent(
          ChangeEvent.Op.of(n.path("op").asText()),
          new TableName(n.path("schema").asText(), n.path("name").asText()),
          row(n.get("key")), row(n.get("before")), row(n.get("after")),
          Lsn.parse(n.path("lsn").asText()), n.path("ts").asLong(),
          n.hasNonNull("last_commit_lsn") ? Lsn.parse(n.get("last_commit_lsn").asText()) : null,
          n.path("txid").asLong(0));
    } catch (java.io.IOException | RuntimeException e) {
      String text = new String(json, StandardCharsets.UTF_8);
      throw new BatonException("not a Baton change event: " + text.substring(0, Math.min(200, text.length())), e);
    }
  }

  private static void putRow(ObjectNode n, String field, Map<String, String> row) {
    if (row == null) {
      n.putNull(field);
      return;
    }
    ObjectNode r = n.putObject(field);
    row.forEach(r::put);
  }

  private static Map<String, String> row(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      out.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText());
    }
    return out;
  }

}
