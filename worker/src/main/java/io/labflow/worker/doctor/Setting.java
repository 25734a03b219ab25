package io.labflow.worker.doctor;

import io.labflow.worker.runtime.Composition;
import io.labflow.activities.common.AccountGuard;
import io.labflow.activities.preflight.AwsPreflight;
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
 * worker's, account guard included), who they act as, the guard's verdict, and the definitions
 * and task queue to check.
 *
 * @param definitions the definitions to check by name; a file that does not validate maps to null
 * @param clientProblem why no AWS client could be built (no region); null when {@code aws} is set
 * @param identityProblem why the identity is unknown (credentials, endpoint); null when {@code
 *     identity} is set
 * @param refusal the account guard's refusal, or null when it allows the account (or was not
 *     asked)
 */
public record Setting(Path definitionsDir, String taskQueue, Map<String, Definition> definitions,
    Composition.AwsAccess aws, String clientProblem, AccountGuard.Identity identity,
    String identityProblem, String refusal) implements AutoCloseable {

  /**
   * Builds the AWS clients, asks who they act as and whether the account guard allows it.
   *
   * @param only the definitions to check; empty for every definition in {@code definitionsDir}
   */
  static Setting open(Path definitionsDir, String taskQueue, List<String> only) {
    Map<String, Definition> definitions = definitions(definitionsDir, only);
    Composition.AwsAccess aws;
    try {
      aws = Composition.awsAccess(List.of());
    } catch (SdkException e) {
      return new Setting(definitionsDir, taskQueue, definitions, null,
          AwsPreflight.firstLine(e.getMessage()), null, null, null);
    }
    AccountGuard.Identity identity = null;
    String identityProblem = null;
    String refusal = null;
    try {
      identity = new AwsPreflight(aws.clients(), aws.guard()).identity();
      aws.guard().verify();
    } catch (ApplicationFailure f) {
      if (identity == null) {
        identityProblem = f.getOriginalMessage().replaceFirst("^preflight: ", "");
      } else {
        refusal = f.getOriginalMessage();
      }
    } catch (SdkException e) {
      refusal = "the account guard could not ask AWS ("
          + AwsPreflight.firstLine(e.getMessage()) + ")";
    }
    return new Setting(definitionsDir, taskQueue, definitions, aws, null, identity,
        identityProblem, refusal);
  }

  /** Why the checks that call AWS cannot run; null when they can. */
  String awsBlocked() {
    if (aws == null) {
      return "no AWS client (" + clientProblem + ")";
    }
    if (identity == null) {
      return "the worker's AWS identity is unknown";
    }
    if (refusal != null) {
      return "the account guard refuses account " + identity.account()
          + ", so labflow sends it nothing else";
    }
    return null;
  }

  /**
   * The one loop of the checks that ask about each definition: an UNKNOWN row {@code CHECK NAME}
   * for a definition that does not validate or when AWS cannot be asked, else the check's rows.
   */
  List<Row> eachDefinition(String check, BiFunction<String, Definition, List<Row>> rows) {
    List<Row> out = new ArrayList<>();
    String blocked = awsBlocked();
    definitions.forEach((name, d) -> {
      if (d == null) {
        out.add(Row.unknown(check + " " + name, "the definition does not validate (labflow"
            + " validate " + name + "), so its needs are unknown"));
      } else if (blocked != null) {
        out.add(Row.unknown(check + " " + name, "not asked: " + blocked));
      } else {
        out.addAll(rows.apply(name, d));
      }
    });
    return out;
  }

  /** Where the AWS calls go: the endpoint override, or AWS itself. */
  String endpoint() {
    String e = aws == null ? null : aws.guard().policy().endpoint();
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
