package io.labflow.worker.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Tools;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabIds;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Words of the vocabulary are spelled in one main file each, which every module uses: the reset
 * prefix ({@code LabIds.RESET_PREFIX}), the id rule's sentence ({@code DefinitionKeys.ID_RULE},
 * which {@code LabIds.RULE} extends) and the sentence refusing an {@code onFailure} ({@code
 * OnFailure.refusal}); and every failure type ({@code FailureTypes}) and id prefix ({@code
 * LabIds}) is a string literal in its owner's file only, with no second constant for it.
 */
@Tag("fast")
class VocabularyTest {

  /** Words (outside comments), each with the one main file that may spell them. */
  private static final Map<String, String> OWNERS =
      Map.of(
          "reset-", "workflows/src/main/java/io/labflow/workflows/lab/LabIds.java",
          "digits and dashes",
              "workflows/src/main/java/io/labflow/workflows/definition/DefinitionKeys.java",
          "onFailure must be", "workflows/src/main/java/io/labflow/workflows/model/OnFailure.java");

  /** A string literal or a comment, whichever starts first. */
  private static final Pattern STRING_OR_COMMENT =
      Pattern.compile("\"(?:\\\\.|[^\"\\\\\\n])*\"|/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

  @Test
  void eachWordIsSpelledInItsOwnersFileOnly() throws IOException {
    TreeMap<String, List<String>> elsewhere = new TreeMap<>();
    List<Path> files = mainFiles();
    for (Path file : files) {
      String where = Tools.repoRoot().relativize(file).toString();
      String code = withoutComments(Files.readString(file));
      OWNERS.forEach(
          (word, owner) -> {
            if (code.contains(word) && !where.equals(owner)) {
              elsewhere.computeIfAbsent(word, w -> new ArrayList<>()).add(where);
            }
          });
    }
    assertThat(files).as("main files found").hasSizeGreaterThan(100);
    assertThat(elsewhere).as("words spelled outside their owner's file %s", OWNERS).isEmpty();
  }

  /** A constant defined as another constant: {@code static final T A = pkg.B.C;} (or {@code B.c()}). */
  private static final Pattern ALIAS = Pattern.compile(
      "static final [\\w<>, ]+ (\\w+) =\\s*(?:[a-z]\\w*\\.)*([A-Z]\\w*)\\.([A-Z][A-Z0-9_]*|pattern\\(\\));");

  @Test
  void failureTypesAndIdPrefixesAreLiteralsOnlyInTheirOwnersFileAndNoConstantIsAnAlias() throws Exception {
    Map<String, String> owners = new LinkedHashMap<>();
    for (Field f : FailureTypes.class.getFields()) {
      owners.put((String) f.get(null), "FailureTypes.java");
    }
    assertThat(owners).as("failure types").hasSizeGreaterThan(20);
    for (String prefix : List.of("RESET_PREFIX", "FLEET_PREFIX", "NAME_PREFIX")) {
      owners.put((String) LabIds.class.getField(prefix).get(null), "LabIds.java");
    }
    List<String> found = new ArrayList<>();
    Set<String> labflowClasses = new HashSet<>();
    mainFiles().forEach(f -> labflowClasses.add(f.getFileName().toString().replace(".java", "")));
    for (Path file : mainFiles()) {
      String where = Tools.repoRoot().relativize(file).toString();
      String text = Files.readString(file);
      owners.forEach((word, owner) -> {
        if (!file.endsWith(owner) && text.contains("\"" + word + "\"")) {
          found.add(where + " spells out \"" + word + "\"");
        }
      });
      Matcher alias = ALIAS.matcher(text);
      while (alias.find()) {
        if (labflowClasses.contains(alias.group(2))) {
          found.add(where + " aliases " + alias.group(2) + "." + alias.group(3) + " as " + alias.group(1));
        }
      }
    }
    assertThat(found).as("use the constants of FailureTypes and LabIds").isEmpty();
  }

  private static String withoutComments(String text) {
    Matcher m = STRING_OR_COMMENT.matcher(text);
    StringBuilder code = new StringBuilder();
    while (m.find()) {
      String kept = m.group().startsWith("/") ? " " : m.group();
      m.appendReplacement(code, Matcher.quoteReplacement(kept));
    }
    return m.appendTail(code).toString();
  }

  private static List<Path> mainFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String module : List.of("workflows", "activities", "worker")) {
      try (Stream<Path> s = Files.walk(Tools.repoRoot().resolve(module).resolve("src/main/java"))) {
        s.filter(p -> p.getFileName().toString().endsWith(".java")).sorted().forEach(files::add);
      }
    }
    return files;
  }
}
