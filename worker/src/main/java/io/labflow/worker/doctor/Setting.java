package io.labflow.worker.doctor;

import io.labflow.activities.common.AccountGuard;
import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.workflows.model.Definition;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * What the checks share, asked once: the AWS clients of this process's configuration (the
 * worker's, account guard included), who they act as and the guard's verdict, as the table's first
 * rows, and the definitions and task queue to check.
 *
 * @param siteParameters the value of {@code --site-parameters} (JSON or a file); null is none
 * @param definitions the definitions to check by name; a file that does not validate maps to null
 * @param aws the clients; null when none could be built (no region)
 * @param identity who the clients act as; null when unknown
 * @param identityRows the rows of the AWS identity: region and endpoint, identity, account guard
 * @param awsBlocked why the checks that call AWS cannot run; null when they can
 */
public record Setting(Path definitionsDir, String taskQueue, String siteParameters,
    Map<String, Definition> definitions, Composition.AwsAccess aws,
    AccountGuard.Identity identity, List<Row> identityRows, String awsBlocked)
    implements AutoCloseable {

  /**
   * Builds the AWS clients, asks who they act as and whether the account guard allows it.
   *
   * @param only the definitions to check; empty for every definition in {@code definitionsDir}
   */
  static Setting open(
      Path definitionsDir, String taskQueue, List<String> only, String siteParameters) {
    Map<String, Definition> definitions = definitions(definitionsDir, only);
    Composition.AwsAccess aws;
    try {
      aws = Composition.awsAccess(List.of());
    } catch (SdkException e) {
      String problem = AwsPreflight.firstLine(e.getMessage());
      return new Setting(definitionsDir, taskQueue, siteParameters, definitions, null, null,
          List.of(Row.fail("AWS region", problem,
              "set AWS_REGION (or a profile's region) in the worker's environment")),
          "no AWS client (" + problem + ")");
    }
    List<Row> rows = new ArrayList<>();
    rows.add(Row.ok("AWS region and endpoint", aws.clients().sts().serviceClientConfiguration()
        .region().id() + " at " + endpoint(aws)));
    String guard = aws.guard().policy().describe();
    AccountGuard.Identity identity;
    try {
      identity = new AwsPreflight(aws.clients(), aws.guard()).identity();
    } catch (ApplicationFailure f) {
      rows.add(Row.fail("AWS identity",
          f.getOriginalMessage().replaceFirst("^preflight: ", ""), null));
      rows.add(Row.unknown("account guard", "sts:GetCallerIdentity did not answer, so the account"
          + " is unknown (" + guard + ")"));
      return new Setting(definitionsDir, taskQueue, siteParameters, definitions, aws, null, rows,
          "the worker's AWS identity is unknown");
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
    return new Setting(definitionsDir, taskQueue, siteParameters, definitions, aws, identity, rows,
        refusal == null ? null : "the account guard refuses account " + identity.account()
            + ", so labflow sends it nothing else");
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
          .flatMap(f -> Composition.validate(f.fileName(), f.text()).definition()).orElse(null));
    }
    return out;
  }

  @Override
  public void close() {
    if (aws != null) {
      aws.clients().close();
    }
  }
}
