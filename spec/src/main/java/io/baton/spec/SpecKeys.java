package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checks every key of a spec document before it is bound, so that a misspelt key is reported with
 * its own line and a suggestion (binding alone would first complain about the key it replaced).
 *
 * <p>The known keys are read from the {@code @JsonCreator} of each spec class: the same
 * declarations the binding uses, so the two cannot disagree.
 */
final class SpecKeys {
  private final Map<String, Type> keys;

  private SpecKeys(Map<String, Type> keys) {
    this.keys = keys;
  }

  /**
   * @param type a spec class with a {@code @JsonCreator}
   * @return its keys, or null when the type is a scalar (no keys to check)
   */
  static SpecKeys of(Class<?> type) {
    Executable creator = creator(type);
    if (creator == null) {
      return null;
    }
    Map<String, Type> keys = new LinkedHashMap<>();
    for (Parameter p : creator.getParameters()) {
      JsonProperty prop = p.getAnnotation(JsonProperty.class);
      if (prop != null) {
        keys.put(prop.value(), p.getParameterizedType());
      }
    }
    return new SpecKeys(keys);
  }

  /**
   * @param type a class
   * @return its {@code @JsonCreator} (the declaration a spec class binds with), or null for none
   */
  /** Appended to a key path in the locations map: where the key's value starts. */
  static final String VALUE = "=";

  static Executable creator(Class<?> type) {
    return Stream.concat(Stream.of(type.getDeclaredConstructors()), Stream.of(type.getDeclaredMethods()))
        .filter(e -> e.isAnnotationPresent(JsonCreator.class)).findFirst().orElse(null);
  }

  /**
   * Walks one value, the parser standing on its first token.
   *
   * @param p the parser
   * @param type the value's declared type
   * @param path the key path so far, for messages
   * @param origin the file name, for messages
   * @param locations receives, for the loader's later messages, where each key path's key is, and
   *     under the path followed by {@link #VALUE} where its value starts
   */
  static void check(JsonParser p, Type type, String path, String origin, Map<String, JsonLocation> locations)
      throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_ARRAY) {
      Type element = typeArgument(type, 0);
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        String at = path + "[" + i++ + "]";
        locations.putIfAbsent(at, p.currentTokenLocation());
        check(p, element, at, origin, locations);
      }
    } else if (t == JsonToken.START_OBJECT) {
      if (raw(type) == Map.class) {
        Type value = typeArgument(type, 1);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          locations.put(join(path, name), p.currentTokenLocation());
          p.nextToken();
          locations.put(join(path, name) + VALUE, p.currentTokenLocation());
          check(p, value, join(path, name), origin, locations);
        }
        return;
      }
      SpecKeys known = raw(type) == null ? null : of(raw(type));
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        Type child = known == null ? null : known.keys.get(name);
        if (known != null && child == null) {
          var loc = p.currentTokenLocation();
          throw new SpecException(origin + " line " + loc.getLineNr() + " column " + loc.getColumnNr() + ": unknown key '"
              + name + "'" + (path.isEmpty() ? "" : " at " + path) + known.suggestion(name)
              + " (known keys: " + String.join(", ", known.keys.keySet().stream().sorted().toList()) + ")");
        }
        locations.put(join(path, name), p.currentTokenLocation());
        p.nextToken();
        locations.put(join(path, name) + VALUE, p.currentTokenLocation());
        check(p, child, join(path, name), origin, locations);
      }
    }
  }

  private String suggestion(String name) {
    return keys.keySet().stream()
        .min(Comparator.comparingInt(k -> SpecLoader.distance(k, name)))
        .filter(k -> SpecLoader.distance(k, name) <= 3)
        .map(k -> "; did you mean '" + k + "'?").orElse("");
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> c) {
      return c;
    }
    return null;
  }

  private static Type typeArgument(Type type, int index) {
    return type instanceof ParameterizedType pt ? pt.getActualTypeArguments()[index] : null;
  }
}
