package io.labflow.worker.engine;

import io.labflow.activities.AwsClients;
import io.labflow.activities.StepLibrary;
import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.definition.DefinitionActivitiesImpl;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.definition.DefinitionSource;
import io.labflow.workflows.interpreter.LabWorkflowImpl;
import io.labflow.workflows.model.Definition;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where the worker touches the engine's and the step library's implementation
 * classes; everything else in this module programs against the workflow contract.
 */
public final class Engine {

  private static final ActionCatalog CATALOG =
      ActionCatalog.fromActivityInterfaces(
          StepLibrary.activityInterfaces().toArray(Class<?>[]::new));

  private Engine() {}

  /** Every action a step file may use, as declared by the step library. */
  public static ActionCatalog catalog() {
    return CATALOG;
  }

  /** Loads and validates one step file without touching Temporal or AWS. */
  public static Validation validate(String fileName, String text) {
    DefinitionLoader.Result result = new DefinitionLoader(CATALOG).load(fileName, text);
    List<String> diagnostics = List.copyOf(result.diagnostics());
    return new Validation(
        diagnostics.isEmpty() ? Optional.ofNullable(result.definition()) : Optional.empty(),
        diagnostics);
  }

  /** Registers the lab interpreter workflow on a worker. */
  public static void registerLabWorkflow(Worker worker) {
    worker.registerWorkflowImplementationTypes(LabWorkflowImpl.class);
  }

  /** The definition-resolving activity, reading definitions from the given source. */
  public static Object definitionActivities(DefinitionSource source) {
    return new DefinitionActivitiesImpl(source, new DefinitionLoader(CATALOG));
  }

  /** Every AWS activity implementation of the step library, over one set of clients. */
  public static List<Object> stepActivities(AwsClients clients) {
    return List.copyOf(StepLibrary.implementations(clients));
  }

  /** AWS clients built once from the standard AWS configuration (env, profile, endpoint). */
  public static AwsClients awsClients() {
    return AwsClients.fromEnvironment();
  }

  /**
   * The IAM policy document the CreatePolicy activity would send for these inputs, built by the
   * activity's own code; empty when the step library offers no such builder.
   */
  public static Optional<String> policyDocument(Map<String, Object> createPolicyInput) {
    return Optional.empty();
  }

  /**
   * The outcome of validating one file.
   *
   * @param definition the definition when the file is valid
   * @param diagnostics every problem as {@code FILE:LINE:COLUMN: path: message}; empty when valid
   */
  public record Validation(Optional<Definition> definition, List<String> diagnostics) {
    public boolean valid() {
      return diagnostics.isEmpty() && definition.isPresent();
    }
  }
}
