package io.baton.spec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents one spec key, on the {@code @JsonCreator} parameter that binds it: the one place its
 * meaning, default and example are written, from which {@link SpecReference} generates the spec's
 * reference page.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface SpecDoc {
  /** @return what the key means, one or two sentences */
  String value();

  /** @return the default as the reference shows it; empty for none */
  String defaultValue() default "";

  /** @return true when the key must be given */
  boolean required() default false;

  /** @return an example value in YAML; empty for none */
  String example() default "";
}
