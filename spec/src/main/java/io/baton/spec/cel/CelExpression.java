package io.baton.spec.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.baton.spec.SpecException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One expression of the Common Expression Language (CEL, the cel-java library) written in a spec:
 * a row filter, a derived column or a validation rule. Parsed and type-checked when the spec is
 * loaded, so that a mistake is reported there with its position in the expression; evaluated on
 * each row without any access to the outside world (CEL has no I/O, no loops without a bound, and
 * its evaluation always ends).
 *
 * <p>Variables: {@code row}, a map from source column name to the column's value after its value
 * operations, typed from the column's PostgreSQL type ({@link CelValues#of}); {@code value}, the
 * value of the column a validation rule is about (null elsewhere). NULL is CEL's {@code null}.
 *
 * <p>Besides the standard functions, the string extensions ({@code lowerAscii}, {@code trim},
 * {@code replace}, {@code substring}, {@code split}...) and the math extensions
 * ({@code math.greatest}, {@code math.round}...) of cel-java are available.
 *
 * <p>Numbers of different types compare as numbers ({@code row.amount > 0} holds for an integer
 * or a numeric column), as the CEL specification's heterogeneous numeric comparisons allow.
 */
public final class CelExpression {
  /** What a spec expression must produce. */
  public enum Result {
    /** A condition: {@code bool} (filters and validation rules). */
    CONDITION,
    /** Any value that can be written to a column (derived columns). */
    VALUE
  }

