package io.labflow.worker.doctor;

import io.labflow.activities.common.AccountGuard;
import io.grpc.StatusRuntimeException;
import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.activities.quotas.Quota;
import io.labflow.worker.client.Pollers;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.worker.quotas.LabNeeds;
import io.labflow.worker.quotas.QuotaPlanner;
import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.worker.runtime.SiteParameterSource;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.fleet.FleetLab;
import io.labflow.workflows.model.Definition;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code labflow doctor}: what an operator checks before the first class on a new account, as one
 * table of OK / FAIL / UNKNOWN rows. It creates nothing; secrets are never printed (only ARNs,
 * account ids, addresses). A doctor holds what the checks share, asked once: the AWS clients of
 * this process's configuration (the worker's, account guard included), who they act as and the
 * guard's verdict, as the table's first rows, and the definitions and task queue to check.
 *
 * @param site the value of {@code --site-parameters} (JSON or a file); null is none
 * @param siteSource where {@code site} was given, as messages name it
 * @param definitions the definitions to check by name; a file that does not validate maps to null
 * @param aws the clients; null when none could be built (no region)
 * @param identity who the clients act as; null when unknown
 * @param identityRows the rows of the AWS identity: region and endpoint, identity, account guard
 * @param awsBlocked why the checks that call AWS cannot run; null when they can
 * @param temporal the command line's connection to Temporal, once it answers (it says a slow one)
 */
