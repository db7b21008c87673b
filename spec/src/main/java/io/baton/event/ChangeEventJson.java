package io.baton.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.baton.BatonException;
import io.baton.pg.Lsn;
import io.baton.pg.TableName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
  /** Streaming reads and writes: no tree of nodes per event (this runs for every change, three times). */
  private static final JsonFactory JSON = new JsonFactory();

  private ChangeEventJson() {}

  /**
   * @param e the event
   * @return its JSON value, UTF-8
   */
  public static byte[] value(ChangeEvent e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("op", e.op().code());
      g.writeStringField("table", e.table().schema() + "." + e.table().name());
      g.writeStringField("schema", e.table().schema());
      g.writeStringField("name", e.table().name());
      g.writeStringField("lsn", e.lsn().toString());
      g.writeNumberField("ts", e.commitTimeMs());
      if (e.lastCommitLsn() != null) {
        g.writeStringField("last_commit_lsn", e.lastCommitLsn().toString());
      }
      if (e.txId() != 0) {
        g.writeNumberField("txid", e.txId());
      }
      writeRow(g, "key", e.key());
      writeRow(g, "before", e.before());
      writeRow(g, "after", e.after());
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  /**
   * @param key the key columns, or null
   * @return the JSON key, UTF-8, or null for a null key
   */
  public static byte[] key(Map<String, String> key) {
    if (key == null) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writeObject(g, key);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  /**
   * @param json a value written by {@link #value}
   * @return the event
   * @throws BatonException when the bytes are not such a value (the message quotes the start of it)
   */
  public static ChangeEvent parse(byte[] json) {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not an object");
      }
      String op = null;
      String schema = null;
      String name = null;
      String lsn = null;
      String lastCommit = null;
      long ts = 0;
      long txId = 0;
      Map<String, String> key = null;
      Map<String, String> before = null;
      Map<String, String> after = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "op" -> op = p.getText();
          case "schema" -> schema = p.getText();
          case "name" -> name = p.getText();
          case "lsn" -> lsn = p.getText();
          case "last_commit_lsn" -> lastCommit = t == JsonToken.VALUE_NULL ? null : p.getText();
          case "ts" -> ts = p.getValueAsLong();
          case "txid" -> txId = p.getValueAsLong();
          case "key" -> key = readRow(p, t);
          case "before" -> before = readRow(p, t);
          case "after" -> after = readRow(p, t);
          default -> p.skipChildren();
        }
      }
      if (op == null || schema == null || name == null || lsn == null) {
        throw new IOException("op, schema, name or lsn missing");
      }
      return new ChangeEvent(ChangeEvent.Op.of(op), new TableName(schema, name), key, before, after, Lsn.parse(lsn), ts,
          lastCommit == null ? null : Lsn.parse(lastCommit), txId);
    } catch (IOException | RuntimeException e) {
      String text = new String(json, StandardCharsets.UTF_8);
      throw new BatonException("not a Baton change event: " + text.substring(0, Math.min(200, text.length())), e);
    }
  }

  private static void writeRow(JsonGenerator g, String field, Map<String, String> row) throws IOException {
    g.writeFieldName(field);
    if (row == null) {
      g.writeNull();
    } else {
      writeObject(g, row);
    }
  }

  private static void writeObject(JsonGenerator g, Map<String, String> row) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, String> c : row.entrySet()) {
      g.writeStringField(c.getKey(), c.getValue());
    }
    g.writeEndObject();
  }

  /** Reads an object of strings and nulls (in order) at the current token, or null for a JSON null. */
  private static Map<String, String> readRow(JsonParser p, JsonToken at) throws IOException {
    if (at == JsonToken.VALUE_NULL) {
      return null;
    }
    if (at != JsonToken.START_OBJECT) {
      throw new IOException("a row must be an object, not " + at);
    }
    Map<String, String> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String column = p.currentName();
      JsonToken v = p.nextToken();
      out.put(column, v == JsonToken.VALUE_NULL ? null : p.getText());
    }
    return out;
  }
}
