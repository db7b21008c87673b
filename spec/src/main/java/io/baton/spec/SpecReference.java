package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The reference page of the spec format, generated from the declarations the loader binds with:
 * every {@code @JsonCreator} parameter of the spec classes, from {@link MigrationSpec} down, with
 * its {@link SpecDoc}. The page and the loader cannot disagree; a test keeps the committed copy
 * ({@code docs/spec-reference.md}) equal to what this generates.
 */
public final class SpecReference {
  private SpecReference() {}

  /**
   * @return the page, in Markdown
   * @throws IllegalStateException when a spec key has no {@link SpecDoc}
   */
  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Migration spec reference\n\n");
    md.append("A migration spec is one YAML file. Unknown keys are errors (with the file, line and column, the key path,"
        + " and the closest known key), and `${NAME}` is replaced by the environment variable NAME before the file is"
        + " read. Passwords are never written in it: each database names an environment variable or a file.\n\n");
    md.append("This page is generated from the definitions the loader uses (`./baton spec-reference` prints it).\n\n");
    md.append("| key | type | default | meaning | example |\n| --- | --- | --- | --- | --- |\n");
    walk(MigrationSpec.class, "", md);
    return md.toString();
  }

  private static void walk(Class<?> type, String prefix, StringBuilder md) {
    Executable creator = SpecKeys.creator(type);
    for (Parameter p : creator.getParameters()) {
      JsonProperty prop = p.getAnnotation(JsonProperty.class);
      if (prop == null) {
        continue;
      }
      SpecDoc doc = p.getAnnotation(SpecDoc.class);
      String key = prefix + prop.value();
      if (doc == null) {
        throw new IllegalStateException("spec key " + key + " (" + type.getSimpleName() + ") has no @SpecDoc");
      }
      Type t = p.getParameterizedType();
      md.append("| `").append(key).append("` | ").append(typeName(t)).append(" | ")
          .append(doc.required() ? "required" : code(doc.defaultValue()))
          .append(" | ").append(doc.value().replace("|", "\\|")).append(" | ")
          .append(doc.example().isEmpty() ? "" : "`" + doc.example() + "`").append(" |\n");
      if (t instanceof Class<?> c && SpecKeys.creator(c) != null) {
        walk(c, key + ".", md);
      } else if (t instanceof ParameterizedType pt && pt.getActualTypeArguments()[pt.getActualTypeArguments().length - 1]
          instanceof Class<?> element && SpecKeys.creator(element) != null) {
        walk(element, key + (pt.getRawType() == java.util.Map.class ? ".<name>." : "[]."), md);
      }
    }
  }

  /** @return a value in code font; words (such as "the source name") as they are */
  private static String code(String value) {
    return value.isEmpty() || value.contains(" ") ? value : "`" + value + "`";
  }

  private static String typeName(Type t) {
    if (t instanceof ParameterizedType pt) {
      Type element = pt.getActualTypeArguments()[pt.getActualTypeArguments().length - 1];
      String of = typeName(element);
      return (pt.getRawType() == java.util.Map.class ? "map of name to " + of : "list of " + (of.equals("section") ? "sections" : of));
    }
    Class<?> c = (Class<?>) t;
    if (c.isEnum()) {
      return Arrays.stream(c.getEnumConstants()).map(e -> ((Enum<?>) e).name().toLowerCase(Locale.ROOT))
          .collect(Collectors.joining(" or "));
    }
    if (c == String.class) {
      return "text";
    }
    if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
      return "integer";
    }
    if (c == Double.class || c == double.class) {
      return "number";
    }
    if (c == Boolean.class || c == boolean.class) {
      return "true or false";
    }
    return "section";
  }
}
