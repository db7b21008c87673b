package io.baton.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Loads a migration spec from YAML.
 *
 * <p>Unknown keys are errors. {@code ${NAME}} is replaced by the environment variable NAME before
 * parsing; an unset variable is an error. Every error names the file, line and column, the key
 * path, and for a misspelt key the closest known key.
 */
public final class SpecLoader {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private final Function<String, String> env;

  /** A loader that reads {@code ${NAME}} from the process environment. */
  public SpecLoader() {
    this(System::getenv);
  }

  /** @param env looks up environment variables; returns null for unset ones */
  public SpecLoader(Function<String, String> env) {
    this.env = env;
  }

  /**
   * @param file the spec file
   * @return the spec
   * @throws SpecException when the file is missing or unreadable, or the spec is invalid
   */
  public MigrationSpec load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new SpecException("spec file " + file + " does not exist (pass an existing file with --spec)");
    } catch (IOException e) {
      throw new SpecException("spec file " + file + " cannot be read: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /**
   * @param yaml the spec text
   * @param origin what to call it in messages, usually the file name
   * @return the spec
   * @throws SpecException when the spec is invalid
   */
  public MigrationSpec parse(String yaml, String origin) {
    String resolved = resolveEnv(yaml, origin);
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    mapper.configure(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true);
    java.util.Map<String, JsonLocation> locations = new java.util.HashMap<>();
    try {
      try (com.fasterxml.jackson.core.JsonParser p = mapper.getFactory().createParser(resolved)) {
        if (p.nextToken() != null) {
          SpecKeys.check(p, MigrationSpec.class, "", origin, locations);
        }
      } catch (java.io.IOException e) {
        if (e instanceof JsonProcessingException jpe) {
          throw jpe;
        }
        throw new SpecException(origin + ": " + e.getMessage(), e);
      }
      java.nio.file.Path dir = java.nio.file.Path.of(origin).toAbsolutePath().getParent();
      mapper.setInjectableValues(new com.fasterxml.jackson.databind.InjectableValues.Std()
          .addValue(MapRule.SPEC_DIR, dir == null ? java.nio.file.Path.of("").toAbsolutePath() : dir));
      MigrationSpec spec = mapper.readValue(resolved, MigrationSpec.class);
      if (spec == null) {
        throw new SpecException(origin + ": the spec is empty (it needs at least name and tables)");
      }
      return spec;
    } catch (JsonProcessingException e) {
      throw new SpecException(describe(e, origin, locations), e);
    }
  }

  private String resolveEnv(String yaml, String origin) {
    Matcher m = ENV_REF.matcher(yaml);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.apply(m.group(1));
      if (value == null) {
        int line = (int) yaml.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
        throw new SpecException(origin + " line " + line + ": environment variable " + m.group(1)
            + " is not set (export it, or remove ${" + m.group(1) + "} from the spec)");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * @param e what the YAML parser or the binding threw
   * @param origin the file name
   * @param locations where each key path starts, from the key check
   * @return the message: file, line and column of the key at fault (the section's when the error is
   *     about the section as a whole), the key path, and what is wrong or expected
   */
  static String describe(JsonProcessingException e, String origin, java.util.Map<String, JsonLocation> locations) {
    String path = e instanceof JsonMappingException jm ? path(jm) : "";
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String key = root instanceof SpecException se && se.key() != null ? (path.isEmpty() ? se.key() : path + "." + se.key()) : path;
    boolean aboutValue = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException && !(root instanceof SpecException);
    JsonLocation loc = aboutValue && locations.containsKey(key + SpecKeys.VALUE) ? locations.get(key + SpecKeys.VALUE)
        : locations.containsKey(key) ? locations.get(key)
        : locations.containsKey(path) ? locations.get(path) : e.getLocation();
    String where = origin + (loc == null ? "" : " line " + loc.getLineNr() + " column " + loc.getColumnNr());
    String at = key.isEmpty() ? "" : " at " + key;
    if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
      String suggestion = u.getKnownPropertyIds().stream().map(Object::toString)
          .min(Comparator.comparingInt(k -> distance(k, u.getPropertyName())))
          .filter(k -> distance(k, u.getPropertyName()) <= 3)
          .map(k -> "; did you mean '" + k + "'?").orElse("");
      return where + ": unknown key '" + u.getPropertyName() + "'" + at + suggestion + " (known keys: " + known + ")";
    }
    if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f) {
      return where + at + ": expected " + expected(f.getTargetType()) + ", got '" + f.getValue() + "'";
    }
    if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m && m.getTargetType() != null
        && !(root instanceof SpecException)) {
      return where + at + ": expected " + expected(m.getTargetType()) + " here";
    }
    String msg = root instanceof SpecException || root instanceof io.baton.BatonException
        ? root.getMessage() : e.getOriginalMessage();
    return where + at + ": " + firstLine(msg);
  }

  /** @return what a value of this type looks like, in the words of the spec reference */
  private static String expected(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.stream(type.getEnumConstants())
          .map(c -> ((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT)).collect(Collectors.joining(", "));
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list (lines starting with '- ', or [a, b])";
    }
    if (type == String.class) {
      return "text";
    }
    return "a section (indented key: value lines)";
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      } else if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      }
    }
    return sb.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid value";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Levenshtein distance, for "did you mean" suggestions. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

}
