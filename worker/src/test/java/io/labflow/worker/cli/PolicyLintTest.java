package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.testing.Tools;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * What labflow ships and writes passes kept linters: PyPI {@code parliament} on the worker policy
 * (whole and in its managed parts) and on every policy {@code plan} prints for the shipped
 * definitions (each variant's permission policy, each role's trust policy, with and without a
 * trusted principal); {@code cfn-lint} on every template. A parliament finding above LOW fails
 * unless docs/real-aws.md explains it (its table of findings that stay, the one allow-list), and
 * an entry there that no longer occurs fails too.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PolicyLintTest {

  static final Path ROOT = Tools.repoRoot();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> AT_MOST_LOW = Set.of("LOW", "INFO");
  /** A row of the allow-list: {@code | trust | `MALFORMED` | detail | why |}. */
  static final Pattern ALLOWED =
      Pattern.compile("(?m)^\\| (worker|permission|trust) \\| `([A-Z_]+)` \\| (.+?) \\| .+ \\|$");

  record Finding(String kind, String where, String issue, String severity, String detail) {}

  record Allowed(String kind, String issue, String detail) {
    boolean covers(Finding f) {
      return kind.equals(f.kind()) && issue.equals(f.issue()) && f.detail().contains(detail);
    }
  }

  @Test
  void everyPolicyLabflowShipsOrPlansPassesParliamentAndEveryTemplateCfnLint() throws Exception {
    Map<String, String> policies = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("definitions"))) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.matches("worker-policy(-\\d+)?\\.json")) {
          policies.put("worker " + name, Files.readString(f));
        } else if (name.endsWith(".yaml")) {
          policies.putAll(planned(f, List.of()));
          policies.putAll(planned(f, List.of("-p",
              "trustedPrincipalArn=arn:aws:iam::123456789012:role/worker-labflow")));
        }
      }
    }
    assertThat(policies.keySet()).as("policies linted")
        .anyMatch(k -> k.startsWith("worker "))
        .anyMatch(k -> k.startsWith("permission "))
        .anyMatch(k -> k.startsWith("trust "));

    List<Finding> findings = new ArrayList<>();
    for (var e : policies.entrySet()) {
      findings.addAll(parliament(e.getKey(), e.getValue()));
    }
    List<Allowed> allowed = allowList();
    findings.forEach(f -> System.out.println("parliament: " + f));
    assertThat(findings)
        .as("parliament findings above LOW that docs/real-aws.md does not explain")
        .filteredOn(f -> !AT_MOST_LOW.contains(f.severity()))
        .allMatch(f -> allowed.stream().anyMatch(a -> a.covers(f)));
    assertThat(allowed).as("entries of docs/real-aws.md's table of parliament findings that no"
        + " longer occur: remove them").allMatch(a -> findings.stream().anyMatch(a::covers));

    try (Stream<Path> files = Files.list(ROOT.resolve("definitions/templates"))) {
      List<Path> templates = files.sorted().toList();
      assertThat(templates).isNotEmpty();
      for (Path t : templates) {
        Run r = run(List.of(Tools.tool("cfn-lint").toString(), t.toString()), null);
        // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational; 1 a crash.
        assertThat(r.code() & 3).as("cfn-lint %s:%n%s", t.getFileName(), r.out()).isZero();
      }
    }
  }

  /** The permission and trust policies {@code plan} prints for one definition file. */
  static Map<String, String> planned(Path definition, List<String> extra) throws IOException {
    // The definitions directory the worker reads the stacks' templates from, as plan does.
    List<String> args = new ArrayList<>(List.of("--definitions", definition.getParent().toString(),
        "plan", definition.toString(), "--lab-id", "lab-lint"));
    args.addAll(extra);
    CommandLine cli = Main.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
    String text = out.toString();
    Map<String, String> docs = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^(Policy document of variant (\\S+)|Trust policy of the role of"
        + " step (\\S+)).*:$").matcher(text);
    while (m.find()) {
      String label = (m.group(2) != null ? "permission " + m.group(2) : "trust " + m.group(3))
          + " of " + definition.getFileName() + " " + extra;
      try (JsonParser p = JSON.createParser(text.substring(m.end()))) {
        docs.put(label, JSON.writeValueAsString(JSON.readTree(p)));
      }
    }
    return docs;
  }

  /** parliament's findings on one policy, read from its JSON lines. */
  static List<Finding> parliament(String label, String policy) throws Exception {
    Path file = Files.createTempFile("labflow-lint", ".json");
    try {
      Files.writeString(file, policy);
      // parliament reads the policy from stdin when stdin is not a terminal (--file then fails).
      Run r = run(List.of(Tools.tool("parliament").toString(), "--json",
          "--minimum_severity", "INFO"), file);
      assertThat(r.code()).as("parliament on %s:%n%s", label, r.out()).isIn(0, 1);
      List<Finding> out = new ArrayList<>();
      for (String line : r.out().lines().filter(l -> l.startsWith("{")).toList()) {
        JsonNode n = JSON.readTree(line);
        JsonNode detail = n.get("detail");
        out.add(new Finding(label.substring(0, label.indexOf(' ')), label, n.get("issue").asText(),
            n.get("severity").asText(), detail.isTextual() ? detail.asText() : detail.toString()));
      }
      assertThat(r.code() == 1).as("parliament's exit code on %s:%n%s", label, r.out())
          .isEqualTo(!out.isEmpty());
      return out;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** docs/real-aws.md's table of the parliament findings that stay. */
  static List<Allowed> allowList() throws IOException {
    Set<Allowed> out = new LinkedHashSet<>();
    Matcher m = ALLOWED.matcher(Files.readString(ROOT.resolve("docs/real-aws.md")));
    while (m.find()) {
      out.add(new Allowed(m.group(1), m.group(2), m.group(3).replace("`", "")));
    }
    return List.copyOf(out);
  }

  record Run(int code, String out) {}

  static Run run(List<String> command, Path stdin) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }
}