public record Doctor(Path definitionsDir, String taskQueue, String site, String siteSource,
    Map<String, Definition> definitions, Composition.AwsAccess aws,
    AccountGuard.Identity identity, List<Row> identityRows, String awsBlocked,
    Supplier<TemporalConnection> temporal) {

  /** The lab the rows count: none has a lab id here, so a template the lab id names is unknown. */
  static final FleetLab NO_LAB = new FleetLab(LabNeeds.NO_LAB_ID, null, Map.of());

  /**
   * Runs every check with this process's AWS and Temporal configuration.
   *
   * @param only the definitions to check; empty for every definition in {@code definitionsDir}
   */
  public static List<Row> run(Path definitionsDir, String taskQueue, List<String> only,
      String site, String siteSource, Supplier<TemporalConnection> temporal) {
    Map<String, Definition> definitions = definitions(definitionsDir, only);
    Composition.AwsAccess aws;
    try {
      aws = Composition.awsAccess(List.of());
    } catch (SdkException e) {
      String problem = AwsPreflight.firstLine(e.getMessage());
      return new Doctor(definitionsDir, taskQueue, site, siteSource, definitions, null, null,
          List.of(Row.fail("AWS region", problem,
              "set AWS_REGION (or a profile's region) in the worker's environment")),
          "no AWS client (" + problem + ")", temporal).rows();
    }
    try (var clients = aws.clients()) {
      List<Row> rows = new ArrayList<>();
      rows.add(Row.ok("AWS region and endpoint", clients.sts().serviceClientConfiguration()
          .region().id() + " at " + endpoint(aws)));
      String guard = aws.guard().policy().describe();
      AccountGuard.Identity identity;
      try {
        identity = new AwsPreflight(clients, aws.guard()).identity();
      } catch (ApplicationFailure f) {
        rows.add(Row.fail("AWS identity",
            f.getOriginalMessage().replaceFirst("^preflight: ", ""), null));
        rows.add(Row.unknown("account guard", "sts:GetCallerIdentity did not answer, so the"
            + " account is unknown (" + guard + ")"));
        return new Doctor(definitionsDir, taskQueue, site, siteSource, definitions, aws, null,
            rows, "the worker's AWS identity is unknown", temporal).rows();
      }
      rows.add(Row.ok("AWS identity", identity.arn() + " (account " + identity.account() + ")"));
      String refusal = null;
      try {
        aws.guard().verify();
      } catch (ApplicationFailure f) {
        refusal = f.getOriginalMessage();
      } catch (SdkException e) {
        refusal = "the account guard could not ask AWS ("
            + AwsPreflight.firstLine(e.getMessage()) + ")";
      }
      rows.add(refusal == null
          ? Row.ok("account guard", "account " + identity.account() + " is allowed: " + guard)
          : Row.fail("account guard", refusal, null));
      return new Doctor(definitionsDir, taskQueue, site, siteSource, definitions, aws, identity,
          rows, refusal == null ? null : "the account guard refuses account "
              + identity.account() + ", so labflow sends it nothing else", temporal).rows();
    }
  }

  /**
   * The checks, in the order of the table. A check never throws for what it finds: a failure is a
   * FAIL row naming the fix, a question it cannot answer an UNKNOWN row saying why.
   */
  private List<Row> rows() {
    return Stream.of(identityRows(), PermissionCheck.rows(this), quotaRows(),
        PreflightCheck.rows(this), temporalRows()).flatMap(List::stream).toList();
  }

  /** The table, one row a line: the verdict, the check, what was found. */
  public static void print(List<Row> rows, PrintWriter out) {
    int width = rows.stream().mapToInt(r -> r.check().length()).max().orElse(5);
    String format = "%-7s  %-" + width + "s  %s%n";
    out.printf(format, "RESULT", "CHECK", "DETAIL");
    rows.forEach(r -> out.printf(format, r.verdict(), r.check(), r.detail()));
  }

  /** 0 when no row fails, 1 otherwise (an UNKNOWN does not fail). */
  public static int exitCode(List<Row> rows) {
    return rows.stream().anyMatch(r -> r.verdict() == Row.Verdict.FAIL) ? 1 : 0;
  }

  /**
   * The one loop of the checks that ask about each definition: an UNKNOWN row {@code CHECK NAME}
   * for a definition that does not validate or when AWS cannot be asked, else the check's rows.
   */
  List<Row> eachDefinition(String check, BiFunction<String, Definition, List<Row>> rows) {
    List<Row> out = new ArrayList<>();
    definitions.forEach((name, d) -> {
      if (d == null) {
        out.add(Row.unknown(check + " " + name, "the definition does not validate (labflow"
            + " validate " + name + "), so its needs are unknown"));
      } else if (awsBlocked != null) {
        out.add(Row.unknown(check + " " + name, "not asked: " + awsBlocked));
      } else {
        out.addAll(rows.apply(name, d));
      }
    });
    return out;
  }

  /** The site parameters given; none when they cannot be read (the preflight rows say why). */
  SiteParameters siteOrNone() {
    try {
      return SiteParameterSource.parse(site, siteSource);
    } catch (IllegalArgumentException bad) {
      return SiteParameters.NONE;
    }
  }

  /**
   * Whether one more lab of each definition fits the account's AWS quotas: one row per quota the
   * definition counts against (its stack templates as the definition's defaults and the site
   * parameters name them), its need against the quota and usage as {@code plan --quotas} shows
   * it ({@link QuotaPlanner#against}), a FAIL naming the preflight's fix; an UNKNOWN row for a
   * stack whose template is known only at run time ({@link QuotaPlanner#notCounted}): named by the
   * lab id (no lab has one here), a parameter with no value or a step's output. With {@code
   * LABFLOW_QUOTAS=off} one OK row says the worker checks no quota.
   */
  List<Row> quotaRows() {
    if (QuotaPlanner.off()) {
      return List.of(Row.ok("quotas", "not checked: LABFLOW_QUOTAS=off, so the worker checks no"
          + " lab or fleet night against AWS quotas (for an emulator that enforces none; unset"
          + " it on AWS, docs/real-aws.md section 5)"));
    }
    SiteParameters values = siteOrNone();
    return eachDefinition("quotas", (name, d) -> Stream.concat(
        against(name, QuotaPlanner.needs(d, definitionsDir, List.of(NO_LAB), values)).stream(),
        QuotaPlanner.notCounted(d, NO_LAB, values).stream()
            .map(l -> Row.unknown("quotas " + name, l))).toList());
  }

  private List<Row> against(String name, Map<String, Map<Quota, Integer>> needs) {
    List<String> need = QuotaPlanner.needLines(needs);
    if (need.isEmpty()) {
      return List.of();
    }
    String why;
    try {
      return new QuotaPlanner(aws.clients(), definitionsDir)
          .against(needs).stream().map(a -> {
            String check = "quota " + a.reading().quota().code + " " + a.reading().quota().title;
            String found = a.numbers() + " (a lab of " + name + ")";
            return a.fits() ? Row.ok(check, found) : Row.fail(check, found, a.fix(false));
          }).toList();
    } catch (ApplicationFailure f) {
      why = f.getOriginalMessage().replaceFirst("^preflight: ", "");
    } catch (SdkException x) {
      why = AwsPreflight.firstLine(x.getMessage());
    }
    return List.of(Row.unknown("quotas " + name, "not read (" + why + "); a lab needs "
        + String.join(", ", need)));
  }

  /**
   * The Temporal side: whether the server answers on the command line's connection (as every
   * command asks: a refused connection at once, a slow server said and waited for), and whether a
   * worker polls the task queue ({@link Pollers}, as every command that needs a worker asks).
   */
  private List<Row> temporalRows() {
    String where;
    try {
      var profile = TemporalConnection.loadProfile();
      where = (profile.getAddress() == null ? "localhost:7233" : profile.getAddress())
          + ", namespace " + (profile.getNamespace() == null ? "default" : profile.getNamespace());
    } catch (RuntimeException e) {
      return List.of(Row.fail("Temporal", AwsPreflight.firstLine(e.getMessage()),
          "correct TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE"));
    }
    String queue = "task queue " + taskQueue;
    try {
      TemporalConnection conn = temporal.get();
      return List.of(Row.ok("Temporal", "answers at " + where), Pollers.polled(conn, taskQueue)
          ? Row.ok(queue, "a worker polls it (workflow and activity pollers within the last "
              + Pollers.FRESH.toSeconds() + " s)")
          : Row.fail(queue, Pollers.none(taskQueue), null));
    } catch (StatusRuntimeException e) {
      return List.of(
          Row.fail("Temporal", "no answer at " + where + " (" + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null ? "" : ": "
              + AwsPreflight.firstLine(e.getStatus().getDescription())) + ")",
              "set TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (or TEMPORAL_PROFILE), or start the"
              + " local stack with ./scripts/stack up"),
          Row.unknown(queue, "Temporal did not answer"));
    }
  }

  /** Where the AWS calls go: the endpoint override, or AWS itself. */
  static String endpoint(Composition.AwsAccess aws) {
    String e = aws.guard().policy().endpoint();
    return e == null ? "AWS (no AWS_ENDPOINT_URL)" : e;
  }

  private static Map<String, Definition> definitions(Path dir, List<String> only) {
    List<String> names = only;
    if (names.isEmpty()) {
      try (Stream<Path> files = Files.list(dir)) {
        names = files.map(p -> p.getFileName().toString())
            .filter(f -> f.endsWith(".yaml"))
            .map(f -> f.substring(0, f.length() - ".yaml".length()))
            .filter(DirectoryDefinitionSource::isName).sorted().toList();
      } catch (IOException e) {
        names = List.of();
      }
    }
    DirectoryDefinitionSource source = new DirectoryDefinitionSource(dir);
    Map<String, Definition> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, source.find(n)
          .map(f -> Composition.validate(f.fileName(), f.text()).definitionOrNull()).orElse(null));
    }
    return out;
  }
}
