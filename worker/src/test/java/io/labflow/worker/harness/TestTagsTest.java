package io.labflow.worker.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every test class of every module carries exactly one of the tags {@code fast} (no external
 * process), {@code moto} (starts moto) and {@code e2e} (starts the Temporal dev server), so that
 * {@code scripts/test --fast} ({@code -Dgroups=fast}) runs exactly the fast ones and a plain
 * {@code mvn verify} still runs every one.
 */
@Tag("fast")
class TestTagsTest {

  private static final Pattern TAG = Pattern.compile("@(?:org\\.junit\\.jupiter\\.api\\.)?Tag\\(\"([a-z0-9-]+)\"\\)");
  private static final Pattern TEST = Pattern.compile("@(Test|ParameterizedTest|RepeatedTest|TestFactory)\\b");
  private static final List<String> TAGS = List.of("fast", "moto", "e2e");
  /** A string literal or a comment, whichever starts first. */
  private static final Pattern NOT_CODE =
      Pattern.compile("\"(?:\\\\.|[^\"\\\\\\n])*\"|/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

  @Test
  void everyTestClassCarriesExactlyOneOfTheThreeTags() throws IOException {
    TreeMap<String, List<String>> wrong = new TreeMap<>();
    int classes = 0;
    for (Path file : testFiles()) {
      String text = read(file);
      if (!TEST.matcher(text).find()) {
        continue;
      }
      classes++;
      List<String> tags = TAG.matcher(text).results().map(m -> m.group(1)).toList();
      if (tags.size() != 1 || !TAGS.contains(tags.get(0))) {
        wrong.put(Tools.repoRoot().relativize(file).toString(), tags);
      }
    }
    assertThat(classes).as("test classes found").isGreaterThan(50);
    assertThat(wrong).as("test classes without exactly one of %s (run /work/wt/tag-tests.py)", TAGS).isEmpty();
  }

  @Test
  void aTestThatStartsTheDevServerIsE2eAndOneThatStartsMotoIsNotFast() throws IOException {
    TreeMap<String, String> wrong = new TreeMap<>();
    for (Path file : testFiles()) {
      String text = read(file);
      Matcher tag = TAG.matcher(text);
      if (!TEST.matcher(text).find() || !tag.find()) {
        continue;
      }
      String code = NOT_CODE.matcher(text).replaceAll(" ");
      boolean devServer = code.contains("LocalStack") || code.contains("TemporalDevServer");
      boolean moto = code.contains("@ExtendWith(MotoServer.class)") || code.contains("EnforcedMoto");
      if ((devServer && !tag.group(1).equals("e2e")) || (moto && tag.group(1).equals("fast"))) {
        wrong.put(Tools.repoRoot().relativize(file).toString(), tag.group(1));
      }
    }
    assertThat(wrong).as("test classes tagged lighter than what they start").isEmpty();
  }

  private static List<Path> testFiles() throws IOException {
    Path root = Tools.repoRoot();
    List<Path> files = new java.util.ArrayList<>();
    for (String module : List.of("workflows", "activities", "worker")) {
      try (Stream<Path> s = Files.walk(root.resolve(module).resolve("src/test/java"))) {
        s.filter(p -> p.getFileName().toString().endsWith("Test.java")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
