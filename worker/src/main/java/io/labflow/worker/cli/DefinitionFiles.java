package io.labflow.worker.cli;

import io.labflow.worker.engine.Engine;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ParameterDef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Finds, reads and validates the step file a command names. */
final class DefinitionFiles {

  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");

  private DefinitionFiles() {}

  /** A step file read from disk. */
  record Source(Path path, String text) {
    String displayName() {
      return path.toString();
    }
  }

  /** A file path as given, or a definition name looked up in the definitions directory. */
  static Source locate(String fileOrName, Path definitionsDir) {
    Path direct = Path.of(fileOrName);
    Path path;
    if (Files.isRegularFile(direct)) {
      path = direct;
    } else if (NAME.matcher(fileOrName).matches()) {
      path = definitionsDir.resolve(fileOrName + ".yaml");
      if (!Files.isRegularFile(path)) {
        throw new UsageException(
            "no file "
                + fileOrName
                + " and no definition named "
                + fileOrName
                + " in "
                + definitionsDir
                + " (looked for "
                + path
                + ")");
      }
    } else {
      throw new UsageException("no such file: " + fileOrName);
    }
    try {
      return new Source(path, Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UsageException("cannot read " + path + ": " + e.getMessage());
    }
  }

  /**
   * Validates a located file; prints its diagnostics and throws when it is invalid, so that bad
   * input never reaches Temporal.
   */
  static Definition validOrThrow(Source source, java.io.PrintWriter err) {
    Engine.Validation v = Engine.validate(source.displayName(), source.text());
    if (!v.valid()) {
      v.diagnostics().forEach(err::println);
      throw new InvalidDefinitionException(source.displayName(), v.diagnostics().size());
    }
    return v.definition().orElseThrow();
  }

  /** Converts {@code -p key=value} strings to the declared parameter types. */
  static Map<String, Object> typedParameters(Definition definition, Map<String, String> raw) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    Map<String, ParameterDef> declared =
        definition.parameters() == null ? Map.of() : definition.parameters();
    raw.forEach(
        (key, value) -> {
          ParameterDef def = declared.get(key);
          if (def == null) {
            problems.add("unknown parameter '" + key + "' (declared: " + declared.keySet() + ")");
            return;
          }
          String type = def.type() == null ? "string" : def.type();
          try {
            out.put(
                key,
                switch (type) {
                  case "integer" -> Long.parseLong(value.trim());
                  case "boolean" -> parseBoolean(value);
                  case "list" ->
                      value.isBlank()
                          ? List.of()
                          : Arrays.stream(value.split(",")).map(String::trim).toList();
                  default -> value;
                });
          } catch (IllegalArgumentException e) {
            problems.add("parameter '" + key + "' must be " + type + ", got '" + value + "'");
          }
        });
    if (!problems.isEmpty()) {
      throw new UsageException(String.join("; ", problems));
    }
    return out;
  }

  /**
   * What the worker's binder would reject in these given parameters (patterns, formats such as
   * {@code format: arn}); a required parameter not given is not a problem here.
   */
  static List<String> parameterProblems(Definition definition, Map<String, Object> typed) {
    return io.labflow.workflows.definition.ParameterBinder.bind(definition, null, typed, "parameters")
        .errors().stream()
        .filter(d -> d.path() != null && typed.containsKey(d.path().replaceFirst("^parameters\\.", "")))
        .map(d -> d.path() + ": " + d.message())
        .toList();
  }

  private static Boolean parseBoolean(String value) {
    return switch (value.trim().toLowerCase()) {
      case "true", "yes", "1" -> Boolean.TRUE;
      case "false", "no", "0" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException(value);
    };
  }

  /** Thrown after an invalid file's diagnostics were printed. */
  static final class InvalidDefinitionException extends RuntimeException {
    InvalidDefinitionException(String file, int count) {
      super(file + " is invalid (" + count + (count == 1 ? " problem)" : " problems)"));
    }
  }
}