  private static final CelOptions OPTIONS = CelOptions.current()
      .enableHeterogeneousNumericComparisons(true)
      .comprehensionMaxIterations(10_000)
      .maxExpressionCodePointSize(10_000)
      .build();
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setOptions(OPTIONS)
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("row", MapType.create(SimpleType.STRING, SimpleType.DYN))
      .addVar("value", SimpleType.DYN)
      .addLibraries(CelExtensions.strings(), CelExtensions.math(OPTIONS))
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS)
      .addLibraries(CelExtensions.strings(), CelExtensions.math(OPTIONS))
      .build();

  private final String text;
  private final CelRuntime.Program program;
  private final Set<String> columns;
  private final boolean wholeRow;

  private CelExpression(String text, CelRuntime.Program program, Set<String> columns, boolean wholeRow) {
    this.text = text;
    this.program = program;
    this.columns = columns;
    this.wholeRow = wholeRow;
  }

  /**
   * Parses and type-checks an expression.
   *
   * @param text the expression as the spec writes it
   * @param key the spec key that holds it ({@code filter}, {@code cel}), for the error
   * @param result what it must produce
   * @return the compiled expression
   * @throws SpecException naming the key, with CEL's own message (line, column and a caret), when
   *     the text is not a valid expression, or when a condition's type is known not to be bool
   */
  public static CelExpression compile(String text, String key, Result result) {
    if (text == null || text.isBlank()) {
      throw new SpecException(key, key + " needs a CEL expression, for example row.status != 'test'");
    }
    CelValidationResult checked = COMPILER.compile(text);
    if (checked.hasError()) {
      throw new SpecException(key, "'" + text + "' is not a valid CEL expression: " + firstError(checked.getErrorString()));
    }
    try {
      CelAbstractSyntaxTree ast = checked.getAst();
      CelKind kind = ast.getResultType().kind();
      if (result == Result.CONDITION && kind != CelKind.BOOL && kind != CelKind.DYN) {
        throw new SpecException(key, "'" + text + "' must be a condition (bool), but gives " + ast.getResultType().name());
      }
      Set<String> columns = new LinkedHashSet<>();
      boolean wholeRow = collectColumns(ast.getExpr(), columns);
      return new CelExpression(text, RUNTIME.createProgram(ast), Collections.unmodifiableSet(columns), wholeRow);
    } catch (CelValidationException e) {
      throw new SpecException(key, "not a valid CEL expression: " + e.getMessage());
    } catch (CelEvaluationException e) {
      throw new SpecException(key, "CEL cannot plan '" + text + "': " + e.getMessage());
    }
  }

  /** @return CEL's first error on one line: {@code column 12: token recognition error at: '= '} */
  private static String firstError(String errors) {
    String first = errors.lines().findFirst().orElse(errors);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("ERROR: [^:]*:(\\d+):(\\d+): (.*)").matcher(first);
    return m.matches() ? (m.group(1).equals("1") ? "" : "line " + m.group(1) + " ") + "column " + m.group(2) + ": " + m.group(3)
        : first;
  }

  /**
   * Collects the columns read as {@code row.name}, {@code row['name']} or {@code has(row.name)}.
   *
   * @return true when {@code row} is also used some other way (passed whole to a function,
   *     indexed by a computed key), so that any column may be read
   */
  private static boolean collectColumns(CelExpr e, Set<String> out) {
    switch (e.getKind()) {
      case IDENT:
        return e.ident().name().equals("row");
      case SELECT:
        if (isRow(e.select().operand())) {
          out.add(e.select().field());
          return false;
        }
        return collectColumns(e.select().operand(), out);
      case CALL: {
        CelExpr.CelCall call = e.call();
        if (call.function().equals("_[_]") && call.args().size() == 2 && isRow(call.args().get(0))
            && call.args().get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT
            && call.args().get(1).constant().getKind() == dev.cel.common.ast.CelConstant.Kind.STRING_VALUE) {
          out.add(call.args().get(1).constant().stringValue());
          return false;
        }
        boolean whole = call.target().isPresent() && collectColumns(call.target().get(), out);
        for (CelExpr a : call.args()) {
          whole |= collectColumns(a, out);
        }
        return whole;
      }
      case LIST: {
        boolean whole = false;
        for (CelExpr x : e.list().elements()) {
          whole |= collectColumns(x, out);
        }
        return whole;
      }
      case MAP: {
        boolean whole = false;
        for (CelExpr.CelMap.Entry x : e.map().entries()) {
          whole |= collectColumns(x.key(), out) | collectColumns(x.value(), out);
        }
        return whole;
      }
      case COMPREHENSION: {
        CelExpr.CelComprehension c = e.comprehension();
        return collectColumns(c.iterRange(), out) | collectColumns(c.accuInit(), out)
            | collectColumns(c.loopCondition(), out) | collectColumns(c.loopStep(), out) | collectColumns(c.result(), out);
      }
      default:
        return false;
    }
  }

  private static boolean isRow(CelExpr e) {
    return e.getKind() == CelExpr.ExprKind.Kind.IDENT && e.ident().name().equals("row");
  }

  /** @return the source columns the expression reads by name, in the order it first names them */
  public Set<String> columns() {
    return columns;
  }

  /** @return whether the expression may read any column (it uses {@code row} other than by a constant name) */
  public boolean readsWholeRow() {
    return wholeRow;
  }

  /**
   * Evaluates the expression.
   *
   * @param row the row's typed values ({@link CelValues#of}), by source column name
   * @param value the checked column's typed value, or null outside a column's rule
   * @return CEL's result: a {@link Boolean}, {@link Long}, {@link Double}, {@link String},
   *     {@link dev.cel.common.values.NullValue}, or another CEL value
   * @throws Failed when evaluation fails (a column the row does not carry, a division by
   *     zero, a type mismatch), with CEL's message
   */
  public Object evaluate(Map<String, Object> row, Object value) {
    try {
      return program.eval(Map.of("row", row, "value", value == null ? dev.cel.common.values.NullValue.NULL_VALUE : value));
    } catch (CelEvaluationException e) {
      throw new Failed("could not be evaluated: " + e.getMessage());
    }
  }

  /**
   * Evaluates a condition.
   *
   * @param row as for {@link #evaluate}
   * @param value as for {@link #evaluate}
   * @return whether it holds
   * @throws Failed when evaluation fails or the result is not a bool
   */
  public boolean test(Map<String, Object> row, Object value) {
    Object r = evaluate(row, value);
    if (r instanceof Boolean b) {
      return b;
    }
    throw new Failed("gave " + r + ", not true or false");
  }

  /** An expression that could not be evaluated on a row; the message says why. Unchecked. */
  public static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String why) {
      super(why);
    }
  }

  /** @return the expression as the spec writes it */
  @Override
  public String toString() {
    return text;
  }
}
